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
 *
 * Here the order of the start and the stop; the stores are started in scripts/lib/start-stores.ts,
 * the schedules in start-schedules.ts, the wait for the API and workers in start-ready.ts, the
 * banner in start-banner.ts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, providerModes } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { installProcessGuard } from '../core/process-guard.js';
import { createDb } from '../db/client.js';
import { migrateToLatest } from '../db/migrator.js';
import { registerSearchAttributes } from '../temporal-config/search-attributes.js';
import { startMailCatcher } from './lib/mail-catcher.js';
import { DATA_DIR, ROOT } from './lib/paths.js';
import { spawnGroup, supervise, type Supervisor } from './lib/supervisor.js';
import { assignMetricsPorts } from './lib/metrics-ports.js';
import { apiPorts, topologyOf, workerGroups } from './lib/cluster-topology.js';
import { TEMPORAL_SERVER_VERSION } from './lib/temporal-server.js';
import { bannerText } from './lib/start-banner.js';
import { waitUntilServing } from './lib/start-ready.js';
import { ensureSchedules, ensureSweeps } from './lib/start-schedules.js';
import { startDatabase, startTemporal, type StoresContext } from './lib/start-stores.js';
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

  const stores: StoresContext = { env, tools, log, superviseChild, dataNote };
  const database = await startDatabase(stores, pgPort);
  const temporal = await startTemporal(stores, topology, database.adminUrl, { temporalPort, uiPort });
  const temporalAddress = temporal.address;

  const db = createDb({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 });
  const { applied } = await migrateToLatest(db);
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema up to date');

  // Families without provider credentials run against the sandboxes started here (sandbox/).
  const sandboxes: Sandboxes = await startSandboxes({ modes, dataDir: DATA_DIR, apiUrl: `http://127.0.0.1:${apiPort}`, env, log });
  cleanups.push(() => sandboxes.stop());
  for (const [k, v] of Object.entries(sandboxes.env)) if (k === 'OUTBOUND_ALLOWLIST' || !process.env[k]) env[k] = v;
  await forgetPreviousSandbox(db, sandboxes);
  await db.destroy();
  const checkoutDb = createDb({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 });
  const checkout = await startCheckoutFor(sandboxes, { db: checkoutDb, apiUrl: `http://127.0.0.1:${apiPort}`, dataDir: DATA_DIR });
  cleanups.push(async () => {
    await checkout?.stop();
    await checkoutDb.destroy();
  });

  const conn = await Connection.connect({ address: temporalAddress });
  const added = await registerSearchAttributes(conn, env.TEMPORAL_NAMESPACE ?? 'default');
  await conn.close();
  log(added.length ? `search attributes registered: ${added.join(', ')}` : 'search attributes present');

  // Recurring work on Temporal Schedules (created, or updated in place on a second start).
  const config = loadConfig(env);
  await ensureSchedules(temporalAddress, config, log);

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
  const probe = await Connection.connect({ address: temporalAddress });
  const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
  const taskQueuePrefix = env.TASK_QUEUE_PREFIX || 'atelier';
  await waitUntilServing(probe, { ports, groups, namespace, taskQueuePrefix, spawnedAt, stopping: () => stopping, log });
  if (!stopping) await ensureSweeps(probe, config, log);
  await probe.close();
  if (stopping) await new Promise(() => undefined); // shutdown() exits the process
  console.log(
    bannerText({
      topology,
      ports,
      apiUrl,
      temporalAddress,
      externalTemporal: Boolean(process.env.TEMPORAL_ADDRESS),
      temporalServerVersion: TEMPORAL_SERVER_VERSION,
      groups,
      uiUrl: temporal.uiUrl,
      namespace,
      mailNote,
      metrics: metricsEndpoints,
      apiKeys: env.API_KEYS ?? '',
      apiKeysGiven: Boolean(process.env.API_KEYS),
      dataNote,
      sandboxLines: sandboxes.banner,
    }),
  );
} catch (err) {
  console.error(`[atelier] start failed: ${(err as Error).message}`);
  await shutdown(1);
}
