/**
 * `npm run bench:sync`: the initial load of 10,000 Sage customers and 5,000 quotes into HubSpot,
 * against the fakes enforcing 190 requests / 10 s and 100 records per batch. Prints the wall time,
 * the floor the rate limit sets (HubSpot requests needed / allowed rate) and their ratio (target
 * <= 1.25x); then 100 changes made in HubSpot, each timed from the change to its arrival in Sage
 * through the signed webhook, the debounced batcher and the Sage adapter (target p95 <= 5 s).
 *
 * Each customer has `--persons` contact persons besides its main one (default 1): each becomes a
 * HubSpot contact associated with the company (the extra contact and association calls).
 *
 *   npm run bench:sync -- [--scale 1] [--changes 100] [--spacing-ms 100] [--persons 1]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { createMailer } from '../activities/shared/mail.js';
import { loadConfig } from '../core/config.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { customersWithContact } from '../db/queries/sync-idmap.js';
import { loadWorkflowBundle } from '../workers/bundle.js';
import { startWorkers } from '../workers/run.js';
import { startHubSpotFake } from '../sandbox/hubspot/index.js';
import { startSageFake } from '../sandbox/sage/index.js';
import { syncSandboxEnv } from '../sandbox/sync.js';
import type { CrmSyncStatus } from '../workflows/sync.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';
import { summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    changes: { type: 'string', default: '100' },
    'spacing-ms': { type: 'string', default: '100' },
    /** Extra contact persons per customer besides the main one (each a HubSpot contact + association). */
    persons: { type: 'string', default: '1' },
  },
});
const SCALE = Number(values.scale);
const CUSTOMERS = Math.round(10_000 * SCALE);
const QUOTES = Math.round(5_000 * SCALE);
const CHANGES = Number(values.changes);
const PERSONS = Number(values.persons);
const RATE = 190;
const WINDOW_S = 10;
const KEY = 'bench-key-0123456789abcdef';
const SECRET = 'bench-hubspot-client-secret';
const TOKEN = 'pat-bench';
const log = (m: string) => console.log(`[bench:sync] ${m}`);

const env = await startThrowawayEnv(log);
const hubspot = await startHubSpotFake({
  accessToken: TOKEN,
  rateLimit: { max: RATE, windowMs: WINDOW_S * 1000 },
  webhooks: { secret: SECRET, sources: ['CRM_UI'], batchDelayMs: 20 },
});
const sage = await startSageFake();

log(`seeding Sage: ${CUSTOMERS} customers (each with ${PERSONS} contact person(s) besides the main one), ${QUOTES} quotes`);
const customerIds: string[] = [];
for (let i = 1; i <= CUSTOMERS; i++) {
  const c = sage.direct.create('contacts', {
    name: `Client ${i} SARL`,
    reference: `C${String(i).padStart(6, '0')}`,
    contact_type_ids: ['CUSTOMER'],
    main_address: { address_line_1: `${i} avenue de la République`, city: 'Paris', postal_code: '75011', country_id: 'FR' },
    main_contact_person: { name: `Contact ${i}`, email: `client${i}@bench.example`, telephone: `01 ${String(40_000_000 + i).replace(/(\d\d)(?=\d)/g, '$1 ')}` },
    currency_id: 'EUR',
  });
  customerIds.push(String(c.id));
  const address = String((c.main_address as { id: string }).id);
  for (let k = 1; k <= PERSONS; k++)
    sage.direct.create('contact_persons', { address_id: address, name: `Comptable ${i}-${k}`, email: `compta${i}-${k}@bench.example` });
}
for (let i = 0; i < QUOTES; i++) {
  sage.direct.create('sales_quotes', {
    contact_id: customerIds[i % customerIds.length],
    date: '2026-11-20',
    expiry_date: '2026-12-20',
    quote_lines: [{ description: `Prestation ${i}`, quantity: 1 + (i % 3), unit_price: 100 + (i % 50) }],
  });
}

const config = loadConfig({
  DATABASE_URL: env.databaseUrl,
  TEMPORAL_ADDRESS: env.temporalAddress,
  API_KEYS: KEY,
  LOG_LEVEL: 'silent',
  TASK_QUEUE_PREFIX: `benchsync${randomUUID().slice(0, 6)}`,
  ...syncSandboxEnv(hubspot, sage, { token: TOKEN, secret: SECRET }),
  HUBSPOT_RATE_PER_10S: String(RATE),
  SYNC_SAGE_RATE_PER_MINUTE: '100000',
  SYNC_SAGE_DAILY_BUDGET: '10000000',
});
const logger = pino({ level: 'silent' });
const db = createDb(config);
const temporal = await connectTemporal(config);
const workers = await startWorkers(
  { config, db, logger, mailer: createMailer(config) },
  [{ family: 'sync', taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX) }],
  await loadWorkflowBundle(),
);
const app = createApp({ config, db, temporal, logger });
let server!: ServerType;
const apiBase = await new Promise<string>((resolve) => {
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => resolve(`http://127.0.0.1:${i.port}`));
});
hubspot.webhooks.configure({ url: `${apiBase}/v1/webhooks/hubspot` });

