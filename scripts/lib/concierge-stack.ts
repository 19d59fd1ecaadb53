/**
 * The concierge's local peers for `npm run demo:concierge` and `npm run bench:concierge`: a
 * throwaway PostgreSQL + Temporal, stripe-mock, Pebble + challtestsrv + the Cloudflare fake, the
 * Namecheap / whois / RDAP fakes, the loopback HTTPS server, the SMTP catcher; the real worker and
 * the real API served over HTTP on loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import Stripe from 'stripe';
import { createApp } from '../../api/app.js';
import { loadConfig, type Config } from '../../core/config.js';
import { connectTemporal } from '../../core/temporal-connection.js';
import { taskQueueFor } from '../../core/temporal.js';
import { createDb, type Db } from '../../db/client.js';
import { createMailer } from '../../activities/shared/mail.js';
import { startWebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import { loadWorkflowBundle } from '../../workers/bundle.js';
import { startWorkers } from '../../workers/run.js';
import { provision } from '../provision.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { startThrowawayEnv } from './throwaway-env.js';
import { startStripeMock } from '../../test/support/peers/stripe-mock.js';
import { startChallTestSrv } from '../../test/support/peers/challtestsrv.js';
import { startPebble } from '../../test/support/peers/pebble.js';
import { startCloudflareFake } from '../../test/support/peers/cloudflare-fake.js';
import { startNamecheapFake, type NamecheapFake } from '../../test/support/peers/namecheap-fake.js';
import { startWhoisFixture } from '../../test/support/peers/whois-fixture.js';
import { startRdapFake } from '../../test/support/peers/rdap-fake.js';

const KEY = 'concierge-demo-key-0123456789';
const WEBHOOK_SECRET = 'whsec_concierge_demo';

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
    stops.push(env.stop);
    const tools = provision(process.env, () => undefined);
    if (!tools.stripeMock || !tools.pebble || !tools.challtestsrv) throw new Error('stripe-mock, pebble and pebble-challtestsrv are needed: npm run provision');
    const dir = mkdtempSync(join(tmpdir(), 'atelier-concierge-demo-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const challtestsrv = await startChallTestSrv(tools.challtestsrv);
    stops.push(challtestsrv.stop);
    const [stripeMock, pebble, cloudflare, namecheap, whois, rdap, mail] = await Promise.all([
      startStripeMock(tools.stripeMock),
      startPebble({ dnsServer: challtestsrv.dnsServer, binary: tools.pebble }),
      startCloudflareFake({ challtestsrvUrl: challtestsrv.managementUrl }),
      startNamecheapFake({ taken: opts.taken ?? [] }),
      startWhoisFixture({ registered: opts.taken ?? [] }),
      startRdapFake({ registered: opts.taken ?? [] }),
      startMailCatcher(),
    ]);
    stops.push(stripeMock.stop, pebble.stop, cloudflare.close, namecheap.close, whois.close, rdap.close, mail.close);
    const sites = { SITES_ROOT: join(dir, 'sites'), SITES_TLS_DIR: join(dir, 'tls'), NGINX_SITES_DIR: join(dir, 'nginx') };
    const web = await startWebrootServer({ sitesRoot: resolve(sites.SITES_ROOT), tlsDir: resolve(sites.SITES_TLS_DIR), nginxSitesDir: resolve(sites.NGINX_SITES_DIR) });
    stops.push(web.close);
    const trust = join(dir, 'pebble-chain.pem');
    writeFileSync(trust, `${await pebble.rootCertPem()}\n${await pebble.management('/intermediates/0')}`);

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
      ...sites,
      ACME_DIRECTORY_URL: pebble.directoryUrl,
      ACME_CA_CERT_PATH: pebble.caCertPath,
      ACME_DNS_RESOLVERS: challtestsrv.dnsServer,
      CLOUDFLARE_BASE_URL: cloudflare.baseURL,
      CLOUDFLARE_API_TOKEN: cloudflare.token,
      CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
      STRIPE_SECRET_KEY: 'sk_test_conciergedemo',
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
      CONCIERGE_DATA_DIR: join(dir, 'data'),
      CONCIERGE_LIVE_CHECK_RESOLVE: 'MAP * 127.0.0.1',
      CONCIERGE_LIVE_CHECK_PORT: String(web.port),
      CONCIERGE_LIVE_CHECK_CA_PATH: trust,
      CONCIERGE_START_MONITOR: 'false',
    });
    const db = createDb(config);
    stops.push(() => db.destroy());
    const temporal = await connectTemporal(config);
    stops.push(() => temporal.connection.close());
    const logger = pino({ level: 'silent' });
    const mailer = createMailer(config);
    stops.push(async () => mailer.close());
    const workers = await startWorkers({ config, db, logger, mailer }, [{ family: 'concierge', taskQueue: taskQueueFor('concierge', config.TASK_QUEUE_PREFIX) }], await loadWorkflowBundle());
    stops.push(() => workers.shutdown());
    const app = createApp({ config, db, temporal, logger });
    let server: ServerType | undefined;
    const base = await new Promise<string>((res) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => res(`http://127.0.0.1:${info.port}`));
    });
    stops.push(() => new Promise((r) => server!.close(() => r())));

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    const stripe = new Stripe('sk_test_conciergedemo');

    const waitPhase = async (orderId: string, phases: string[], timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await db.selectFrom('concierge_orders').select('phase').where('id', '=', orderId).executeTakeFirst();
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
        const row = await db.selectFrom('concierge_payments').select('provider_id').where('order_id', '=', orderId).where('kind', '=', 'checkout').executeTakeFirst();
        session = row?.provider_id ?? null;
        if (session) break;
        const o = await db.selectFrom('concierge_orders').select('phase').where('id', '=', orderId).executeTakeFirst();
        if (o?.phase !== 'awaiting-payment' || Date.now() > deadline) throw new Error(`order ${orderId} has no Checkout Session (phase ${o?.phase})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const payload = JSON.stringify({
        id: `evt_${orderId}`,
        object: 'event',
        type: 'checkout.session.completed',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: session, object: 'checkout.session', payment_status: 'paid', payment_intent: `pi_${orderId}`, amount_total: 59_900, currency: 'eur', client_reference_id: orderId, metadata: { orderId } } },
      });
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const res = await fetch(`${base}/v1/webhooks/stripe`, { method: 'POST', body: payload, headers: { 'stripe-signature': header, 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`webhook refused: ${res.status} ${await res.text()}`);
    };

    return { config, db, base, mail, namecheap, api, pay, waitPhase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export const DEMO_ORDER = {
  businessName: 'Boulangerie Martin',
  contactEmail: 'claire@boulangerie-martin.test',
  plan: 'business',
  urgent: false,
  site: { kind: 'template', tagline: 'Pains au levain depuis 1952', description: 'Boulangerie artisanale au cœur de Lyon.', phone: '+33 4 72 00 00 00', city: 'Lyon' },
  registrant: { firstName: 'Claire', lastName: 'Martin', phone: '+33.472000000', address1: '3 rue des Fours', city: 'Lyon', postalCode: '69001', country: 'FR' },
};
