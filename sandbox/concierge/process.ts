/**
 * Runs a peer binary as a child process: waits until its output says it is ready, keeps the tail of
 * its output for error messages, and stops it by its own pid (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PeerProcess {
  readonly child: ChildProcess;
  /** The last lines the process printed (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnPeerOptions {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves once a line of output matches; the match is returned. */
  ready: RegExp;
  timeoutMs?: number;
}

export async function spawnPeer(opts: SpawnPeerOptions): Promise<{ peer: PeerProcess; match: RegExpMatchArray }> {
  const child = spawn(opts.cmd, opts.args, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => !exited && child.kill('SIGKILL'), 3000);
    await exitPromise;
    clearTimeout(timer);
  };
  const peer: PeerProcess = { child, output: () => tail, stop };

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${opts.name} was not ready after ${opts.timeoutMs ?? 20_000} ms:\n${tail}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-8000);
      const m = tail.match(opts.ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} could not start: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${tail}`));
    });
  });
  return { peer, match };
}