try {
  // 1. Initial load.
  hubspot.resetStats();
  log('initial load (full run)…');
  const t0 = performance.now();
  const res = (await temporal.workflow.execute('crmSync', {
    workflowId: `bench-sync-${randomUUID()}`,
    taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX),
    args: [{ mode: 'full', trigger: 'bench' }],
  })) as CrmSyncStatus;
  const wallS = (performance.now() - t0) / 1000;
  const stats = hubspot.stats();
  const accepted = stats.requests - stats.throttled;
  const floorS = accepted / (RATE / WINDOW_S);
  const companies = hubspot.objects('companies').length;
  const deals = hubspot.objects('deals').length;
  // companies + contacts + primary associations, the other persons' contacts + associations, deals + associations
  const ideal = 3 * Math.ceil(CUSTOMERS / 100) + (PERSONS > 0 ? 2 * Math.ceil((CUSTOMERS * PERSONS) / 100) : 0) + 2 * Math.ceil(QUOTES / 100);
  console.log(`
initial load: ${CUSTOMERS} customers (+ ${CUSTOMERS * PERSONS} other contact persons) + ${QUOTES} quotes  (run ${res.phase})
  HubSpot objects           ${companies} companies, ${hubspot.objects('contacts').length} contacts, ${deals} deals
  HubSpot requests          ${stats.requests} sent, ${stats.throttled} answered 429, ${accepted} accepted (batch writes alone: ${ideal})
  wall time                 ${wallS.toFixed(1)} s
  rate-limit floor          ${floorS.toFixed(1)} s  (${accepted} requests / ${RATE} per ${WINDOW_S} s)
  ratio                     ${(wallS / floorS).toFixed(2)}x  (target <= 1.25x)
  by route                  ${Object.entries(stats.byRoute)
    .filter(([r]) => !r.includes('/properties'))
    .map(([r, n]) => `${r.replace('/crm/', '')}: ${n}`)
    .join('; ')}`);
  if (companies !== CUSTOMERS || deals !== QUOTES || hubspot.objects('contacts').length !== CUSTOMERS * (1 + PERSONS))
    throw new Error('the load is incomplete');

  // 2. Webhook -> Sage latency.
  log(`${CHANGES} changes in HubSpot, one every ${values['spacing-ms']} ms…`);
  const rows = await customersWithContact(db, CHANGES);
  const pending = new Map<string, { started: number; phone: string }>();
  const latencies: number[] = [];
  const watcher = setInterval(() => {
    for (const [sageId, p] of pending) {
      const person = sage.get('contacts', sageId)?.main_contact_person as { telephone?: string } | undefined;
      if (person?.telephone === p.phone) {
        latencies.push(performance.now() - p.started);
        pending.delete(sageId);
      }
    }
  }, 10);
  for (const [i, r] of rows.entries()) {
    const phone = `+3361${String(1_000_000 + i).slice(1)}`.padEnd(12, '0');
    pending.set(r.sage_id, { started: performance.now(), phone });
    hubspot.ui.update('contacts', r.hubspot_contact_id!, { phone });
    await new Promise((resolve) => setTimeout(resolve, Number(values['spacing-ms'])));
  }
  const deadline = Date.now() + 60_000;
  while (pending.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(watcher);
  const s = summarize(latencies);
  console.log(`
webhook -> Sage: ${latencies.length} of ${rows.length} changes arrived (${pending.size} missing)
  p50 ${(s.p50 / 1000).toFixed(2)} s   p95 ${(s.p95 / 1000).toFixed(2)} s   max ${(s.max / 1000).toFixed(2)} s   (target p95 <= 5 s; debounce ${config.SYNC_WEBHOOK_DEBOUNCE_MS} ms, max wait ${config.SYNC_WEBHOOK_MAX_WAIT_MS} ms)
`);
} finally {
  hubspot.webhooks.stop();
  await new Promise((r) => server.close(r));
  await workers.shutdown();
  await temporal.connection.close();
  await db.destroy();
  await hubspot.close();
  await sage.close();
  await env.stop();
}
