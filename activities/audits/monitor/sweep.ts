/**
 * One window of a monitor sweep: for up to `windowMs`, claims the shard's due monitors under a
 * lease, checks them with bounded concurrency (`checkSite`), records each check with its
 * transitions, incidents and alert outbox rows (record-check.ts), and delivers the alerts; between
 * due times it sleeps until the next one (polling at most `pollMs` apart, so a new or resumed
 * monitor is picked up quickly). Progress is heartbeated. A retried attempt (same owner) first
 * sends what a killed predecessor recorded but did not send, then takes over what it left leased.
 */
import { setMaxListeners } from 'node:events';
import type { Db } from '../../../db/client.js';
import { deliver, type Senders } from '../../shared/outbox.js';
import { nextDueAt } from './due.js';
import { claimDue, msUntilNextDue, pendingAlertKeys, releaseLeases, rescheduleLeased, type ClaimedMonitor, type Shard } from '../../../db/queries/monitors.js';
import { recordSweepCheck } from './record-check.js';
import type { CheckResult } from '../../../core/contracts/monitors.js';
import { textOf } from '../../../core/text-of.js';

export interface MonitorSweepDeps {
  db: Db;
  check: (url: string, timeoutMs: number) => Promise<CheckResult>;
  /** Without senders, alerts stay in the outbox (pending) for the next sweep. */
  senders?: Senders;
  concurrency: number;
  heartbeat?: (details: unknown) => void;
  signal?: AbortSignal;
  now?: () => number;
}

export interface MonitorSweepWindow {
  shard: Shard;
  windowMs: number;
  /** Longest sleep between looks at the due times. */
  pollMs?: number;
}

export interface MonitorSweepResult {
  checked: number;
  failed: number;
  transitions: number;
  alerts: number;
  delivered: number;
  undelivered: number;
  /** Checks whose lease another sweep took over (or whose monitor was deleted) before they were recorded. */
  lost: number;
  /** Checks the checker itself could not run (not the site's fault): skipped to the next slot. */
  skipped: number;
  /** Largest delay between a monitor's due time and its check's start (ms). */
  maxLatenessMs: number;
}

export async function runMonitorSweep(deps: MonitorSweepDeps, owner: string, w: MonitorSweepWindow): Promise<MonitorSweepResult> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const end = now() + w.windowMs;
  const pollMs = w.pollMs ?? 500;
  const out: MonitorSweepResult = { checked: 0, failed: 0, transitions: 0, alerts: 0, delivered: 0, undelivered: 0, lost: 0, skipped: 0, maxLatenessMs: 0 };
  const stopped = () => deps.signal?.aborted === true;
  // every check in flight listens to the activity's cancellation
  if (deps.signal) setMaxListeners(deps.concurrency + 10, deps.signal);

  const send = async (key: string) => {
    if (!deps.senders) return void out.undelivered++;
    try {
      await deliver(db, key, deps.senders);
      out.delivered++;
    } catch {
      out.undelivered++;
    }
  };
  // PostgreSQL failing mid-window (an outage, a restart) is ridden out inside the window: the loop
  // keeps heartbeating and tries again every second, so checks resume within a second of its return
  // instead of after the activity's retry backoff. Still failing at the window's end: thrown.
  let dbError = null as Error | null; // set by dbStep (a closure): not narrowed to null
  const unrecorded = new Set<string>();
  const dbStep = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      const r = await fn();
      dbError = null;
      return r;
    } catch (err) {
      dbError = err instanceof Error ? err : new Error(textOf(err));
      return undefined;
    }
  };

  // what a killed predecessor (or an earlier window whose receiver failed) recorded and did not send
  for (const key of (await dbStep(() => pendingAlertKeys(db))) ?? []) await send(key);

  const checkOne = async (m: ClaimedMonitor) => {
    const due = m.next_check_at.getTime();
    out.maxLatenessMs = Math.max(out.maxLatenessMs, now() - due);
    let check: CheckResult;
    try {
      check = await deps.check(m.url, m.thresholds.timeoutMs);
    } catch (err) {
      if (stopped()) return void (await releaseLeases(db, owner, [m.id]));
      // the checker could not run (not the site): this slot is skipped rather than counted against the site
      out.skipped++;
      await dbStep(() => rescheduleLeased(db, owner, m.id, new Date(nextDueAt(m.id, m.interval_seconds, due, now()))));
      return void err;
    }
    const recorded = await dbStep(async () => ({
      rec: await recordSweepCheck(db, owner, m, check, new Date(nextDueAt(m.id, m.interval_seconds, due, now()))),
    }));
    // not recorded (PostgreSQL down): the monitor stays leased to this owner and is checked again
    if (!recorded) {
      unrecorded.add(m.id); // its lease is released as soon as PostgreSQL answers again
      return void out.skipped++;
    }
    const { rec } = recorded;
    out.checked++;
    if (!check.ok) out.failed++;
    if (!rec) return void out.lost++;
    out.transitions += rec.transitions.length;
    out.alerts += rec.keys.length;
    await Promise.all(rec.keys.map(send));
  };

  const inflight = new Set<Promise<void>>();
  const launch = (m: ClaimedMonitor) => {
    const p = checkOne(m).finally(() => inflight.delete(p));
    inflight.add(p);
  };
  let resume = true;
  let beat = 0;
  while (now() < end && !stopped()) {
    if (now() - beat > 2000) {
      beat = now();
      deps.heartbeat?.({ checked: out.checked, inflight: inflight.size });
    }
    const free = deps.concurrency - inflight.size;
    if (free <= 0) {
      await Promise.race(inflight);
      continue;
    }
    if (unrecorded.size) {
      const ids = [...unrecorded];
      if (await dbStep(async () => (await releaseLeases(db, owner, ids), true))) ids.forEach((id) => unrecorded.delete(id));
    }
    const claimed = await dbStep(() => claimDue(db, owner, free, w.shard, resume));
    if (!claimed) {
      await sleep(Math.max(10, Math.min(1000, end - now())), deps.signal);
      continue;
    }
    resume = false;
    claimed.forEach(launch);
    if (claimed.length === free) continue;
    const wait = (await dbStep(() => msUntilNextDue(db, w.shard))) ?? pollMs;
    await sleep(Math.max(10, Math.min(wait ?? pollMs, pollMs, end - now())), deps.signal);
  }
  await Promise.allSettled([...inflight]);
  deps.heartbeat?.({ checked: out.checked, inflight: 0 });
  if (dbError) throw dbError;
  return out;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
