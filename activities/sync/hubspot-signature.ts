/**
 * HubSpot webhook signatures, version 3: `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed
 * with the app's client secret, of `method + uri + rawBody + timestamp`, where `timestamp` is the
 * `X-HubSpot-Request-Timestamp` header (Unix milliseconds). Requests older than five minutes are
 * refused. Pure functions: the webhook route and the HubSpot fake both use them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HUBSPOT_SIGNATURE_V3_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot's documented window: reject timestamps older than 5 minutes. */
export const HUBSPOT_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * HubSpot decodes these URL-encoded characters in the URI before signing (its documentation lists
 * them); every other escape stays as sent.
 */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function normalizeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
}

export function signHubSpotV3(secret: string, method: string, uri: string, body: string, timestamp: number | string): string {
  const source = `${method.toUpperCase()}${normalizeSignedUri(uri)}${body}${timestamp}`;
  return createHmac('sha256', secret).update(source, 'utf8').digest('base64');
}

export type HubSpotVerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

export interface HubSpotVerifyInput {
  secret: string;
  method: string;
  /** The full URI HubSpot called: scheme, host, path and query (as configured in the app). */
  uri: string;
  rawBody: string;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  nowMs: number;
  maxAgeMs?: number;
}

export function verifyHubSpotV3(input: HubSpotVerifyInput): HubSpotVerifyResult {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const ts = Number(timestamp);
  const maxAge = input.maxAgeMs ?? HUBSPOT_MAX_AGE_MS;
  // Too old, or from the future beyond the same tolerance (a clock that far off is no better).
  if (input.nowMs - ts > maxAge || ts - input.nowMs > maxAge) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signHubSpotV3(input.secret, input.method, input.uri, input.rawBody, timestamp), 'base64');
  let got: Buffer;
  try {
    got = Buffer.from(signature, 'base64');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (got.length !== expected.length) return { ok: false, reason: 'mismatch' };
  return timingSafeEqual(got, expected) ? { ok: true, timestamp: ts } : { ok: false, reason: 'mismatch' };
}
