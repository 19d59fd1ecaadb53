/**
 * Queries over `watch_politeness` (per-host turns shared by every worker process;
 * activities/watches/fetch/politeness.ts explains the protocol): `next_at` is the earliest time
 * the host may be sent its next request.
 */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

const interval = (ms: number) => sql`make_interval(secs => ${ms}::float8 / 1000)`;

/**
 * Takes `host`'s turn if `next_at` has passed (compare-and-set), holding it `holdMs` and recording
 * `delayMs`: 0 when taken, else the ms left, or null when the row is not visible yet.
 */
export async function takeHostTurn(db: Queryable, host: string, delayMs: number, holdMs: number): Promise<number | null | undefined> {
  const { rows } = await sql<{ wait_ms: number | null }>`
    with taken as (
      insert into watch_politeness as p (host, next_at, delay_ms)
      values (${host}, clock_timestamp() + ${interval(holdMs)}, ${delayMs})
      on conflict (host) do update
        set next_at = clock_timestamp() + ${interval(holdMs)}, delay_ms = excluded.delay_ms
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
  return rows[0]?.wait_ms;
}

/**
 * How long until `host` may be sent a request (0: now), without taking a turn: for requests with no
 * politeness delay, which still honour a Retry-After push-back. Read-only (no write per request).
 */
export async function waitLeft(db: Queryable, host: string): Promise<number> {
  const { rows } = await sql<{ wait_ms: number }>`
    select greatest(0, ceil(extract(epoch from (next_at - clock_timestamp())) * 1000))::float8 as wait_ms
    from watch_politeness where host = ${host}
  `.execute(db);
  return Number(rows[0]?.wait_ms ?? 0);
}

/** Gives the turn back once the response is in: the next request may start `delayMs` from now. */
export async function releaseTurn(db: Queryable, host: string, delayMs: number): Promise<void> {
  await sql`update watch_politeness set next_at = clock_timestamp() + ${interval(delayMs)} where host = ${host}`.execute(db);
}

/** Pushes the host's next slot at least `ms` into the future (429 / Retry-After, 503). */
export async function pushBack(db: Queryable, host: string, ms: number): Promise<void> {
  await sql`
    insert into watch_politeness as p (host, next_at, delay_ms)
    values (${host}, clock_timestamp() + make_interval(secs => ${ms}::float8 / 1000), 0)
    on conflict (host) do update
      set next_at = greatest(p.next_at, clock_timestamp() + make_interval(secs => ${ms}::float8 / 1000))
  `.execute(db);
}
