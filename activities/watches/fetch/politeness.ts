/**
 * Per-host politeness held in PostgreSQL, so it is shared by every worker process and survives a
 * restart. `watch_politeness.next_at` is the earliest time the host may be sent its next request.
 * A request takes the host's turn with one atomic compare-and-set when it is about to be sent
 * (`next_at <= now` -> `next_at = now + hold`, the turn is held while the request runs), and gives
 * it back when its response is in (`next_at = now + delay`). So a host's next request starts at
 * least `delay` after the previous one finished, whichever process sends it and however late a
 * busy process is in sending. A process that dies holding a turn blocks the host for `hold` at most.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/client.js';

const interval = (ms: number) => sql`make_interval(secs => ${ms}::float8 / 1000)`;

/** Tries to take `host`'s turn now, holding it `holdMs`. Answers 0 when taken, else the ms to wait. */
export async function tryTurn(db: DbOrTx, host: string, delayMs: number, holdMs: number = delayMs): Promise<number> {
  const hold = Math.max(holdMs, delayMs);
  const { rows } = await sql<{ wait_ms: number | null }>`
    with taken as (
      insert into watch_politeness as p (host, next_at, delay_ms)
      values (${host}, clock_timestamp() + ${interval(hold)}, ${delayMs})
      on conflict (host) do update
        set next_at = clock_timestamp() + ${interval(hold)}, delay_ms = excluded.delay_ms
        where p.next_at <= clock_timestamp()
      returning 1
    )
    select case when exists (select 1 from taken) then 0
      -- The row can be invisible here: when another process inserted it concurrently, our INSERT
      -- waited for that commit and skipped its update, but this SELECT still reads the statement's
      -- older snapshot. That is "not taken" too: try again in a moment.
      else coalesce(
        (select greatest(1, ceil(extract(epoch from (next_at - clock_timestamp())) * 1000)) from watch_politeness where host = ${host}),
        1)
    end::float8 as wait_ms
  `.execute(db);
  const wait = rows[0]?.wait_ms;
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

/**
 * How long until `host` may be sent a request (0: now), without taking a turn: for requests with no
 * politeness delay, which still honour a Retry-After push-back. Read-only (no write per request).
 */
export async function waitLeft(db: DbOrTx, host: string): Promise<number> {
  const { rows } = await sql<{ wait_ms: number }>`
    select greatest(0, ceil(extract(epoch from (next_at - clock_timestamp())) * 1000))::float8 as wait_ms
    from watch_politeness where host = ${host}
  `.execute(db);
  return Number(rows[0]?.wait_ms ?? 0);
}

/** Gives the turn back once the response is in: the next request may start `delayMs` from now. */
export async function releaseTurn(db: DbOrTx, host: string, delayMs: number): Promise<void> {
  await sql`update watch_politeness set next_at = clock_timestamp() + ${interval(delayMs)} where host = ${host}`.execute(db);
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

/** Pushes the host's next slot at least `ms` into the future (429 / Retry-After, 503). */
export async function pushBack(db: DbOrTx, host: string, ms: number): Promise<void> {
  await sql`
    insert into watch_politeness as p (host, next_at, delay_ms)
    values (${host}, clock_timestamp() + make_interval(secs => ${ms}::float8 / 1000), 0)
    on conflict (host) do update
      set next_at = greatest(p.next_at, clock_timestamp() + make_interval(secs => ${ms}::float8 / 1000))
  `.execute(db);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
