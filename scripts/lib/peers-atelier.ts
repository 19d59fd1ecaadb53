/**
 * Atelier's whole stack for `npm run bench:peers`, each part its own process so its CPU and memory
 * can be read from /proc: a throwaway PostgreSQL (durable settings, as in production), a Temporal
 * dev server, the real worker (`workers/main.ts`, WORKER_QUEUES=watches, prebuilt workflow bundle)
 * and the real API (`api/main.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrator.js';
import { WORKFLOWS_PATH } from '../../workers/bundle.js';
import { provision } from '../provision.js';
import { ensureDatabase, startPostgres, throwawayPgDir, type EmbeddedPostgres } from './postgres.js';
import { freePort } from '../../core/free-port.js';
import { startTemporalDevServer, type DevServer } from './temporal-dev.js';

export interface AtelierStack {
  api: string;
  key: string;
  temporal: Client;
  /** Root pids of the stack: worker, API, Temporal server, PostgreSQL's postmaster. */
  roots(): number[];
  workerPid(): number;
  stop(): Promise<void>;
}

export function nodeScript(script: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer) => {
      out = (out + c.toString()).slice(-8000);
      if (ready.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
}

export async function startAtelier(dir: string, env: Record<string, string>, log: (m: string) => void): Promise<AtelierStack> {
  const tools = provision(process.env, log);
  const pgDir = throwawayPgDir('atelier-peers-pg-');
  const pg: EmbeddedPostgres = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(pgDir, 'data'), port: await freePort() });
  const databaseUrl = await ensureDatabase(pg.adminUrl, 'atelier');
  const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 1 });
  await migrateToLatest(db);
  await db.destroy();
  const dev: DevServer = await startTemporalDevServer({ cli: tools.temporalCli, port: await freePort() });
  const bundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const key = 'peers-bench-key-0123456789';
  const apiPort = await freePort();
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: dev.address,
    TASK_QUEUE_PREFIX: 'peers',
    OUTBOUND_ALLOWLIST: '127.0.0.0/8',
    API_KEYS: key,
    API_PORT: String(apiPort),
    WEBHOOK_SIGNING_SECRET: 'peers-bench-signing-secret-0123456789abcdef',
    ...env,
  };
  const [worker, api] = await Promise.all([
    nodeScript('workers/main.ts', { ...common, WORKER_QUEUES: 'watches', WORKFLOW_BUNDLE_PATH: bundlePath }, /worker ready/),
    nodeScript('api/main.ts', common, /api listening/),
  ]);
  const connection = await Connection.connect({ address: dev.address });
  const temporal = new Client({ connection });
  return {
    api: `http://127.0.0.1:${apiPort}`,
    key,
    temporal,
    roots: () => [worker.pid!, api.pid!, dev.process.pid!, pg.pid() ?? 0].filter(Boolean),
    workerPid: () => worker.pid!,
    async stop() {
      await connection.close();
      for (const c of [api, worker]) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
        if (c.exitCode === null) c.kill('SIGKILL');
      }
      await Promise.allSettled([dev.stop(), pg.stop()]);
      rmSync(pgDir, { recursive: true, force: true });
    },
  };
}
