/**
 * `npm run bench:monitors`: how many site monitors one worker keeps on schedule. Starts N monitors
 * through the API (one loopback site each, so N workflows), lets them check for D seconds at an
 * interval of I seconds, then prints the checks per second achieved against the target, the gap
 * between consecutive checks of a monitor (from `monitor_checks`), history
 * events per check, the `status` query latency through the API, and the process's peak RSS
 * (API + worker in one process).
 *
 *   npm run bench:monitors -- [--n 50] [--interval 2] [--duration 30] [--checks-per-run 200]
 */
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { createMailer } from '../activities/shared/mail.js';
import { loadConfig } from '../core/config.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { loadWorkflowBundle } from '../workers/bundle.js';
import { startWorkers } from '../workers/run.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';
import { runPool, summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '50' },
    interval: { type: 'string', default: '2' },
    duration: { type: 'string', default: '30' },
    'checks-per-run': { type: 'string', default: '200' },
  },
});
const N = Number(values.n);
const INTERVAL = Number(values.interval);
const DURATION = Number(values.duration);
const KEY = 'bench-key-0123456789abcdef';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

const env = await startThrowawayEnv((m) => console.log(`[bench] ${m}`));
const config = loadConfig({
  DATABASE_URL: env.databaseUrl,
  TEMPORAL_ADDRESS: env.temporalAddress,
  API_KEYS: KEY,
  LOG_LEVEL: 'silent',
  TASK_QUEUE_PREFIX: 'benchmon',
  OUTBOUND_ALLOWLIST: '127.0.0.0/8',
  MONITOR_MIN_INTERVAL_SECONDS: '1',
  MONITOR_CHECKS_PER_RUN: String(values['checks-per-run']),
});
const logger = pino({ level: 'silent' });
const db = createDb(config);
const temporal = await connectTemporal(config);
const mailer = createMailer(config);
const workers = await startWorkers(
  { config, db, logger, mailer },
  [{ family: 'audits', taskQueue: taskQueueFor('audits', config.TASK_QUEUE_PREFIX) }],
  await loadWorkflowBundle(),
);
const app = createApp({ config, db, temporal, logger });
const call = (path: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' } });

const servers: Server[] = await Promise.all(
  Array.from(
    { length: N },
    () =>
      new Promise<Server>((resolve) => {
        const s = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
        s.listen(0, '127.0.0.1', () => resolve(s));
      }),
  ),
);
const ids: string[] = [];
const t0 = performance.now();
const createLat = await runPool(N, 8, async (i) => {
  const port = (servers[i]!.address() as { port: number }).port;
  const res = await call('/v1/monitors', {
    method: 'POST',
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/`, intervalSeconds: INTERVAL, alertEmail: 'bench@atelier.localhost' }),
  });
  if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
  ids.push(((await res.json()) as { id: string }).id);
});
console.log(`\nbench:monitors  N=${N} interval=${INTERVAL}s duration=${DURATION}s  created in ${((performance.now() - t0) / 1000).toFixed(2)} s (POST p50 ${summarize(createLat).p50.toFixed(0)} ms)`);

const startedAt = new Date();
await new Promise((r) => setTimeout(r, DURATION * 1000));
const endedAt = new Date();
let unanswered = 0;
const queryLat = await runPool(Math.min(N, 50), 4, async (i) => {
  const res = await call(`/v1/monitors/${ids[i]}`);
  const body = (await res.json()) as { state: unknown };
  if (!body.state) unanswered += 1;
});
const rows = await db
  .selectFrom('monitor_checks')
  .select(['monitor_id', 'seq', 'checked_at', 'ok', 'latency_ms'])
  .where('checked_at', '>=', startedAt)
  .where('checked_at', '<', endedAt)
  .orderBy('monitor_id')
  .orderBy('seq')
  .execute();
const gaps: number[] = [];
for (let i = 1; i < rows.length; i++) {
  if (rows[i]!.monitor_id === rows[i - 1]!.monitor_id) gaps.push(rows[i]!.checked_at.getTime() - rows[i - 1]!.checked_at.getTime());
}
const gap = summarize(gaps);
let events = 0;
let checks = 0;
for (const id of ids.slice(0, 10)) {
  const d = await temporal.workflow.getHandle(id).describe();
  const status = await temporal.workflow.getHandle(id).query<{ run: { checks: number } }>('status');
  events += d.historyLength;
  checks += status.run.checks;
}
const target = (N / INTERVAL).toFixed(1);
const failures = rows.filter((r) => !r.ok).length;
const q = summarize(queryLat);
console.log(`checks/s        ${(rows.length / DURATION).toFixed(1)} achieved, ${target} scheduled (${rows.length} checks, ${failures} failed)`);
console.log(`gap             p50 ${gap.p50} ms   p95 ${gap.p95} ms   max ${gap.max} ms  between consecutive checks of a monitor (interval ${INTERVAL * 1000} ms)`);
console.log(`history         ${(events / Math.max(1, checks)).toFixed(1)} events per check (continueAsNew every ${values['checks-per-run']} checks)`);
console.log(`GET /:id        p50 ${q.p50.toFixed(1)} ms   p95 ${q.p95.toFixed(1)} ms  (row + describe + status query; ${unanswered}/${queryLat.length} without state in 3 s)`);
console.log(`peak RSS        ${(peakRss / 1024 / 1024).toFixed(0)} MB (API + worker in one process)`);

clearInterval(sampler);
await workers.shutdown();
await Promise.all(ids.map((id) => temporal.workflow.getHandle(id).terminate('bench over').catch(() => undefined)));
for (const s of servers) s.close();
mailer.close();
await temporal.connection.close();
await db.destroy();
await env.stop();
process.exit(0);
