/**
 * Keeps one child of the launcher running: whenever it exits without being asked to (a crash, a
 * SIGKILL, the OOM killer), it is started again after a backoff (scripts/lib/backoff.ts) while the
 * other children keep serving. A crash loop is reported and keeps backing off; it never stops the rest.
 */
import { spawn } from 'node:child_process';
import { DEFAULT_BACKOFF, noCrashes, recordCrash, type BackoffPolicy } from './backoff.js';

/** One started instance of a supervised service. */
export interface Running {
  pid: number | undefined;
  /** Settles when the instance is gone, with how it ended. */
  exited: Promise<string>;
  /** Stops it and waits until it is gone. */
  stop(): Promise<void>;
}

export interface SupervisedSpec {
  name: string;
  /** Starts an instance and resolves once it is up (or rejects: counted as a crash). */
  start(): Promise<Running>;
  log(msg: string): void;
  policy?: BackoffPolicy;
}

export interface Supervisor {
  readonly name: string;
  /** Pid of the current instance, if one runs. */
  pid(): number | undefined;
  restarts(): number;
  /** Resolves when the first instance is up; rejects if it could not start (then nothing is retried). */
  firstUp: Promise<void>;
  /** Stops the current instance and any restart to come. */
  stop(): Promise<void>;
}

export function supervise(spec: SupervisedSpec): Supervisor {
  const policy = spec.policy ?? DEFAULT_BACKOFF;
  let current: Running | undefined;
  let stopping = false;
  let restarts = 0;
  let record = noCrashes();
  let wake: (() => void) | undefined;
  let everUp = false;
  let markUp!: () => void;
  let failFirst!: (err: Error) => void;
  const firstUp = new Promise<void>((resolve, reject) => {
    markUp = resolve;
    failFirst = reject;
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopping) {
      const startedAt = Date.now();
      let how: string;
      try {
        current = await spec.start();
        if (stopping) break;
        everUp = true;
        markUp();
        how = await current.exited;
      } catch (err) {
        // the very first start failing is a configuration problem, not a crash: the caller stops
        if (!everUp) {
          failFirst(err as Error);
          return;
        }
        how = `failed to start: ${(err as Error).message.split('\n')[0]}`;
      }
      current = undefined;
      if (stopping) break;
      const out = recordCrash(record, Date.now(), Date.now() - startedAt, policy);
      record = out.record;
      restarts++;
      const delay = `${(out.delayMs / 1000).toFixed(0)} s`;
      spec.log(
        out.crashLoop
          ? `${spec.name} is crash-looping (${out.record.recent.length} exits within ${policy.loopWindowMs / 1000} s, last: ${how}); retrying in ${delay}, the rest keeps serving`
          : `${spec.name} exited (${how}); restarting in ${delay}`,
      );
      await pause(out.delayMs);
    }
  })();

  return {
    name: spec.name,
    pid: () => current?.pid,
    restarts: () => restarts,
    firstUp,
    async stop() {
      stopping = true;
      wake?.();
      const running = current;
      if (running) await running.stop();
      await loop;
    },
  };
}

/**
 * A child process in its own process group (so a Ctrl-C in the terminal reaches only the launcher,
 * which stops the children in order); stopping it signals the whole group, so nothing it started
 * outlives it.
 */
export function spawnGroup(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; graceMs?: number }): Running {
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: 'inherit', detached: true });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (err) => resolve(`error ${err.message}`));
  });
  return {
    pid: child.pid,
    exited,
    async stop() {
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), opts.graceMs ?? 15_000);
      await exited;
      clearTimeout(timer);
      // whatever the leader left behind in its group
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

/** Signals a process group; a group already gone is not an error. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Settles when `pid` (not our child: e.g. a daemonised postmaster) is gone. */
export function watchPid(pid: number, everyMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!isAlive(pid)) {
        clearInterval(timer);
        resolve(`pid ${pid} gone`);
      }
    }, everyMs);
  });
}
