/**
 * The sandbox's checkout: what Stripe's hosted Checkout page does in test mode. The launcher runs
 * it on loopback next to the concierge sandbox; `POST /pay/<orderId>` (or the button on
 * `GET /pay/<orderId>`) sends the platform's Stripe webhook a `checkout.session.completed` for the
 * order's open Checkout Session, signed with the sandbox's webhook secret. stripe-mock keeps no
 * state, so the session id comes from the order's payment row. `npm run sandbox:pay` and the demo
 * call it; its URL is written to `<dataDir>/sandbox/concierge/stripe.json`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Db } from '../db/client.js';
import { openCheckoutSessionId } from '../db/queries/concierge-payments.js';
import { signedCheckoutEvent } from './concierge/stripe-events.js';

export interface SandboxCheckout {
  url: string;
  stop(): Promise<void>;
}

const ORDER_PATH = /^\/pay\/(ord_[a-z0-9]{1,64})$/;

export async function startSandboxCheckout(opts: { db: Db; apiUrl: string; webhookSecret: string }): Promise<SandboxCheckout> {
  const pay = async (orderId: string): Promise<{ status: number; body: string }> => {
    const sessionId = await openCheckoutSessionId(opts.db, orderId);
    if (!sessionId) return { status: 409, body: `order ${orderId} has no open Checkout Session (not awaiting payment yet, or paid already)` };
    const { payload, header } = signedCheckoutEvent({
      orderId,
      sessionId,
      secret: opts.webhookSecret,
      eventId: `evt_sandbox_${sessionId}_${orderId}`,
    });
    const res = await fetch(`${opts.apiUrl}/v1/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: { 'stripe-signature': header, 'content-type': 'application/json' },
    });
    return { status: res.status === 200 ? 200 : 502, body: `Stripe webhook answered ${res.status}: ${await res.text()}` };
  };
  const server: Server = createServer((req, res) => {
    const orderId = ORDER_PATH.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
    if (!orderId) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('POST /pay/<orderId>\n');
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>Paiement (sandbox)</title><h1>Commande ${orderId}</h1><p>Sandbox : aucune carte n’est débitée.</p><form method="post"><button>Payer</button></form>`,
      );
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' }).end();
      return;
    }
    pay(orderId).then(
      (r) => res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${r.body}\n`),
      (err: unknown) => res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`sandbox checkout: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Pays an order through the running sandbox checkout (its URL read from the data folder). */
export async function payInSandbox(opts: { dataDir: string; orderId: string }): Promise<{ status: number; body: string }> {
  const file = join(opts.dataDir, 'sandbox', 'concierge', 'stripe.json');
  let checkoutUrl: string;
  try {
    checkoutUrl = (JSON.parse(readFileSync(file, 'utf8')) as { checkoutUrl: string }).checkoutUrl;
  } catch {
    throw new Error(`no concierge sandbox here (${file} missing): is npm start running without Stripe credentials?`);
  }
  const res = await fetch(`${checkoutUrl}/pay/${opts.orderId}`, { method: 'POST' });
  return { status: res.status, body: await res.text() };
}
