/**
 * `npm run bench:scale`: families on the cluster topology — Temporal 1.29.1 on PostgreSQL
 * (scripts/lib/temporal-cluster.ts), the API in this process, worker processes started apart.
 *  - audits: hosting audits (browser probe off: the worker's CPU does the work) with 1, 2 and 4
 *    worker processes on the audits queue, audits/s and the ratio to one process; then one of two
 *    workers killed with SIGKILL under load: every audit completes, one report and one workflow
 *    execution each;
 *  - sync (scripts/lib/bench-scale-sync.ts): the shared HubSpot bucket across 1 and 2 sync worker
 *    processes and through a kill -9 of one of two: busiest 10 s window vs the limit, 429s, each
 *    company / contact / association once;
 *  - watches (scripts/lib/bench-scale-watches.ts): per-host politeness across 1 and 2 watches
 *    worker processes and through a kill -9: smallest gap per host vs the interval, pages/s, each
 *    listing / event / notification once.
 * Each measured run prints the CPU seconds of the Temporal server, the workers, PostgreSQL and this
 * process (API, stand-ins, fixtures) from /proc.
 *
 *   npm run bench:scale -- [--family audits,sync,watches] [--n 200] [--concurrency 32] [--workers 1,2,4]
 *     [--hubspot-limit 100] [--customers 1000] [--per-run 20]
 *     [--hosts 6] [--agencies 3] [--listings 6] [--politeness-ms 250]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { loadConfig } from '../core/config.js';
import { createDb } from '../db/client.js';
import { auditStatuses } from '../db/queries/audits.js';
import { migrateToLatest } from '../db/migrator.js';
import { startAuditFixtures } from '../test/support/audits/fixtures.js';
import { killHard, startWorkerProcess, writeWorkflowBundle } from '../test/support/worker-process.js';
import type { PeerProcess } from '../sandbox/concierge/process.js';
import { ensureDatabase, postmasterPid, startPostgres, throwawayPgDir } from './lib/postgres.js';
import { cpuMeter, formatCpu, whenReady } from './lib/bench-scale-cpu.js';
import { benchSyncScale } from './lib/bench-scale-sync.js';
import { benchWatchesScale } from './lib/bench-scale-watches.js';
import { freePort } from '../core/free-port.js';
import { runPool, summarize } from './lib/stats.js';
import { startClusterServer } from './lib/temporal-cluster.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './lib/temporal-server.js';
import { provision } from './provision.js';

const { values } = parseArgs({
  options: {
    family: { type: 'string', default: 'audits,sync,watches' },
    n: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1,2,4' },
    'hubspot-limit': { type: 'string', default: '100' },
    customers: { type: 'string', default: '1000' },
    'per-run': { type: 'string', default: '20' },
    hosts: { type: 'string', default: '6' },
    agencies: { type: 'string', default: '3' },
    listings: { type: 'string', default: '6' },
    'politeness-ms': { type: 'string', default: '250' },
  },
});
const families = new Set(values.family.split(','));
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const KEY = 'bench-key-0123456789abcdef';
const log = (m: string) => console.log(`[bench] ${m}`);

const tools = provision({ ...process.env, DATABASE_URL: undefined }, log);
const server = ensureTemporalServer(process.env, log);
if (!server) throw new Error(`bench:scale needs Temporal server ${TEMPORAL_SERVER_VERSION} (Go to build it)`);
const pgDir = throwawayPgDir('atelier-scale-pg-');
const pg = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(pgDir, 'data'), port: await freePort(), ephemeral: true });
const databaseUrl = await ensureDatabase(pg.adminUrl, 'atelier');
const migrateDb = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 1 });
await migrateToLatest(migrateDb);
await migrateDb.destroy();
const temporal = await startClusterServer({ tools: server, pgUrl: pg.adminUrl, port: await freePort() });
log(`Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL at ${temporal.address}`);

const fx = await startAuditFixtures();
const prefix = `benchscale${Date.now().toString(36)}`;
const workerEnv: Record<string, string> = {
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: temporal.address,
  TASK_QUEUE_PREFIX: prefix,
  OUTBOUND_ALLOWLIST: '127.0.0.0/8',
  ...fx.env,
};
const config = loadConfig({ ...workerEnv, API_KEYS: KEY, LOG_LEVEL: 'silent' });
const bundlePath = await writeWorkflowBundle(pgDir);
const db = createDb(config);
const conn = await Connection.connect({ address: temporal.address });
const client = new Client({ connection: conn, namespace: 'default' });
const app = createApp({ config, db, temporal: client, logger: pino({ level: 'silent' }) });
const api = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((r) => api.once('listening', r));
const base = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
const targets = [fx.urls.litespeed, fx.urls.hostgator, fx.urls.cloudflare, fx.urls.tls10, fx.urls.expired, fx.urls.selfsigned, fx.urls.error500];

async function audit(i: number, ids?: string[]): Promise<void> {
  const res = await fetch(`${base}/v1/audits`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: targets[i % targets.length], options: { browser: false, samples: 1 } }),
  });
  if (res.status !== 202) throw new Error(`POST /v1/audits answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  ids?.push(id);
  await client.workflow.getHandle(id).result();
}

const startWorkers = (n: number) =>
  Promise.all(Array.from({ length: n }, () => startWorkerProcess({ env: { ...workerEnv, LOG_LEVEL: 'warn' }, families: ['audits'], bundlePath })));
const stopWorkers = (ws: PeerProcess[]) => Promise.all(ws.map((w) => w.stop()));
const roots = { temporal: () => [temporal.process.pid!], postgres: () => [postmasterPid(join(pgDir, 'data'))!] };
const ctx = { client, workerEnv, bundlePath, taskQueuePrefix: prefix, roots };

async function benchAudits(): Promise<void> {
  console.log(`\naudits without browser, N=${N} concurrency=${CONCURRENCY}`);
  let baseRate = 0;
  for (const n of values.workers.split(',').map(Number)) {
    const ws = await startWorkers(n);
    await runPool(16, CONCURRENCY, (i) => audit(i)); // warm-up
    const meter = cpuMeter(
      roots,
      ws.map((w) => w.child.pid!),
    );
    const t0 = performance.now();
    const lat = await runPool(N, CONCURRENCY, (i) => audit(i));
    const secs = (performance.now() - t0) / 1000;
    const cpu = meter.stop();
    const rate = N / secs;
    baseRate ||= rate;
    const s = summarize(lat);
    console.log(
      `${n} worker process${n > 1 ? 'es' : '  '}: ${rate.toFixed(1).padStart(5)} audits/s  ×${(rate / baseRate).toFixed(2)}  p50 ${(s.p50 / 1000).toFixed(2)} s  p95 ${(s.p95 / 1000).toFixed(2)} s  max ${(s.max / 1000).toFixed(1)} s  | ${formatCpu(cpu, 'API+fixtures')}`,
    );
    await stopWorkers(ws);
  }

  // kill -9 of one of two workers under load
  const ws = await startWorkers(2);
  const ids: string[] = [];
  const t0 = performance.now();
  const load = runPool(N, CONCURRENCY, (i) => audit(i, ids));
  await whenReady(() => ids.length >= N / 4);
  await killHard(ws[0]!);
  const killedAt = (performance.now() - t0) / 1000;
  await load;
  const secs = (performance.now() - t0) / 1000;
  const reports = await auditStatuses(db, ids);
  let executions = 0;
  for (const id of ids) for await (const _ of client.workflow.list({ query: `WorkflowId = '${id}'` })) executions++;
  const completed = reports.filter((r) => r.status === 'completed').length;
  console.log(
    `kill -9 of 1 of 2 workers at ${killedAt.toFixed(1)} s (${N / 4} audits started): ${completed}/${N} audits completed in ${secs.toFixed(1)} s, ${reports.length} reports, ${executions} workflow executions for ${ids.length} ids ${completed === N && reports.length === N && executions === N ? '(each once)' : '(MISMATCH)'}`,
  );
  await stopWorkers(ws.slice(1));
}

console.log(
  `\nbench:scale  Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL, ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
if (families.has('audits')) await benchAudits();
if (families.has('sync'))
  await benchSyncScale(ctx, {
    limit: Number(values['hubspot-limit']),
    customers: Number(values.customers),
    perRun: Number(values['per-run']),
    workers: [1, 2],
  });
if (families.has('watches'))
  await benchWatchesScale(ctx, db, {
    shape: { hosts: Number(values.hosts), agencies: Number(values.agencies), listings: Number(values.listings) },
    politenessMs: Number(values['politeness-ms']),
    workers: [1, 2],
  });
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

api.close();
await conn.close();
await db.destroy();
await fx.close();
await temporal.stop();
await pg.stop();
rmSync(pgDir, { recursive: true, force: true });
process.exit(0);
