/**
 * `npm run bench:monitors`: how many site monitors one worker keeps on schedule with the sweep
 * (`monitorSweep`: due monitors claimed from PostgreSQL, many checked per activity). Writes N
 * monitor rows (spread over `--sites` loopback HTTP servers), starts the sweep on one in-process
 * worker against a throwaway PostgreSQL and Temporal dev server, lets it run for D seconds at an
 * interval of I seconds, then prints checks/s achieved against the target, lateness against each
 * monitor's slot (its checks after the first, from `monitor_checks`), the sweep's history events
 * per check, and the process's peak RSS.
 *
 *   npm run bench:monitors -- [--n 2000] [--interval 60] [--duration 150] [--sites 20]
 */
import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { latenessMs } from '../activities/audits/monitor/due.js';
import { DEFAULT_THRESHOLDS } from '../core/contracts/monitors.js';
import { createMailer } from '../activities/shared/mail.js';
import { loadConfig } from '../core/config.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { checksBetween } from '../db/queries/monitor-checks.js';
import { insertMonitors } from '../db/queries/monitors.js';
import { ensureMonitorSweeps } from '../temporal-config/monitor-sweeps.js';
import { loadWorkflowBundle } from '../workers/bundle.js';
import { startWorkers } from '../workers/run.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';
import { summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    interval: { type: 'string', default: '60' },
    duration: { type: 'string', default: '150' },
    sites: { type: 'string', default: '20' },
  },
});
const N = Number(values.n);
const INTERVAL = Number(values.interval);
const DURATION = Number(values.duration);
const SITES = Number(values.sites);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

const env = await startThrowawayEnv((m) => console.log(`[bench] ${m}`));
const config = loadConfig({
  DATABASE_URL: env.databaseUrl,
  TEMPORAL_ADDRESS: env.temporalAddress,
  API_KEYS: 'bench-key-0123456789abcdef',
  LOG_LEVEL: 'silent',
  TASK_QUEUE_PREFIX: 'benchmon',
  OUTBOUND_ALLOWLIST: '127.0.0.0/8',
  MONITOR_MIN_INTERVAL_SECONDS: '1',
});
const logger = pino({ level: 'silent' });
const db = createDb(config);
const temporal = await connectTemporal(config);
const mailer = createMailer(config);
const bundle = await loadWorkflowBundle();
const rssAtRest = process.memoryUsage().rss;
const workers = await startWorkers({ config, db, logger, mailer }, [{ family: 'audits', taskQueue: taskQueueFor('audits', config.TASK_QUEUE_PREFIX) }], bundle);

const servers: Server[] = await Promise.all(
  Array.from(
    { length: SITES },
    () =>
      new Promise<Server>((resolve) => {
        const s = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
        s.listen(0, '127.0.0.1', () => resolve(s));
      }),
  ),
);
const ids = Array.from({ length: N }, (_, i) => `monitor-bench-${i}`);
for (let i = 0; i < N; i += 500) {
  await insertMonitors(
    db,
    ids.slice(i, i + 500).map((id, j) => ({
      id,
      url: `http://127.0.0.1:${(servers[(i + j) % SITES]!.address() as { port: number }).port}/`,
      host: '127.0.0.1',
      interval_seconds: INTERVAL,
      alert_email: 'bench@atelier.localhost',
      webhook_url: null,
      language: 'fr' as const,
      thresholds: JSON.stringify(DEFAULT_THRESHOLDS),
      paused: false,
    })),
  );
}
const [sweepId] = await ensureMonitorSweeps(temporal, config);
console.log(
  `\nbench:monitors  N=${N} interval=${INTERVAL}s duration=${DURATION}s sites=${SITES}  sweep ${sweepId} (concurrency ${config.MONITOR_SWEEP_CONCURRENCY}, window ${config.MONITOR_SWEEP_WINDOW_SECONDS}s)`,
);

const startedAt = new Date();
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, DURATION * 1000));
const cpu = process.cpuUsage(cpu0);
const endedAt = new Date();
const rows = await checksBetween(db, startedAt, endedAt);
// the first check of each monitor is taken when it is created (all at once here); later ones keep its slot
const late = summarize(rows.filter((r) => Number(r.seq) > 1).map((r) => latenessMs(r.monitor_id, INTERVAL, r.checked_at.getTime())));
const firstRound = rows.filter((r) => Number(r.seq) === 1).map((r) => r.checked_at.getTime() - startedAt.getTime());
const desc = await temporal.workflow.getHandle(sweepId!).describe();
const failures = rows.filter((r) => !r.ok).length;
const steady = rows.filter((r) => Number(r.seq) > 1).length;
console.log(
  `checks/s        ${(rows.length / DURATION).toFixed(1)} achieved over the run, ${(N / INTERVAL).toFixed(1)} scheduled (${rows.length} checks, ${failures} failed; ${steady} on their slot after the first round)`,
);
console.log(
  `lateness        p50 ${late.p50.toFixed(0)} ms   p95 ${late.p95.toFixed(0)} ms   max ${late.max.toFixed(0)} ms  against each monitor's slot (checks after the first)`,
);
console.log(`first round     ${N} monitors due at once checked within ${(Math.max(...firstRound) / 1000).toFixed(1)} s`);
console.log(`history         ${desc.historyLength} events in the sweep's run so far (${(desc.historyLength / Math.max(1, rows.length)).toFixed(3)} per check)`);
console.log(
  `CPU             ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in this process (worker; the Temporal server and PostgreSQL are separate) = ${(((cpu.user + cpu.system) / 1e6 / Math.max(1, rows.length)) * 100).toFixed(2)} s per 100 checks`,
);
console.log(
  `peak RSS        ${(peakRss / 1024 / 1024).toFixed(0)} MB (worker process, bundle loaded; ${(rssAtRest / 1024 / 1024).toFixed(0)} MB before the worker started)`,
);

clearInterval(sampler);
await temporal.workflow
  .getHandle(sweepId!)
  .terminate('bench over')
  .catch(() => undefined);
await workers.shutdown();
for (const s of servers) s.close();
mailer.close();
await temporal.connection.close();
await db.destroy();
await env.stop();
process.exit(0);
