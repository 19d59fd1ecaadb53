/**
 * `npm start`: the whole platform on its embedded defaults, in one terminal.
 *
 *  - PostgreSQL: DATABASE_URL if set, else an embedded cluster under .data/postgres (port 55432)
 *  - Temporal:   TEMPORAL_ADDRESS if set, else `temporal server start-dev` persisting to
 *                .data/temporal.db, Web UI on :8233
 *  - migrations, search attributes, then the worker (every task queue) and the API on :3000.
 *
 * Every child is supervised (scripts/lib/supervisor.ts): a worker, API, PostgreSQL or Temporal that
 * dies is restarted with backoff while the rest keeps serving. The banner is printed once the API is
 * healthy and the worker polls. Ctrl-C, SIGTERM and SIGHUP stop everything in order (API, worker
 * draining its tasks, Temporal, PostgreSQL); a second start reuses the data (ATELIER_DATA_DIR, default .data/).
 *
 * `npm run start:cluster` (ATELIER_TOPOLOGY=cluster) is the production topology on one machine: the
 * pinned Temporal server on PostgreSQL instead of the dev server (scripts/lib/temporal-cluster.ts),
 * one worker process per family group and two API processes (scripts/lib/cluster-topology.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureWatchSchedules } from '../temporal-config/watches-schedules.js';
import { ensureSyncSchedules } from '../temporal-config/sync-schedules.js';
import { ensureMonitorSweeps, retirePerSiteMonitors } from '../temporal-config/monitor-sweeps.js';
import { loadConfig, providerModes } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { installProcessGuard } from '../core/process-guard.js';
import { createDb } from '../db/client.js';
import { keyFingerprint } from '../api/access/secrets.js';
import { migrateToLatest } from '../db/migrator.js';
import { registerSearchAttributes } from '../temporal-config/search-attributes.js';
import { taskQueueFor } from '../core/temporal.js';
import { ensureDatabase, startPostgres } from './lib/postgres.js';
import { startMailCatcher } from './lib/mail-catcher.js';
import { DATA_DIR, ROOT } from './lib/paths.js';
import { spawnGroup, supervise, watchPid, type Supervisor } from './lib/supervisor.js';
import { startTemporalDevServer } from './lib/temporal-dev.js';
import { assignMetricsPorts } from './lib/metrics-ports.js';
import { apiPorts, topologyOf, workerGroups } from './lib/cluster-topology.js';
import { startClusterServer, validateDynamicConfig } from './lib/temporal-cluster.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './lib/temporal-server.js';
import { provision } from './provision.js';
import { forgetPreviousSandbox, startCheckoutFor, startSandboxes, type Sandboxes } from '../sandbox/launch.js';

const log = (m: string) => console.log(`[atelier] ${m}`);
// the in-process mail catcher must not take the launcher (and so everything) down either
installProcessGuard(createLogger({ LOG_LEVEL: 'info' }, 'launcher'));
const env: NodeJS.ProcessEnv = { ...process.env };
const pgPort = Number(env.ATELIER_PG_PORT ?? 55432);
const temporalPort = Number(env.ATELIER_TEMPORAL_PORT ?? 7233);
const uiPort = Number(env.ATELIER_TEMPORAL_UI_PORT ?? 8233);
const apiPort = Number(env.API_PORT ?? 3000);
const dataNote = DATA_DIR.startsWith(ROOT) ? DATA_DIR.slice(ROOT.length) : DATA_DIR;

/** Supervised children, in start order; stopped in reverse (API, worker, Temporal, PostgreSQL). */
const supervisors: Supervisor[] = [];
const cleanups: Array<() => Promise<void>> = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  for (const s of [...supervisors].reverse()) {
    await s.stop().catch((e) => log(`stopping ${s.name}: ${(e as Error).message}`));
    log(`${s.name} stopped`);
  }
  for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${(e as Error).message}`));
  log('stopped');
  process.exit(code);
}
// SIGHUP too: `npm start &` in a shell that then closes, or a terminal that goes away.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
// `npm start` in the background: npm forwards SIGTERM and exits at once; whatever ends the parent
// (npm, a shell, even a SIGKILL of it), the platform is stopped instead of being left orphaned.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) {
    log(`parent process ${parentPid} gone`);
    void shutdown(0);
  }
}, 1000).unref();

function superviseChild(name: string, start: Parameters<typeof supervise>[0]['start']): Supervisor {
  const s = supervise({ name, start, log });
  supervisors.push(s);
  return s;
}

try {
  // a family configured half-way is refused before anything starts, every missing variable named
  const modes = providerModes(env);
  const topology = topologyOf(env);
  const groups = topology === 'cluster' ? workerGroups(env) : [[]];
  const ports = topology === 'cluster' ? apiPorts(env, apiPort) : [apiPort];
  mkdirSync(DATA_DIR, { recursive: true });
  // the worker's own files follow the data folder
  env.ACME_STATE_DIR ??= join(DATA_DIR, 'acme');
  env.SITES_ROOT ??= join(DATA_DIR, 'sites');
  env.SITES_TLS_DIR ??= join(DATA_DIR, 'tls');
  env.NGINX_SITES_DIR ??= join(DATA_DIR, 'nginx', 'sites-enabled');
  env.CONCIERGE_DATA_DIR ??= join(DATA_DIR, 'concierge');
  const tools = provision(env, (m) => log(m));
  if (tools.chromium && !env.CHROMIUM_PATH) env.CHROMIUM_PATH = tools.chromium;

  let pgAdminUrl = env.TEMPORAL_DB_URL ?? env.DATABASE_URL;
  if (!env.DATABASE_URL) {
    // pg_ctl daemonises the postmaster: it is watched by its pid (postmaster.pid) and restarted.
    let adminUrl = '';
    let pgStarts = 0;
    const pg = superviseChild('PostgreSQL', async () => {
      const server = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(DATA_DIR, 'postgres'), port: pgPort, log });
      adminUrl = server.adminUrl;
      const pid = server.pid();
      if (!pid) throw new Error('PostgreSQL started but wrote no postmaster.pid');
      if (pgStarts++) log(`PostgreSQL back on 127.0.0.1:${pgPort} (pid ${pid})`);
      return { pid, exited: watchPid(pid), stop: () => server.stop() };
    });
    await pg.firstUp;
    pgAdminUrl = adminUrl;
    env.DATABASE_URL = await ensureDatabase(adminUrl, 'atelier');
    log(`PostgreSQL ready on 127.0.0.1:${pgPort} (data in ${dataNote}/postgres)`);
  } else {
    log('using DATABASE_URL');
  }

  let uiUrl = env.TEMPORAL_UI_URL;
  if (!env.TEMPORAL_ADDRESS && topology === 'cluster') {
    const server = ensureTemporalServer(env, log);
    if (!server) throw new Error(`start:cluster needs Temporal server ${TEMPORAL_SERVER_VERSION}: install Go (it is built with go install into .tools/bin)`);
    for (const complaint of validateDynamicConfig(server)) log(`dynamic config: ${complaint}`);
    let starts = 0;
    const temporal = superviseChild('Temporal', async () => {
      const s = await startClusterServer({ tools: server, pgUrl: pgAdminUrl!, port: temporalPort, stdio: 'inherit' });
      if (starts++) log(`Temporal back on ${s.address}`);
      const exited = s.exited.then(() => `${s.process.signalCode ? `signal ${s.process.signalCode}` : `code ${s.process.exitCode}`}`);
      return { pid: s.process.pid, exited, stop: () => s.stop() };
    });
    await temporal.firstUp;
    env.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
    log(`Temporal server ${TEMPORAL_SERVER_VERSION} ready on ${env.TEMPORAL_ADDRESS} (history and visibility in PostgreSQL: temporal, temporal_visibility)`);
  } else if (!env.TEMPORAL_ADDRESS) {
    let address = '';
    let temporalStarts = 0;
    const temporal = superviseChild('Temporal', async () => {
      const dev = await startTemporalDevServer({
        cli: tools.temporalCli,
        port: temporalPort,
        uiPort,
        dbFile: join(DATA_DIR, 'temporal.db'),
        logLevel: 'error',
        stdio: 'inherit',
      });
      address = dev.address;
      uiUrl = dev.uiUrl;
      if (temporalStarts++) log(`Temporal back on ${dev.address}`);
      const exited = dev.exited.then(() => `${dev.process.signalCode ? `signal ${dev.process.signalCode}` : `code ${dev.process.exitCode}`}`);
      return { pid: dev.process.pid, exited, stop: () => dev.stop() };
    });
    await temporal.firstUp;
    env.TEMPORAL_ADDRESS = address;
    log(`Temporal dev server ready on ${address} (history in ${dataNote}/temporal.db)`);
  } else {
    log(`using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}`);
  }

  const db = createDb({ DATABASE_URL: env.DATABASE_URL, DATABASE_POOL_MAX: 2 });
  const { applied } = await migrateToLatest(db);
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema up to date');

  // Families without provider credentials run against the sandboxes started here (sandbox/).
  const sandboxes: Sandboxes = await startSandboxes({ modes, dataDir: DATA_DIR, apiUrl: `http://127.0.0.1:${apiPort}`, env, log });
  cleanups.push(() => sandboxes.stop());
  for (const [k, v] of Object.entries(sandboxes.env)) if (k === 'OUTBOUND_ALLOWLIST' || !process.env[k]) env[k] = v;
  await forgetPreviousSandbox(db, sandboxes);
  await db.destroy();
  const checkoutDb = createDb({ DATABASE_URL: env.DATABASE_URL, DATABASE_POOL_MAX: 2 });
  const checkout = await startCheckoutFor(sandboxes, { db: checkoutDb, apiUrl: `http://127.0.0.1:${apiPort}`, dataDir: DATA_DIR });
  cleanups.push(async () => {
    await checkout?.stop();
    await checkoutDb.destroy();
  });

  const conn = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const added = await registerSearchAttributes(conn, env.TEMPORAL_NAMESPACE ?? 'default');
  await conn.close();
  log(added.length ? `search attributes registered: ${added.join(', ')}` : 'search attributes present');

  // Recurring work on Temporal Schedules (created, or updated in place on a second start).
  const config = loadConfig(env);
  const schedConn = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const schedClient = new Client({ connection: schedConn, namespace: config.TEMPORAL_NAMESPACE });
  const watchSchedules = await ensureWatchSchedules(schedClient, {
    taskQueuePrefix: config.TASK_QUEUE_PREFIX,
    fleetBatchSize: config.WATCH_FLEET_BATCH_SIZE,
  });
  log(`watch schedules: ${watchSchedules.map((s) => `${s.id} ${s.outcome}`).join(', ')}`);
  if (config.HUBSPOT_ACCESS_TOKEN && config.SAGE_CLIENT_ID && config.SAGE_BUSINESS_ID) {
    const syncSchedules = await ensureSyncSchedules(schedClient, {
      taskQueuePrefix: config.TASK_QUEUE_PREFIX,
      pollMinutes: config.SYNC_POLL_MINUTES,
      nightlyCron: config.SYNC_NIGHTLY_CRON,
      timezone: config.SYNC_TIMEZONE,
    });
    log(`sync schedules: ${syncSchedules.map((s) => `${s.id} ${s.outcome}`).join(', ')}`);
  } else {
    log('sync schedules not created: set HUBSPOT_ACCESS_TOKEN and SAGE_CLIENT_ID / SAGE_BUSINESS_ID (or run npm run sync:schedules)');
  }
  await schedConn.close();

  let mailNote = `SMTP_URL (${env.SMTP_URL})`;
  if (!env.SMTP_URL) {
    const catcher = await startMailCatcher({ port: Number(env.ATELIER_SMTP_PORT ?? 1025), saveDir: join(DATA_DIR, 'mail') });
    cleanups.push(() => catcher.close());
    env.SMTP_URL = catcher.url;
    mailNote = `${catcher.url}   (dev catcher: every mail lands in ${dataNote}/mail/*.eml)`;
  }

  if (!env.API_KEYS) {
    const keyFile = join(DATA_DIR, 'dev-api-key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, `atl_dev_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600); // the dev key is a bootstrap key (every scope): owner-only, even if its mode was changed
    env.API_KEYS = readFileSync(keyFile, 'utf8').trim();
  }
  env.API_PORT = String(apiPort);

  // cluster: the workflow code bundled once here, every worker process loads it
  if (topology === 'cluster' && !env.WORKFLOW_BUNDLE_PATH) {
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { WORKFLOWS_PATH } = await import('../workers/bundle.js');
    const quiet = () => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: { trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error, log: quiet },
    });
    env.WORKFLOW_BUNDLE_PATH = join(DATA_DIR, 'workflow-bundle.js');
    writeFileSync(env.WORKFLOW_BUNDLE_PATH, code);
  }
  // One node process each (no tsx wrapper in between): a signal or a crash hits the service itself.
  const spawnedAt = Date.now();
  const services: Array<[string, string, NodeJS.ProcessEnv]> = [
    ...groups.map((g, i): [string, string, NodeJS.ProcessEnv] => [
      g.length ? `worker ${i + 1}[${g.join(',')}]` : 'worker',
      'workers/main.ts',
      g.length ? { ...env, WORKER_QUEUES: g.join(',') } : env,
    ]),
    ...ports.map((p, i): [string, string, NodeJS.ProcessEnv] => [ports.length > 1 ? `API ${i + 1}` : 'API', 'api/main.ts', { ...env, API_PORT: String(p) }]),
  ];
  // every process its own /metrics port (API_METRICS_PORT / WORKER_METRICS_PORT ranges, 0 = off)
  const metricsEndpoints = await assignMetricsPorts(services, env);
  for (const [name, entry, childEnv] of services) {
    superviseChild(name, async () => spawnGroup(process.execPath, ['--import', 'tsx', join(ROOT, entry)], { env: childEnv, cwd: ROOT }));
  }

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  log('waiting for the API and the worker (it bundles the workflow code first)…');
  const probe = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const probeQueues = (groups[0]!.length ? groups.map((g) => g[0]!) : (['platform'] as const)).map((f) => taskQueueFor(f, env.TASK_QUEUE_PREFIX || 'atelier'));
  // The banner waits for both, however long the first bundling takes; a note every 30 s meanwhile.
  let apiUp = false;
  let workerUp = false;
  let nextNote = Date.now() + 30_000;
  while (!stopping && !(apiUp && workerUp)) {
    apiUp ||= (
      await Promise.all(
        ports.map((p) =>
          fetch(`http://127.0.0.1:${p}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
    const polled = async (name: string) =>
      probe.workflowService.describeTaskQueue({ namespace: env.TEMPORAL_NAMESPACE ?? 'default', taskQueue: { name }, taskQueueType: 1 }).then(
        (r) => (r.pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= spawnedAt - 1000),
        () => false,
      );
    workerUp ||= (await Promise.all(probeQueues.map(polled))).every(Boolean);
    if (apiUp && workerUp) break;
    if (Date.now() > nextNote) {
      log(`still waiting for ${apiUp ? '' : 'the API '}${workerUp ? '' : 'the worker'}; see the logs above`);
      nextNote = Date.now() + 30_000;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (!stopping) {
    // the monitor sweeps (idempotent): monitors the API, the concierge or a restored database wrote are checked
    const sweepClient = new Client({ connection: probe, namespace: config.TEMPORAL_NAMESPACE });
    const sweeps = await ensureMonitorSweeps(sweepClient, config);
    const retired = await retirePerSiteMonitors(sweepClient, config.TASK_QUEUE_PREFIX);
    log(`monitor sweeps: ${sweeps.join(', ')}${retired ? ` (${retired} per-site siteMonitor run(s) of an earlier version retired)` : ''}`);
  }
  await probe.close();
  if (stopping) await new Promise(() => undefined); // shutdown() exits the process
  console.log(`
  Atelier is running.
    API              ${ports.map((p) => `http://127.0.0.1:${p}`).join('  ')}${
      topology === 'cluster'
        ? `
    Temporal server  ${env.TEMPORAL_ADDRESS} (${process.env.TEMPORAL_ADDRESS ? 'TEMPORAL_ADDRESS' : `${TEMPORAL_SERVER_VERSION} on PostgreSQL`})
    Workers          ${groups.map((g) => g.join(',')).join('  |  ')}   (one process each)`
        : ''
    }
    API docs         ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)
    Temporal Web UI  ${uiUrl ?? '(external cluster: see your Temporal UI)'}${uiUrl ? `\n                     business status: the AtelierStatus column, e.g. ${uiUrl}/namespaces/${env.TEMPORAL_NAMESPACE ?? 'default'}/workflows?query=${encodeURIComponent("AtelierFamily = 'concierge' AND AtelierStatus IN ('refunded', 'cancelled', 'expired')")}` : ''}
    Mail             ${mailNote}
    Metrics          ${metricsEndpoints.length ? metricsEndpoints.map((m) => `${m.name} ${m.url}`).join('\n                     ') : 'off (API_METRICS_PORT / WORKER_METRICS_PORT = 0)'}   (Prometheus text; docs/metrics.md)
    API key          ${
      process.env.API_KEYS
        ? `API_KEYS: bootstrap key(s) ${env.API_KEYS.split(',')
            .map((k) => keyFingerprint(k.trim()))
            .join(', ')} (fingerprints)`
        : `dev key ${keyFingerprint(env.API_KEYS ?? '')} (fingerprint) in ${dataNote}/dev-api-key (mode 0600, every scope); scoped keys: npm run keys`
    }

  ${sandboxes.banner.join('\n  ')}

  Try: curl -s -X POST ${apiUrl}/v1/diagnostics -H "authorization: Bearer $(cat ${dataNote}/dev-api-key)" -H 'content-type: application/json' -d '{}'
  Ctrl-C stops everything; a worker, API, PostgreSQL or Temporal that dies is restarted.
`);
} catch (err) {
  console.error(`[atelier] start failed: ${(err as Error).message}`);
  await shutdown(1);
}
