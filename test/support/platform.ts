/**
 * Test wiring for the real platform pieces: a Config pointing at the run's servers with its own
 * task-queue prefix, the real worker (real activities, shared workflow bundle) and the real API.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { pino } from 'pino';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { loadConfig, type Config } from '../../core/config.js';
import { FAMILIES, taskQueueFor, type Family } from '../../core/temporal.js';
import type { Db } from '../../db/client.js';
import { createApp } from '../../api/app.js';
import { loadWorkflowBundle } from '../../workers/bundle.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { createMailer } from '../../activities/shared/mail.js';
import { createBrowserPool } from '../../activities/shared/browser-pool.js';

export const TEST_API_KEY = 'test-key-0123456789abcdef';
export const OTHER_API_KEY = 'other-key-0123456789abcdef';
export const silentLogger = pino({ level: 'silent' });

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig(testEnv(databaseUrl, env));
}

/** The environment testConfig reads: also what a worker run as a child process gets. */
export function testEnv(databaseUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    API_KEYS: `${TEST_API_KEY},${OTHER_API_KEY}`,
    TASK_QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    OUTBOUND_ALLOWLIST: '127.0.0.0/8,::1/128',
    ...(inject('chromiumPath') ? { CHROMIUM_PATH: inject('chromiumPath')! } : {}),
    ...env,
  };
}

let bundle: Promise<WorkflowBundle | { codePath: string }> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle() {
  bundle ??= loadWorkflowBundle();
  return bundle;
}

export async function testClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

export async function startTestWorkers(config: Config, db: Db, families: readonly Family[] = FAMILIES): Promise<RunningWorkers> {
  // Chromium launches lazily, on the first page a watch renders.
  const browserPool = createBrowserPool({ executablePath: config.CHROMIUM_PATH, size: config.WATCH_BROWSER_POOL_SIZE });
  const workers = await startWorkers(
    { config, db, logger: silentLogger, mailer: createMailer(config), browserPool },
    families.map((family) => ({ family, taskQueue: taskQueueFor(family, config.TASK_QUEUE_PREFIX) })),
    await workflowBundle(),
  );
  return { done: workers.done, shutdown: () => workers.shutdown().finally(() => browserPool.close()) };
}

export function testApp(config: Config, db: Db, temporal: Client) {
  const app = createApp({ config, db, temporal, logger: silentLogger });
  const call = async (path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const key = init.key === undefined ? TEST_API_KEY : init.key;
    if (key) headers.set('authorization', `Bearer ${key}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return app.request(path, { ...init, headers });
  };
  return { app, call };
}
