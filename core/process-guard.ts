/**
 * Process-level fault containment for the worker and the API.
 *
 * An error nobody listens for (a socket 'error' emitted before its listener is attached, a promise
 * rejected with no handler) would otherwise end the process and every task it serves. The guard logs
 * it with pino and keeps the process serving; when the error surfaced inside a task that runs under
 * `contain()` (every activity, through the interceptor in workers/containment.ts), that one task is
 * failed with it, so Temporal retries it under its retry policy instead of waiting for a timeout.
 *
 * Why carrying on is safe here: the errors this catches come from I/O callbacks (sockets, timers,
 * emitters) running on their own tick; a throw there unwinds only that callback, and Node's state
 * is unaffected (no half-run synchronous code of ours, the socket is destroyed). What is not safe to
 * carry on with is a storm of them (a bug looping on a throw): past `stormLimit` uncaught errors in
 * `stormWindowMs` the guard exits non-zero so the supervisor (npm start, systemd, Kubernetes)
 * restarts a clean process. The SDK's own fatal errors (worker `run()` rejecting) are not uncaught:
 * workers/main.ts still exits on them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';

interface Contained {
  fail(err: unknown): void;
  label: string;
}

const scope = new AsyncLocalStorage<Contained>();

/**
 * Runs `fn` so that an error left uncaught anywhere in its asynchronous descendants (a socket with
 * no 'error' listener, a rejected promise nobody awaits) rejects the returned promise.
 */
export function contain<T>(label: string, fn: () => Promise<T>): Promise<T> {
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // The first uncaught error wins; later ones (after the task settled) are only logged.
  return Promise.race([scope.run({ fail, label }, fn), failed]);
}

export interface GuardOptions {
  /** Uncaught errors tolerated within `stormWindowMs` before exiting for a restart (default 50). */
  stormLimit?: number;
  stormWindowMs?: number;
  /** Called instead of process.exit (tests). */
  exit?: (code: number) => void;
}

export interface ProcessGuard {
  /** Uncaught errors seen so far (contained or not). */
  readonly count: number;
  uninstall(): void;
}

export function installProcessGuard(logger: Logger, opts: GuardOptions = {}): ProcessGuard {
  const limit = opts.stormLimit ?? 50;
  const windowMs = opts.stormWindowMs ?? 60_000;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const recent: number[] = [];
  let count = 0;

  const handle = (kind: 'uncaughtException' | 'unhandledRejection') => (err: unknown) => {
    count++;
    const task = scope.getStore();
    task?.fail(err);
    logger.error(
      { err, kind, task: task?.label ?? null },
      task ? `${kind} failed task ${task.label}; process keeps serving` : `${kind} contained; process keeps serving`,
    );
    const now = Date.now();
    recent.push(now);
    while (recent.length && recent[0]! < now - windowMs) recent.shift();
    if (recent.length > limit) {
      logger.fatal({ uncaught: recent.length, windowMs }, 'too many uncaught errors: exiting so the supervisor restarts a clean process');
      exit(1);
    }
  };
  const onException = handle('uncaughtException');
  const onRejection = handle('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    get count() {
      return count;
    },
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
