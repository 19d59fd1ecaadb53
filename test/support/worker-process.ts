/**
 * The real worker (workers/main.ts) as a separate OS process, for the crash tests: started on a
 * prebuilt workflow bundle (so a restart takes seconds), killed with SIGKILL (no drain, no
 * cleanup: what a crash or the OOM killer does), then started again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Family } from '../../core/temporal.js';
import { spawnPeer, type PeerProcess } from '../../sandbox/concierge/process.js';
import { workflowBundle } from './platform.js';

/** Writes the workflow bundle into `dir` once, for WORKFLOW_BUNDLE_PATH. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const bundle = await workflowBundle();
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, 'code' in bundle ? bundle.code : '');
  return path;
}

export interface WorkerProcessOptions {
  /** The worker's whole configuration (testEnv(...) plus the family's settings). */
  env: Record<string, string>;
  families: readonly Family[];
  bundlePath: string;
}

/** Starts `node --import tsx workers/main.ts` and resolves once it logs "worker ready". */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<PeerProcess> {
  const { peer } = await spawnPeer({
    name: 'worker',
    // one process (no tsx wrapper in between), so a SIGKILL hits the worker itself
    cmd: process.execPath,
    args: ['--import', 'tsx', 'workers/main.ts'],
    cwd: process.cwd(),
    env: { ...opts.env, NODE_ENV: 'test', LOG_LEVEL: 'info', WORKER_QUEUES: opts.families.join(','), WORKFLOW_BUNDLE_PATH: opts.bundlePath },
    ready: /worker ready/,
    timeoutMs: 60_000,
  });
  return peer;
}

/** SIGKILL, then waits until the process is really gone. */
export async function killHard(worker: PeerProcess): Promise<void> {
  const pid = worker.child.pid!;
  const exited = worker.child.exitCode !== null || worker.child.signalCode !== null;
  const gone = exited ? Promise.resolve() : new Promise((r) => worker.child.once('exit', r));
  worker.child.kill('SIGKILL');
  await gone;
  try {
    process.kill(pid, 0);
  } catch {
    return;
  }
  throw new Error(`worker ${pid} survived SIGKILL`);
}
