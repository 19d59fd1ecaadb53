/**
 * The production build (`npm run build`, scripts/build.ts): compiled into a temporary folder, then
 * the compiled worker and API run from it with plain `node` (no tsx: the folder's node_modules has
 * every package of the project's but tsx and typescript) and the prebuilt workflow bundle, in
 * production mode, on the run's PostgreSQL and Temporal. A diagnostics run goes through them; then
 * SIGTERM arrives while an audit's HTTP probe is running: the worker lets it finish (its one
 * attempt completes after the signal, no retry) and both processes exit 0.
 *
 * The build only transpiles here (`--no-check`: the types are `npm run typecheck`'s job), so the
 * test costs one tsc emit (about 15 CPU-seconds) and one bundling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../core/config.js';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { spawnPeer, type PeerProcess } from '../../sandbox/concierge/process.js';
import { freshDb, type TestDb } from '../support/db.js';
import { TEST_API_KEY, testClient, testEnv } from '../support/platform.js';
import { startAuditFixtures, type AuditFixtures } from '../support/audits/fixtures.js';

const ROOT = process.cwd();
let t: TestDb;
let out: string;
let buildLog = '';
let worker: PeerProcess | undefined;
let api: PeerProcess | undefined;
let apiUrl = '';
let fx: AuditFixtures;
let client: Client;
let auditId = '';

function run(cmd: string, args: string[]): Promise<number | null> {
  const child: ChildProcess = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (buildLog += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (buildLog += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM, then the exit code once the process has drained and stopped on its own. */
function terminate(p: PeerProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
  p.child.kill('SIGTERM');
  return exited;
}

beforeAll(async () => {
  t = await freshDb();
  fx = await startAuditFixtures();
  out = mkdtempSync(join(tmpdir(), 'atelier-build-'));
  const dist = join(out, 'dist');
  const code = await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', dist, '--no-check']);
  if (code !== 0) throw new Error(`npm run build failed (${code}):\n${buildLog}`);
  // the project's packages, less the TypeScript tooling a production image does not run
  mkdirSync(join(out, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'tsx' && name !== 'typescript' && name !== '.bin') symlinkSync(join(ROOT, 'node_modules', name), join(out, 'node_modules', name));
  }

  const apiPort = await freePort();
  const env = testEnv(t.url, {
    ...fx.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    WEBHOOK_SIGNING_SECRET: 'build-test-signing-secret-0123456789',
    WORKFLOW_BUNDLE_PATH: join(dist, 'workflow-bundle.js'),
    WORKER_QUEUES: 'platform,audits',
    API_PORT: String(apiPort),
    WORKER_SHUTDOWN_GRACE_SECONDS: '30',
    API_SHUTDOWN_GRACE_SECONDS: '5',
  });
  const clean = { ...env, NODE_OPTIONS: '--max-old-space-size=256' };
  [{ peer: worker }, { peer: api }] = await Promise.all([
    spawnPeer({
      name: 'compiled worker',
      cmd: process.execPath,
      args: [join(dist, 'workers', 'main.js')],
      cwd: out,
      env: clean,
      ready: /worker ready/,
      timeoutMs: 60_000,
    }),
    spawnPeer({
      name: 'compiled api',
      cmd: process.execPath,
      args: [join(dist, 'api', 'main.js')],
      cwd: out,
      env: clean,
      ready: /api listening/,
      timeoutMs: 60_000,
    }),
  ]);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  client = await testClient(loadConfig(env));
}, 300_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  // the audit is left waiting for a worker
  if (auditId)
    await client.workflow
      .getHandle(auditId)
      .terminate('test over')
      .catch(() => undefined);
  await client?.connection.close();
  await fx?.close();
  await t?.drop();
  if (out) rmSync(out, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${apiUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` } });

describe('npm run build', () => {
  it('emits JavaScript and the workflow bundle, nothing of it TypeScript', () => {
    const dist = join(out, 'dist');
    for (const f of [
      'api/main.js',
      'workers/main.js',
      'db/migrate-cli.js',
      'temporal-config/register-search-attributes.js',
      'workflow-bundle.js',
      'package.json',
    ]) {
      expect(existsSync(join(dist, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    expect(readFileSync(join(dist, 'workflow-bundle.js'), 'utf8')).toContain('diagnostics');
    expect(buildLog).toMatch(/build: .* in [\d.]+ s/);
    expect(existsSync(join(out, 'node_modules', 'tsx'))).toBe(false);
  });

  it('the compiled worker and API run a workflow, then stop cleanly on SIGTERM', async () => {
    const res = await call('/v1/diagnostics', { method: 'POST', body: JSON.stringify({ requestedBy: 'build-test' }) });
    expect(res.status).toBe(202);
    const { workflowId } = (await res.json()) as { workflowId: string };
    let last: Record<string, unknown> = {};
    await waitFor(
      'diagnostics completed',
      async () => (last = (await (await call(`/v1/runs/${workflowId}`)).json()) as Record<string, unknown>).status === 'COMPLETED',
      60_000,
      200,
    );
    expect(last.status).toBe('COMPLETED');
    const row = await t.db.selectFrom('diagnostics_runs').selectAll().where('workflow_id', '=', workflowId).executeTakeFirst();
    expect(row).toBeDefined();

    // an audit whose HTTP probe takes seconds (the fixture answers after 2.1 s, 3 samples)
    const audit = await call('/v1/audits', { method: 'POST', body: JSON.stringify({ url: fx.urls.slow, options: { browser: false, samples: 3 } }) });
    expect(audit.status).toBe(202);
    auditId = ((await audit.json()) as { id: string }).id;
    const handle = client.workflow.getHandle(auditId);
    const httpProbeRunning = async () =>
      (await handle.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'probeAuditHttp' && Number(a.state) === 2) ?? false;
    await waitFor('the HTTP probe running', httpProbeRunning, 30_000, 50);

    const sigtermAt = Date.now();
    const [workerCode, apiCode] = await Promise.all([terminate(worker!), terminate(api!)]);
    expect([workerCode, apiCode]).toEqual([0, 0]);
    expect(worker!.output()).toMatch(/worker stopped/);
    expect(api!.output()).toMatch(/api stopped/);
    // the probe finished on the draining worker: one attempt, completed after the signal
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'probeAuditHttp')!;
    const started = events.filter((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled.eventId));
    const completed = events.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(scheduled.eventId));
    expect(started.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
    expect(completed).toBeDefined();
    expect(Number(completed!.eventTime!.seconds) * 1000 + Math.floor((completed!.eventTime!.nanos ?? 0) / 1e6)).toBeGreaterThan(sigtermAt);
  });
});
