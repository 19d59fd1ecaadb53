/** Sends a signed JSON webhook (see webhook-signing.ts) and classifies the answer for retries. */
import { ApplicationFailure } from '@temporalio/common';
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign } from './webhook-signing.js';
import { OutboundRefused, resolvePublicTarget, type Allowlist } from './net-guard.js';

export interface WebhookDelivery {
  url: string;
  /** Stable id per delivery: receivers dedupe on it. */
  deliveryId: string;
  body: unknown;
}

export async function sendWebhook(
  delivery: WebhookDelivery,
  opts: { secret: string; allow: Allowlist; timeoutMs?: number; now?: () => number },
): Promise<{ status: number }> {
  try {
    await resolvePublicTarget(delivery.url, opts.allow);
  } catch (err) {
    if (err instanceof OutboundRefused) throw ApplicationFailure.nonRetryable(err.message, `webhook-${err.reason}`);
    throw err;
  }
  const raw = JSON.stringify(delivery.body);
  const ts = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const res = await fetch(delivery.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Atelier-Webhooks/1',
      [SIGNATURE_HEADER]: sign(opts.secret, raw, ts),
      [DELIVERY_HEADER]: delivery.deliveryId,
    },
    body: raw,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    redirect: 'error',
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { status: res.status };
  // Permanent refusals are not retried; 408 / 429 / 5xx are.
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    throw ApplicationFailure.nonRetryable(`webhook ${delivery.url} refused with ${res.status}`, 'webhook-rejected');
  }
  throw new Error(`webhook ${delivery.url} answered ${res.status}`);
}
