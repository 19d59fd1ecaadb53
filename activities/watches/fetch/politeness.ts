/**
 * Per-host politeness held in PostgreSQL, so it is shared by every worker process and survives a
 * restart. `watch_politeness.next_at` is the earliest time the host may be sent its next request.
 * A request takes the host's turn with one atomic compare-and-set when it is about to be sent
 * (`next_at <= now` -> `next_at = now + hold`, the turn is held while the request runs), and gives
 * it back when its response is in (`next_at = now + delay`). So a host's next request starts at
 * least `delay` after the previous one finished, whichever process sends it and however late a
 * busy process is in sending. A process that dies holding a turn blocks the host for `hold` at most.
 * Queries in db/queries/watch-politeness.ts.
 */
import { textOf } from '../../../core/text-of.js';
import type { DbOrTx } from '../../../db/client.js';
import { releaseTurn, takeHostTurn } from '../../../db/queries/watch-politeness.js';

export { pushBack, releaseTurn, waitLeft } from '../../../db/queries/watch-politeness.js';

/** Tries to take `host`'s turn now, holding it `holdMs`. Answers 0 when taken, else the ms to wait. */
export async function tryTurn(db: DbOrTx, host: string, delayMs: number, holdMs: number = delayMs): Promise<number> {
  const hold = Math.max(holdMs, delayMs);
  const wait = await takeHostTurn(db, host, delayMs, hold);
  return wait === null || wait === undefined ? 1 : Number(wait);
}

/**
 * How long to sleep before trying again: the exact wait when the host is between requests; a short
 * poll when the turn is held by a request in flight (it will be given back early), plus a little
 * jitter so processes waiting on the same host do not all wake at once.
 */
export function pollAfter(waitMs: number, delayMs: number): number {
  return (waitMs > delayMs ? Math.min(waitMs, 100) : waitMs) + Math.floor(Math.random() * 5);
}

/** Waits until `host`'s turn is taken (see tryTurn). */
export async function waitTurn(db: DbOrTx, host: string, delayMs: number, holdMs?: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const wait = await tryTurn(db, host, delayMs, holdMs);
    if (wait === 0) return;
    await sleep(pollAfter(wait, delayMs), signal);
  }
}

/** Runs `fn` holding `host`'s turn, then gives it back. */
export async function withTurn<T>(db: DbOrTx, host: string, delayMs: number, holdMs: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  await waitTurn(db, host, delayMs, holdMs, signal);
  try {
    return await fn();
  } finally {
    await releaseTurn(db, host, delayMs).catch(() => undefined);
  }
}

/** The abort's reason as an Error (AbortSignal.reason is `any`: a DOMException unless the caller gave one). */
const abortReason = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : new Error(textOf(signal.reason) || 'aborted'));

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
