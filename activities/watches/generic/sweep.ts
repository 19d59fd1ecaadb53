/**
 * One batch of a generic-watch sweep: claims up to `limit` due watches under a lease, checks them
 * with bounded concurrency (overall and per host; the host's politeness gap spaces request starts,
 * no turn is held across a request), records every outcome in PostgreSQL, and delivers each change
 * event's notification through the outbox. Progress is heartbeated. A retried attempt (same owner)
 * re-claims what its predecessor left leased and first delivers what it recorded but did not send.
 */
import type { Db } from '../../../db/client.js';
import { deliver, type Senders } from '../../shared/outbox.js';
import type { Fetcher } from '../fetch/http.js';
import { Semaphore } from '../../../core/semaphore.js';
import { changeNotification, judge, readRegion } from '../generic.js';
import { nextDueAt } from './due.js';
import { claimDue, pendingChangeKeys, recordQuiet, type ClaimFilter, type ClaimedWatch, type QuietOutcome } from '../../../db/queries/watch-generic.js';
import { changeKey, recordChange } from './store.js';

export interface SweepDeps {
  db: Db;
  fetcher: Fetcher;
  /** Without senders, change notifications are left for the workflow to deliver. */
  senders?: Senders;
  concurrency: number;
  hostConcurrency: number;
  leaseMs: number;
  heartbeat?: (details: unknown) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface SweepBatchResult {
  limit: number;
  claimed: number;
  checked: number;
  baselines: number;
  changed: number;
  errors: number;
  notified: number;
  /** Outbox keys recorded but not sent (no senders, or the receiver failed): the workflow retries them. */
  undelivered: string[];
  /** Watches whose lease another sweep took over before this one could record them. */
  lost: number;
  /** For a single-watch check: its last summary and error. */
  summary: string | null;
  error: string | null;
}

const FLUSH_EVERY = 50;

export async function sweepBatch(deps: SweepDeps, owner: string, limit: number, filter: ClaimFilter = {}): Promise<SweepBatchResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const out: SweepBatchResult = {
    limit,
    claimed: 0,
    checked: 0,
    baselines: 0,
    changed: 0,
    errors: 0,
    notified: 0,
    undelivered: [],
    lost: 0,
    summary: null,
    error: null,
  };

  const send = async (key: string) => {
    if (!deps.senders) return void out.undelivered.push(key);
    try {
      await deliver(db, key, deps.senders);
      out.notified++;
    } catch {
      out.undelivered.push(key);
    }
  };
  // what a killed predecessor recorded and did not send
  for (const key of await pendingChangeKeys(db, owner)) await send(key);

  const watches = await claimDue(db, owner, deps.leaseMs, limit, filter);
  out.claimed = watches.length;
  let quiet: QuietOutcome[] = [];
  const flush = async () => {
    const batch = quiet;
    quiet = [];
    out.lost += batch.length - (await recordQuiet(db, owner, batch)).length;
  };

  const checkOne = async (w: ClaimedWatch) => {
    const verdict = judge(w, await readRegion(deps.fetcher, w, deps.signal));
    const next = nextDueAt(w.id, w.interval_minutes, now());
    out.checked++;
    if (verdict.kind === 'changed') {
      const { diff } = verdict;
      const key = await recordChange(db, owner, {
        watch: w,
        next,
        text: verdict.text,
        hash: verdict.hash,
        summary: diff.summary,
        added: diff.added,
        removed: diff.removed,
        note: (seq) => changeNotification(w, diff, changeKey(w.id, seq), seq),
      });
      out.summary = diff.summary;
      if (key === null) out.lost++;
      else {
        out.changed++;
        await send(key);
      }
    } else {
      if (verdict.kind === 'error') {
        out.errors++;
        out.error = verdict.error;
      }
      if (verdict.kind === 'baseline') out.baselines++;
      quiet.push({
        id: w.id,
        next,
        error: verdict.kind === 'error' ? verdict.error : null,
        text: verdict.kind === 'baseline' ? verdict.text : null,
        hash: verdict.kind === 'baseline' ? verdict.hash : null,
      });
      if (quiet.length >= FLUSH_EVERY) await flush();
    }
    deps.heartbeat?.({ checked: out.checked, claimed: out.claimed });
  };

  const byHost = new Map<string, ClaimedWatch[]>();
  for (const w of watches) {
    const host = hostOf(w.url);
    byHost.set(host, [...(byHost.get(host) ?? []), w]);
  }
  const slots = new Semaphore(deps.concurrency);
  const runners = [...byHost.values()].flatMap((list) => {
    let i = 0;
    const runner = async () => {
      while (i < list.length) {
        const w = list[i++]!;
        if (deps.signal?.aborted) throw deps.signal.reason;
        await slots.use(() => checkOne(w));
      }
    };
    return Array.from({ length: Math.min(deps.hostConcurrency, list.length) }, runner);
  });
  const settled = await Promise.allSettled(runners);
  await flush();
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
