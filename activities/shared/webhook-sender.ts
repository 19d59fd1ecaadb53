/**
 * Sends a signed JSON webhook (see webhook-signing.ts) and classifies the answer for retries. The
 * target is checked first (a clear, non-retryable refusal) and again at connect time by the guarded
 * dispatcher, so a receiver's name that rebinds to a private address gets nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import { fetch as undiciFetch } from 'undici';
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign } from './webhook-signing.js';
import { dispatcherFor, outboundRefusalOf } from './guarded-connect.js';
import { OutboundRefused, resolvePublicTarget, systemLookup, type Allowlist, type Lookup } from './net-guard.js';

export interface WebhookDelivery {
  url: string;
  /** Stable id per delivery: receivers dedupe on it. */
  deliveryId: string;
  body: unknown;
}

export async function sendWebhook(
  delivery: WebhookDelivery,
  opts: { secret: string; allow: Allowlist; lookup?: Lookup; signal?: AbortSignal; timeoutMs?: number; now?: () => number },
): Promise<{ status: number }> {
  const lookup = opts.lookup ?? systemLookup;
  const refusal = (err: OutboundRefused) => ApplicationFailure.nonRetryable(err.message, `webhook-${err.reason}`);
  try {
    await resolvePublicTarget(delivery.url, opts.allow, lookup);
  } catch (err) {
    if (err instanceof OutboundRefused) throw refusal(err);
    throw err;
  }
  const raw = JSON.stringify(delivery.body);
  const ts = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const res = await undiciFetch(delivery.url, {
    method: 'POST',
    dispatcher: dispatcherFor(opts.allow, lookup),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Atelier-Webhooks/1',
      [SIGNATURE_HEADER]: sign(opts.secret, raw, ts),
      [DELIVERY_HEADER]: delivery.deliveryId,
    },
    body: raw,
    signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    redirect: 'error',
  }).catch((err: unknown) => {
    const refused = outboundRefusalOf(err);
    throw refused ? refusal(refused) : err;
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { status: res.status };
  // Permanent refusals are not retried; 408 / 429 / 5xx are.
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    throw ApplicationFailure.nonRetryable(`webhook ${delivery.url} refused with ${res.status}`, 'webhook-rejected');
  }
  throw new Error(`webhook ${delivery.url} answered ${res.status}`);
}
