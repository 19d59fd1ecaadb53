/**
 * `npm run bench:scale`: hosting audits (browser probe off: the worker's CPU does the work) on the
 * cluster topology — Temporal 1.29.1 on PostgreSQL (scripts/lib/temporal-cluster.ts), the API in
 * this process, 1, 2 and 4 worker processes on the audits queue. Prints audits/s, the ratio to one
 * process, and the CPU seconds of the Temporal server, the workers, PostgreSQL and this process
 * (API + fixtures) from /proc. Then kills one of two workers with SIGKILL under load: every audit
 * completes, one report and one workflow execution each.
 *
 *   npm run bench:scale -- [--n 200] [--concurrency 32] [--workers 1,2,4]
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
import { cpuSeconds, treeOf } from './lib/proc-tree.js';
import { freePort } from '../core/free-port.js';
import { runPool, summarize } from './lib/stats.js';
import { startClusterServer } from './lib/temporal-cluster.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './lib/temporal-server.js';
import { provision } from './provision.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '32' }, workers: { type: 'string', default: '1,2,4' } },
});
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
const serverCpu = () => cpuSeconds(treeOf([temporal.process.pid!]));
const pgCpu = () => cpuSeconds(treeOf([postmasterPid(join(pgDir, 'data'))!]));

console.log(
  `\nbench:scale  audits without browser, N=${N} concurrency=${CONCURRENCY}, Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL, ${cpus().length} cores`,
);
let baseRate = 0;
for (const n of values.workers.split(',').map(Number)) {
  const ws = await startWorkers(n);
  await runPool(16, CONCURRENCY, (i) => audit(i)); // warm-up
  const pids = ws.map((w) => w.child.pid!);
  const [w0, s0, p0, own0] = [cpuSeconds(treeOf(pids)), serverCpu(), pgCpu(), process.cpuUsage()];
  const t0 = performance.now();
  const lat = await runPool(N, CONCURRENCY, (i) => audit(i));
  const secs = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const [wc, sc, pc, oc] = [cpuSeconds(treeOf(pids)) - w0, serverCpu() - s0, pgCpu() - p0, (own.user + own.system) / 1e6];
  const rate = N / secs;
  baseRate ||= rate;
  const s = summarize(lat);
  console.log(
    `${n} worker process${n > 1 ? 'es' : '  '}: ${rate.toFixed(1).padStart(5)} audits/s  ×${(rate / baseRate).toFixed(2)}  p50 ${(s.p50 / 1000).toFixed(2)} s  p95 ${(s.p95 / 1000).toFixed(2)} s  max ${(s.max / 1000).toFixed(1)} s  | CPU s: Temporal ${sc.toFixed(1)}, workers ${wc.toFixed(1)}, PostgreSQL ${pc.toFixed(1)}, API+fixtures ${oc.toFixed(1)} = ${(sc + wc + pc + oc).toFixed(1)} in ${secs.toFixed(1)} s wall (${((sc + wc + pc + oc) / secs).toFixed(2)} cores busy; load ${loadavg()[0]!.toFixed(1)})`,
  );
  await stopWorkers(ws);
}

// kill -9 of one of two workers under load
const ws = await startWorkers(2);
const ids: string[] = [];
const t0 = performance.now();
const load = runPool(N, CONCURRENCY, (i) => audit(i, ids));
while (ids.length < N / 4) await new Promise((r) => setTimeout(r, 50));
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

api.close();
await conn.close();
await db.destroy();
await fx.close();
await temporal.stop();
await pg.stop();
rmSync(pgDir, { recursive: true, force: true });
process.exit(0);
