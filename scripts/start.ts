/**
 * `npm start`: the whole platform on its embedded defaults, in one terminal.
 *
 *  - PostgreSQL: DATABASE_URL if set, else an embedded cluster under .data/postgres (port 55432)
 *  - Temporal:   TEMPORAL_ADDRESS if set, else `temporal server start-dev` persisting to
 *                .data/temporal.db, Web UI on :8233
 *  - migrations, search attributes, then the worker (every task queue) and the API on :3000.
 *
 * Ctrl-C stops everything in order (API, worker, Temporal, PostgreSQL); a second start reuses the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureWatchSchedules } from '../temporal-config/watches-schedules.js';
import { ensureSyncSchedules } from '../temporal-config/sync-schedules.js';
import { loadConfig } from '../core/config.js';
import { createDb } from '../db/client.js';
import { migrateToLatest } from '../db/migrator.js';
import { registerSearchAttributes } from '../temporal-config/search-attributes.js';
import { taskQueueFor } from '../core/temporal.js';
import { ensureDatabase, startPostgres, type EmbeddedPostgres } from './lib/postgres.js';
import { startMailCatcher } from './lib/mail-catcher.js';
import { DATA_DIR, ROOT } from './lib/paths.js';
import { startTemporalDevServer, type DevServer } from './lib/temporal-dev.js';
import { provision } from './provision.js';

const log = (m: string) => console.log(`[atelier] ${m}`);
const env: NodeJS.ProcessEnv = { ...process.env };
const pgPort = Number(env.ATELIER_PG_PORT ?? 55432);
const temporalPort = Number(env.ATELIER_TEMPORAL_PORT ?? 7233);
const uiPort = Number(env.ATELIER_TEMPORAL_UI_PORT ?? 8233);
const apiPort = Number(env.API_PORT ?? 3000);

const cleanups: Array<() => Promise<void>> = [];
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  // API and worker first (the worker drains its tasks), then Temporal, then PostgreSQL.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${(e as Error).message}`));
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  mkdirSync(DATA_DIR, { recursive: true });
  const tools = provision(env, (m) => log(m));
  if (tools.chromium && !env.CHROMIUM_PATH) env.CHROMIUM_PATH = tools.chromium;

  if (!env.DATABASE_URL) {
    const pgServer: EmbeddedPostgres = await startPostgres({
      binDir: tools.pgBinDir!,
      dataDir: join(DATA_DIR, 'postgres'),
      port: pgPort,
      log,
    });
    cleanups.push(() => pgServer.stop());
    env.DATABASE_URL = await ensureDatabase(pgServer.adminUrl, 'atelier');
    log(`PostgreSQL ready on 127.0.0.1:${pgPort} (data in .data/postgres)`);
  } else {
    log('using DATABASE_URL');
  }

  let uiUrl = env.TEMPORAL_UI_URL;
  if (!env.TEMPORAL_ADDRESS) {
    const dev: DevServer = await startTemporalDevServer({
      cli: tools.temporalCli,
      port: temporalPort,
      uiPort,
      dbFile: join(DATA_DIR, 'temporal.db'),
      logLevel: 'error',
      stdio: 'inherit',
    });
    cleanups.push(() => dev.stop());
    env.TEMPORAL_ADDRESS = dev.address;
    uiUrl = dev.uiUrl;
    log(`Temporal dev server ready on ${dev.address} (history in .data/temporal.db)`);
  } else {
    log(`using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}`);
  }

  const db = createDb({ DATABASE_URL: env.DATABASE_URL, DATABASE_POOL_MAX: 2 });
  const { applied } = await migrateToLatest(db);
  await db.destroy();
  log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema up to date');

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
    mailNote = `${catcher.url}   (dev catcher: every mail lands in .data/mail/*.eml)`;
  }

  if (!env.API_KEYS) {
    const keyFile = join(DATA_DIR, 'dev-api-key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, `atl_dev_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    env.API_KEYS = readFileSync(keyFile, 'utf8').trim();
  }
  env.API_PORT = String(apiPort);

  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const spawnedAt = Date.now();
  for (const [name, entry] of [['worker', 'workers/main.ts'], ['api', 'api/main.ts']] as const) {
    const child = spawn(tsx, [join(ROOT, entry)], { env, stdio: 'inherit', detached: true });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${name} exited (${signal ?? code}); stopping the platform`);
        void shutdown(1);
      }
    });
    children.push(child);
  }

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  log('waiting for the API and the worker (it bundles the workflow code first)…');
  const probe = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const platformQueue = taskQueueFor('platform', env.TASK_QUEUE_PREFIX || 'atelier');
  const deadline = Date.now() + 180_000;
  let apiUp = false;
  let workerUp = false;
  while (Date.now() < deadline && !stopping && !(apiUp && workerUp)) {
    apiUp ||= await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false);
    workerUp ||= await probe.workflowService
      .describeTaskQueue({ namespace: env.TEMPORAL_NAMESPACE ?? 'default', taskQueue: { name: platformQueue }, taskQueueType: 1 })
      .then((r) => (r.pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= spawnedAt - 1000), () => false);
    if (!(apiUp && workerUp)) await new Promise((r) => setTimeout(r, 300));
  }
  await probe.close();
  if (!apiUp || !workerUp) log(`still waiting for ${apiUp ? '' : 'the API '}${workerUp ? '' : 'the worker'}; see the logs above`);
  console.log(`
  Atelier is running.
    API              ${apiUrl}
    API docs         ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)
    Temporal Web UI  ${uiUrl ?? '(external cluster: see your Temporal UI)'}
    Mail             ${mailNote}
    API key          ${env.API_KEYS?.split(',')[0]}${process.env.API_KEYS ? '' : '   (dev key, in .data/dev-api-key)'}

  Try: curl -s -X POST ${apiUrl}/v1/diagnostics -H "authorization: Bearer $(cat .data/dev-api-key)" -H 'content-type: application/json' -d '{}'
  Ctrl-C stops everything.
`);
} catch (err) {
  console.error(`[atelier] start failed: ${(err as Error).message}`);
  await shutdown(1);
}
