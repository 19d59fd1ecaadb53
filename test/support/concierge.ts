/**
 * The concierge's whole world on loopback, for its tests: stripe-mock, the whois fixture, the RDAP
 * and Namecheap fakes, Cloudflare fake + challtestsrv + Pebble (real ACME), the loopback HTTPS
 * server standing in for nginx, the SMTP catcher; a Config pointing every adapter at them, the real
 * worker and the real API. Helpers sign Stripe webhooks with the SDK's test-header helper.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { Db } from '../../db/client.js';
import type { Family } from '../../core/temporal.js';
import { startWebrootServer, type WebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import type { RunningWorkers } from '../../workers/run.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { startAcmeStack, startNamecheapFake, startRdapFake, startStripeMock, startWhoisFixture, type AcmeStack, type NamecheapFake, type RdapFake, type StripeMock, type WhoisFixture } from './peers/index.js';
import { startTestWorkers, testApp, testClient, testConfig } from './platform.js';

export const WEBHOOK_SECRET = 'whsec_concierge_test_secret';

export interface ConciergeWorld {
  config: Config;
  env: Record<string, string>;
  client: Client;
  workers: RunningWorkers | null;
  call: ReturnType<typeof testApp>['call'];
  mail: MailCatcher;
  stripeMock: StripeMock;
  whois: WhoisFixture;
  rdap: RdapFake;
  namecheap: NamecheapFake;
  acme: AcmeStack;
  web: WebrootServer;
  dir: string;
  /** A config with some variables changed (same queues), e.g. a short payment window for the API. */
  configWith(env: Record<string, string>): Config;
  stop(): Promise<void>;
}

export interface WorldOptions {
  taken?: string[];
  registered?: string[];
  env?: Record<string, string>;
  /** Families whose workers to start in-process; [] to run no worker (a test spawns its own). */
  families?: Family[];
}

