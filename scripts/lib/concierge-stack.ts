/**
 * `npm run bench:concierge`'s world: a throwaway PostgreSQL + Temporal, the concierge sandbox
 * (sandbox/concierge: stripe-mock, Pebble + challtestsrv + the Cloudflare fake, the Namecheap /
 * whois / RDAP fakes, the loopback HTTPS server), the SMTP catcher; the real worker and the real
 * API served over HTTP on loopback.
 */
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { loadConfig, type Config } from '../../core/config.js';
import { connectTemporal } from '../../core/temporal-connection.js';
import { taskQueueFor } from '../../core/temporal.js';
import { createDb, type Db } from '../../db/client.js';
import { getOrder } from '../../db/queries/concierge-orders.js';
import { checkoutSessionId } from '../../db/queries/concierge-payments.js';
import { createMailer } from '../../activities/shared/mail.js';
import { loadWorkflowBundle } from '../../workers/bundle.js';
import { startWorkers } from '../../workers/run.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { startThrowawayEnv } from './throwaway-env.js';
import { signedCheckoutEvent, startConciergePeers, type NamecheapFake } from '../../sandbox/concierge/index.js';

const KEY = 'concierge-demo-key-0123456789';

export interface ConciergeStack {
  config: Config;
  db: Db;
  base: string;
  mail: MailCatcher;
  namecheap: NamecheapFake;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Pays the order through a webhook signed like Stripe's, once its Checkout Session exists. */
  pay(orderId: string): Promise<void>;
  waitPhase(orderId: string, phases: string[], timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startConciergeStack(opts: { log: (m: string) => void; taken?: string[] }): Promise<ConciergeStack> {
  const { log } = opts;
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    })());
  // Ctrl-C / kill: stop the servers this script started (PostgreSQL, Temporal, the peers) first
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop().then(() => process.exit(130)));
  try {
    const env = await startThrowawayEnv(log);
    stops.push(() => env.stop());
    const [peers, mail] = await Promise.all([startConciergePeers({ taken: opts.taken ?? [] }), startMailCatcher()]);
    stops.push(
      () => peers.stop(),
      () => mail.close(),
    );
    const namecheap = peers.namecheap;

    const config = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATABASE_URL: env.databaseUrl,
      DATABASE_POOL_MAX: '20',
      TEMPORAL_ADDRESS: env.temporalAddress,
      API_KEYS: KEY,
      TASK_QUEUE_PREFIX: 'concierge-demo',
      ...(env.chromiumPath ? { CHROMIUM_PATH: env.chromiumPath } : {}),
      OUTBOUND_ALLOWLIST: '127.0.0.0/8',
      SMTP_URL: mail.url,
      OPERATOR_EMAIL: 'ops@atelier.localhost',
      ...peers.env,
      CONCIERGE_DATA_DIR: join(peers.dir, 'data'),
      CONCIERGE_START_MONITOR: 'false',
    });
    const db = createDb(config);
    stops.push(() => db.destroy());
    const temporal = await connectTemporal(config);
    stops.push(() => temporal.connection.close());
    const logger = pino({ level: 'silent' });
    const mailer = createMailer(config);
    stops.push(async () => mailer.close());
    const workers = await startWorkers(
      { config, db, logger, mailer },
      [{ family: 'concierge', taskQueue: taskQueueFor('concierge', config.TASK_QUEUE_PREFIX) }],
      await loadWorkflowBundle(),
    );
    stops.push(() => workers.shutdown());
    const app = createApp({ config, db, temporal, logger });
    let server: ServerType | undefined;
    const base = await new Promise<string>((res) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => res(`http://127.0.0.1:${info.port}`));
    });
    stops.push(() => new Promise((r) => server!.close(() => r())));

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });

    const waitPhase = async (orderId: string, phases: string[], timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await getOrder(db, orderId);
        if (row && phases.includes(row.phase)) return row.phase;
        if (Date.now() > deadline) throw new Error(`order ${orderId} is still ${row?.phase}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const pay = async (orderId: string) => {
      await waitPhase(orderId, ['awaiting-payment']);
      let session: string | null = null;
      const deadline = Date.now() + 60_000;
      while (!session) {
        session = await checkoutSessionId(db, orderId);
        if (session) break;
        const o = await getOrder(db, orderId);
        if (o?.phase !== 'awaiting-payment' || Date.now() > deadline) throw new Error(`order ${orderId} has no Checkout Session (phase ${o?.phase})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const { payload, header } = signedCheckoutEvent({ orderId, sessionId: session, eventId: `evt_${orderId}` });
      const res = await fetch(`${base}/v1/webhooks/stripe`, {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': header, 'content-type': 'application/json' },
      });
      if (res.status !== 200) throw new Error(`webhook refused: ${res.status} ${await res.text()}`);
    };

    return { config, db, base, mail, namecheap, api, pay, waitPhase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The README's order as the demo and the bench place it (their own domain each; a catcher address). */
export const DEMO_ORDER = {
  ...EXAMPLE_ORDER,
  contactEmail: 'claire@boulangerie-martin.test',
  site: { ...EXAMPLE_ORDER.site, description: 'Boulangerie artisanale au cœur de Lyon.', phone: '+33 4 72 00 00 00' },
};
