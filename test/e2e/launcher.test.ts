/**
 * `npm start` (scripts/start.ts) as an operator runs it, on throwaway ports and a throwaway data
 * folder: a worker killed with SIGKILL is restarted while the API keeps answering, a killed
 * PostgreSQL postmaster is restarted, and SIGTERM stops everything with no process left behind.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmasterPid } from '../../scripts/lib/postgres.js';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { isAlive } from '../../scripts/lib/supervisor.js';

let dataDir: string;
let launcher: ChildProcess;
let output = '';
let api = '';
let key = '';
const seen = new Set<number>();

/** Pids of the launcher's direct children whose command line contains `what`. */
function childPids(what: string): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(launcher.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(what))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
const track = (pids: Array<number | undefined>) => pids.forEach((p) => p && seen.add(p));
const waitOutput = (re: RegExp, ms: number) => waitFor(`launcher output ${re}`, async () => re.test(output), ms, 200);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'atelier-launcher-'));
  chmodSync(dataDir, 0o755); // the embedded cluster runs as `postgres` when we are root
  const [pg, temporal, ui, apiPort, smtp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ATELIER_DATA_DIR: dataDir,
    ATELIER_PG_PORT: String(pg),
    ATELIER_TEMPORAL_PORT: String(temporal),
    ATELIER_TEMPORAL_UI_PORT: String(ui),
    ATELIER_SMTP_PORT: String(smtp),
    API_PORT: String(apiPort),
    TASK_QUEUE_PREFIX: `launch${Date.now().toString(36)}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'API_KEYS', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) delete env[k];
  launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
  launcher.stdout!.on('data', keep);
  launcher.stderr!.on('data', keep);
  track([launcher.pid]);
  await waitOutput(/Atelier is running\./, 150_000);
  api = `http://127.0.0.1:${apiPort}`;
  // The banner names the dev key by fingerprint and file only; the key itself is read from the file.
  key = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim();
  expect(output).not.toContain(key);
  expect(output).toMatch(/dev-api-key/);
}, 160_000);

afterAll(() => {
  // whatever a failed test left running: by pid, and the process groups the launcher made
  for (const pid of seen) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  const pg = postmasterPid(join(dataDir, 'postgres'));
  if (pg && isAlive(pg)) process.kill(pg, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const health = () =>
  fetch(`${api}/healthz`).then(
    (r) => r.status,
    () => 0,
  );

describe('the launcher supervises the platform', () => {
  it('restarts a killed worker and PostgreSQL, and SIGTERM leaves no process behind', async () => {
    const [worker] = childPids('workers/main.ts');
    const [apiPid] = childPids('api/main.ts');
    const [temporal] = childPids('temporal');
    track([worker, apiPid, temporal, postmasterPid(join(dataDir, 'postgres'))]);
    expect(worker && apiPid && temporal).toBeTruthy();

    // the worker dies: restarted, and the API answers all along
    process.kill(worker!, 'SIGKILL');
    const statuses: number[] = [];
    await waitFor(
      'a new worker',
      async () => {
        statuses.push(await health());
        return childPids('workers/main.ts').some((p) => p !== worker);
      },
      20_000,
      200,
    );
    expect(output).toMatch(/worker exited \(signal SIGKILL\); restarting in 1 s/);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const [worker2] = childPids('workers/main.ts');
    track([worker2]);
    expect(isAlive(worker!)).toBe(false);
    expect(childPids('api/main.ts')).toEqual([apiPid]);

    // a run goes through the new worker
    const started = await fetch(`${api}/v1/diagnostics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    await waitFor(
      'the diagnostics run',
      async () => {
        const run = (await fetch(`${api}/v1/runs/${workflowId}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json())) as { status: string };
        return run.status === 'COMPLETED';
      },
      40_000,
      300,
    );

    // PostgreSQL's postmaster dies: restarted on the same data, /healthz back to 200
    const postmaster = postmasterPid(join(dataDir, 'postgres'))!;
    process.kill(postmaster, 'SIGKILL');
    await waitOutput(/PostgreSQL back on/, 40_000);
    const postmaster2 = postmasterPid(join(dataDir, 'postgres'));
    track([postmaster2]);
    expect(postmaster2).not.toBe(postmaster);
    await waitFor('/healthz 200', async () => (await health()) === 200, 20_000, 300);

    // SIGTERM: everything stops in order and the launcher exits 0
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/API stopped[\s\S]*worker stopped[\s\S]*Temporal stopped[\s\S]*PostgreSQL stopped[\s\S]*\[atelier\] stopped/);
    const left = [...seen].filter((pid) => isAlive(pid));
    expect(left).toEqual([]);
  }, 150_000);
});
