/**
 * Signatures for the webhooks we send: `Atelier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`, the scheme Stripe uses, so receivers can check both origin and freshness.
 * Pure functions; the HTTP sending lives in webhook-sender.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'atelier-signature';
export const DELIVERY_HEADER = 'atelier-delivery-id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function sign(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

export function verify(
  secret: string,
  body: string,
  header: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = new Map<string, string[]>();
  for (const kv of header.split(',')) {
    const [k, v] = kv.split('=', 2).map((x) => x.trim());
    if (!k || !v) continue;
    parts.set(k, [...(parts.get(k) ?? []), v]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(sign(secret, body, t).split('v1=')[1]!, 'hex');
  const match = candidates.some((c) => {
    const got = Buffer.from(c, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}