export async function startConciergeWorld(db: Db, dbUrl: string, opts: WorldOptions = {}): Promise<ConciergeWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-concierge-'));
  const stops: Array<() => Promise<void>> = [async () => rmSync(dir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const [stripeMock, whois, rdap, namecheap, acme, mail] = await Promise.all([
      startStripeMock(),
      startWhoisFixture({ registered: opts.registered ?? opts.taken ?? [] }),
      startRdapFake({ registered: opts.registered ?? opts.taken ?? [] }),
      startNamecheapFake({ taken: opts.taken ?? [] }),
      startAcmeStack(),
      startMailCatcher(),
    ]);
    stops.push(stripeMock.stop, whois.close, rdap.close, namecheap.close, acme.stop, mail.close);
    const sites = { SITES_ROOT: join(dir, 'sites'), SITES_TLS_DIR: join(dir, 'tls'), NGINX_SITES_DIR: join(dir, 'nginx') };
    const web = await startWebrootServer({ sitesRoot: resolve(sites.SITES_ROOT), tlsDir: resolve(sites.SITES_TLS_DIR), nginxSitesDir: resolve(sites.NGINX_SITES_DIR) });
    stops.push(web.close);
    // the live check trusts Pebble's root and intermediate (its chain is only known at run time)
    const trust = join(dir, 'pebble-chain.pem');
    writeFileSync(trust, `${await acme.pebble.rootCertPem()}\n${await acme.pebble.management('/intermediates/0')}`);
    const env: Record<string, string> = {
      ...acme.env,
      ...sites,
      STRIPE_SECRET_KEY: 'sk_test_concierge',
      STRIPE_API_HOST: stripeMock.host,
      STRIPE_API_PORT: String(stripeMock.port),
      STRIPE_API_PROTOCOL: 'http',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      WHOIS_HOST: whois.host,
      RDAP_BASE_URL: rdap.url,
      NAMECHEAP_API_URL: namecheap.url,
      NAMECHEAP_API_USER: namecheap.apiUser,
      NAMECHEAP_API_KEY: namecheap.apiKey,
      NAMECHEAP_CLIENT_IP: namecheap.clientIp,
      SITE_HOST_IPV4: '127.0.0.1',
      SMTP_URL: mail.url,
      OPERATOR_EMAIL: 'ops@atelier.test',
      CONCIERGE_DATA_DIR: join(dir, 'data'),
      CONCIERGE_LIVE_CHECK_RESOLVE: 'MAP * 127.0.0.1',
      CONCIERGE_LIVE_CHECK_PORT: String(web.port),
      CONCIERGE_LIVE_CHECK_CA_PATH: trust,
      CONCIERGE_START_MONITOR: 'false',
      CONCIERGE_STEP_RETRY_SECONDS: '2',
      ...opts.env,
    };
    const config = testConfig(dbUrl, env);
    const configWith = (more: Record<string, string>) => ({ ...config, ...testConfig(dbUrl, { ...env, ...more }), TASK_QUEUE_PREFIX: config.TASK_QUEUE_PREFIX });
    const client = await testClient(config);
    stops.push(() => client.connection.close());
    const families = opts.families ?? ['concierge'];
    const workers = families.length ? await startTestWorkers(config, db, families) : null;
    if (workers) stops.push(() => workers.shutdown());
    const { call } = testApp(config, db, client);
    return { config, env: { ...env, TASK_QUEUE_PREFIX: config.TASK_QUEUE_PREFIX }, client, workers, call, mail, stripeMock, whois, rdap, namecheap, acme, web, dir, configWith, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export const stripe = new Stripe('sk_test_concierge');

/** A Checkout Session event as Stripe sends it, signed with the SDK's test-header helper. */
export function signedCheckoutEvent(opts: {
  orderId: string;
  sessionId: string;
  eventId?: string;
  paymentIntent?: string;
  amount?: number;
  secret?: string;
  type?: string;
  /** The signed `t=` (seconds; default now). */
  timestamp?: number;
  /** Without the order id in the metadata and as the client reference. */
  anonymous?: boolean;
}) {
  const payload = JSON.stringify({
    id: opts.eventId ?? `evt_${Math.random().toString(36).slice(2, 14)}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    type: opts.type ?? 'checkout.session.completed',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: opts.sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        payment_intent: opts.paymentIntent ?? `pi_${opts.orderId.slice(4)}`,
        amount_total: opts.amount ?? 59_900,
        currency: 'eur',
        client_reference_id: opts.anonymous ? null : opts.orderId,
        metadata: opts.anonymous ? {} : { orderId: opts.orderId, step: 'checkout-1' },
      },
    },
  });
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}) });
  return { payload, header };
}

export const ORDER = {
  businessName: 'Boulangerie Martin',
  contactEmail: 'claire@client.test',
  plan: 'business',
  urgent: false,
  site: { kind: 'template', tagline: 'Pains au levain depuis 1952', description: 'Boulangerie artisanale.\n\nOuverte du mardi au dimanche.', phone: '+33 4 72 00 00 00', city: 'Lyon' },
  registrant: { firstName: 'Claire', lastName: 'Martin', phone: '+33.472000000', address1: '3 rue des Fours', city: 'Lyon', postalCode: '69001', country: 'FR' },
};

export async function pollOrder(call: ConciergeWorld['call'], orderId: string, until: (o: Record<string, unknown>) => boolean, timeoutMs = 45_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/v1/concierge/orders/${orderId}`);
    const o = (await res.json()) as Record<string, unknown>;
    if (until(o)) return o;
    if (Date.now() > deadline) throw new Error(`order ${orderId} did not get there in ${timeoutMs} ms; it is ${JSON.stringify(o).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function sessionIdOf(db: Db, orderId: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const row = await db.selectFrom('concierge_payments').select('provider_id').where('order_id', '=', orderId).where('kind', '=', 'checkout').executeTakeFirst();
    if (row?.provider_id) return row.provider_id;
    if (Date.now() > deadline) throw new Error(`no checkout session for ${orderId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Places an order and pays it through a signed webhook once its Checkout Session exists. */
export async function placeOrder(w: ConciergeWorld, body: Record<string, unknown>): Promise<string> {
  const res = await w.call('/v1/concierge/orders', { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`order refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { orderId: string }).orderId;
}

export async function pay(w: ConciergeWorld, db: Db, orderId: string, eventId?: string) {
  const sessionId = await sessionIdOf(db, orderId);
  await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-payment' && o.checkoutUrl !== null);
  const { payload, header } = signedCheckoutEvent({ orderId, sessionId, ...(eventId ? { eventId } : {}) });
  return w.call('/v1/webhooks/stripe', { method: 'POST', body: payload, headers: { 'stripe-signature': header }, key: null });
}
