/**
 * The concierge's whole world on loopback, for its tests: stripe-mock, the whois fixture, the RDAP
 * and Namecheap fakes, Cloudflare fake + challtestsrv + Pebble (real ACME), the loopback HTTPS
 * server standing in for nginx, the SMTP catcher; a Config pointing every adapter at them, the real
 * worker and the real API. Helpers sign Stripe webhooks with the SDK's test-header helper.
 */
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { checkoutSessionId } from '../../db/queries/concierge-payments.js';
import type { Config } from '../../core/config.js';
import type { Db } from '../../db/client.js';
import type { Family } from '../../core/temporal.js';
import type { WebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import type { RunningWorkers } from '../../workers/run.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import {
  SANDBOX_STRIPE_WEBHOOK_SECRET,
  signedCheckoutEvent,
  startConciergePeers,
  type AcmeStack,
  type NamecheapFake,
  type RdapFake,
  type StripeMock,
  type WhoisFixture,
} from '../../sandbox/concierge/index.js';
import { startTestWorkers, testApp, testClient, testConfig } from './platform.js';

export const WEBHOOK_SECRET = SANDBOX_STRIPE_WEBHOOK_SECRET;
export { signedCheckoutEvent, stripe } from '../../sandbox/concierge/index.js';

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

/** The concierge sandbox (sandbox/concierge) + the SMTP catcher, a config, the real worker and API. */
export async function startConciergeWorld(db: Db, dbUrl: string, opts: WorldOptions = {}): Promise<ConciergeWorld> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const [peers, mail] = await Promise.all([
      startConciergePeers({ taken: opts.taken ?? [], registered: opts.registered ?? opts.taken ?? [] }),
      startMailCatcher(),
    ]);
    stops.push(peers.stop, mail.close);
    const env: Record<string, string> = {
      ...peers.env,
      SMTP_URL: mail.url,
      OPERATOR_EMAIL: 'ops@atelier.test',
      CONCIERGE_DATA_DIR: join(peers.dir, 'data'),
      CONCIERGE_START_MONITOR: 'false',
      CONCIERGE_STEP_RETRY_SECONDS: '2',
      ...opts.env,
    };
    const config = testConfig(dbUrl, env);
    const configWith = (more: Record<string, string>) => ({
      ...config,
      ...testConfig(dbUrl, { ...env, ...more }),
      TASK_QUEUE_PREFIX: config.TASK_QUEUE_PREFIX,
    });
    const client = await testClient(config);
    stops.push(() => client.connection.close());
    const families = opts.families ?? ['concierge'];
    const workers = families.length ? await startTestWorkers(config, db, families) : null;
    if (workers) stops.push(() => workers.shutdown());
    const { call } = testApp(config, db, client);
    return {
      config,
      env: { ...env, TASK_QUEUE_PREFIX: config.TASK_QUEUE_PREFIX },
      client,
      workers,
      call,
      mail,
      stripeMock: peers.stripe!,
      whois: peers.whois,
      rdap: peers.rdap,
      namecheap: peers.namecheap,
      acme: peers.acme,
      web: peers.sites,
      dir: peers.dir,
      configWith,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The README's order with the tests' contact address and a two-paragraph description; each test sets its domain. */
export const ORDER = {
  ...EXAMPLE_ORDER,
  contactEmail: 'claire@client.test',
  site: { ...EXAMPLE_ORDER.site, description: 'Boulangerie artisanale.\n\nOuverte du mardi au dimanche.', phone: '+33 4 72 00 00 00' },
};

export async function pollOrder(
  call: ConciergeWorld['call'],
  orderId: string,
  until: (o: Record<string, unknown>) => boolean,
  timeoutMs = 45_000,
): Promise<Record<string, unknown>> {
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
    const session = await checkoutSessionId(db, orderId);
    if (session) return session;
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
