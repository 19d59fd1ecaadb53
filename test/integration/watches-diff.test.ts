/**
 * The set-based snapshot diff, duplicate linking, alert matching into the outbox and market
 * statistics, against real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueRunNotifications, queueDailyDigests } from '../../activities/watches/notify/alerts.js';
import { linkDuplicates, runListingIds } from '../../activities/watches/store/duplicates.js';
import { computeMarketStats } from '../../activities/watches/store/market-stats.js';
import { finishRun, openRun } from '../../activities/watches/store/runs.js';
import { applySnapshot, stageRows, toStagedRow } from '../../activities/watches/store/snapshot.js';
import { fingerprint } from '../../activities/watches/match/fingerprint.js';
import type { ListingDraft } from '../../activities/watches/extract/types.js';
import { freshDb, type TestDb } from '../support/db.js';
import { draft } from '../support/watches/drafts.js';

let t: TestDb;
let sourceA: number;
let sourceB: number;
let runSeq = 0;
const K = 3;

beforeAll(async () => {
  t = await freshDb();
  const a = await t.db
    .insertInto('watch_sources')
    .values({ name: 'A', website: 'https://a.example/', selectors: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const b = await t.db
    .insertInto('watch_sources')
    .values({ name: 'B', website: 'https://b.example/', selectors: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  sourceA = a.id;
  sourceB = b.id;
});
afterAll(() => t.drop());

async function run(sourceId: number, drafts: ListingDraft[], countMisses = true) {
  const runId = await openRun(t.db, sourceId, `test-run-${++runSeq}`, 'wf');
  await stageRows(
    t.db,
    runId,
    drafts.map((d) => toStagedRow(d, fingerprint(d))),
  );
  const counts = await applySnapshot(t.db, runId, { removalMisses: K, countMisses });
  return { runId, counts };
}

const listing = (url: string) => t.db.selectFrom('watch_listings').selectAll().where('source_url', '=', url).executeTakeFirstOrThrow();
const history = async (url: string) => {
  const l = await listing(url);
  return t.db.selectFrom('watch_listing_history').selectAll().where('listing_id', '=', l.id).orderBy('id').execute();
};

const A1 = draft({ sourceUrl: 'https://a.example/annonce/1', title: 'T3 Vaugirard balcon', price: 450_000 });
const A2 = draft({
  sourceUrl: 'https://a.example/annonce/2',
  title: 'Maison avec jardin',
  propertyType: 'house',
  price: 890_000,
  surface: 140,
  rooms: 6,
  postalCode: '92100',
  city: 'Boulogne',
});
const A3 = draft({ sourceUrl: 'https://a.example/annonce/3', title: 'Studio Convention', price: 210_000, surface: 22, rooms: 1 });
const A4 = draft({ sourceUrl: 'https://a.example/annonce/4', title: 'T2 Commerce', price: 380_000, surface: 45, rooms: 2 });

describe('snapshot diff', () => {
  let alertId: number;
  let dailyId: number;

  it('creates every listing of a first run as new, with history and a run log', async () => {
    const alert = await t.db
      .insertInto('watch_alerts')
      .values({
        owner_email: 'marie@example.fr',
        criteria: JSON.stringify({ postalCodes: ['75015'], priceMax: 500_000 }),
        channel: 'email',
        target: 'marie@example.fr',
        frequency: 'immediate',
        unsubscribe_token: 'tok-immediate-0123456789',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    alertId = alert.id;
    const daily = await t.db
      .insertInto('watch_alerts')
      .values({
        owner_email: 'paul@example.fr',
        criteria: JSON.stringify({ propertyTypes: ['house'] }),
        channel: 'email',
        target: 'paul@example.fr',
        frequency: 'daily',
        unsubscribe_token: 'tok-daily-0123456789abc',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    dailyId = daily.id;

    const { runId, counts } = await run(sourceA, [A1, A2, A3]);
    expect(counts).toEqual({ found: 3, new: 3, updated: 0, priceChanges: 0, sold: 0, removed: 0, reactivated: 0, alreadyApplied: false });
    expect((await history(A1.sourceUrl)).map((h) => h.event)).toEqual(['new']);
    const log = await t.db.selectFrom('watch_crawl_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ found: 3, new: 3, updated: 0, removed: 0 });

    // A1 and A3 match the immediate alert (75015, <= 500k); A2 goes to the daily digest
    const keys = await queueRunNotifications(t.db, runId, 'https://atelier.test');
    const l1 = await listing(A1.sourceUrl);
    const l3 = await listing(A3.sourceUrl);
    expect(keys.sort()).toEqual([`watch:alert:${alertId}:listing:${l1.id}:new`, `watch:alert:${alertId}:listing:${l3.id}:new`].sort());
    const again = await queueRunNotifications(t.db, runId, 'https://atelier.test');
    expect(again.sort()).toEqual(keys.sort());
    expect(await t.db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'like', 'watch:alert:%').execute()).toHaveLength(2);
    const mail = await t.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', keys[0]!).executeTakeFirstOrThrow();
    expect((mail.payload as { text: string }).text).toContain('https://atelier.test/public/alerts/unsubscribe?token=tok-immediate-0123456789');
    expect((mail.payload as { html: string }).html).toContain('Se désabonner');
    const matches = await t.db.selectFrom('watch_alert_matches').selectAll().where('alert_id', '=', dailyId).execute();
    expect(matches).toHaveLength(1);
    expect(matches[0]!.outbox_key).toBeNull();
  });

  it('records which fields changed, price old -> new, and counts a single miss without removing', async () => {
    const { runId, counts } = await run(sourceA, [{ ...A1, price: 430_000 }, A2, A4]);
    expect(counts).toMatchObject({ found: 3, new: 1, updated: 0, priceChanges: 1, removed: 0, reactivated: 0 });
    const h = await history(A1.sourceUrl);
    expect(h.map((x) => x.event)).toEqual(['new', 'price_change']);
    expect(h[1]!.changes).toEqual({ price: { old: 450_000, new: 430_000 } });
    expect(h[1]).toMatchObject({ price_old: 450_000, price_new: 430_000 });
    const missed = await listing(A3.sourceUrl);
    expect(missed).toMatchObject({ status: 'active', missed_runs: 1 });

    // the price drop notifies the immediate alert once; A4 (new, 75015, 380k) too
    const keys = await queueRunNotifications(t.db, runId, 'https://atelier.test');
    const l1 = await listing(A1.sourceUrl);
    expect(keys).toContain(`watch:alert:${alertId}:listing:${l1.id}:price_drop:430000`);
    expect(keys).toHaveLength(2);
  });

  it('applies a run once: a second apply answers the stored counts and writes nothing', async () => {
    const runId = await openRun(t.db, sourceA, `test-run-${++runSeq}`, 'wf');
    await stageRows(
      t.db,
      runId,
      [A1, A2, A4].map((d) => toStagedRow({ ...d, price: d === A1 ? 430_000 : d.price }, null)),
    );
    const first = await applySnapshot(t.db, runId, { removalMisses: K, countMisses: true });
    const before = await t.db
      .selectFrom('watch_listing_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const second = await applySnapshot(t.db, runId, { removalMisses: K, countMisses: true });
    const after = await t.db
      .selectFrom('watch_listing_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(second).toEqual({ ...first, alreadyApplied: true });
    expect(after.n).toBe(before.n);
    expect(await listing(A3.sourceUrl)).toMatchObject({ status: 'active', missed_runs: 2 });
  });

  it('leaves absent listings alone on a partial run', async () => {
    const { counts } = await run(sourceA, [A1, A2], false);
    expect(counts.removed).toBe(0);
    expect(await listing(A3.sourceUrl)).toMatchObject({ status: 'active', missed_runs: 2 });
    expect(await listing(A4.sourceUrl)).toMatchObject({ status: 'active', missed_runs: 0 });
  });

  it('retires a listing after K consecutive misses, then reactivates it when it reappears', async () => {
    const { counts } = await run(sourceA, [{ ...A1, price: 430_000 }, A2, A4]);
    expect(counts).toMatchObject({ removed: 1 });
    const gone = await listing(A3.sourceUrl);
    expect(gone).toMatchObject({ status: 'removed', missed_runs: 3 });
    expect(gone.removed_at).not.toBeNull();
    expect((await history(A3.sourceUrl)).map((h) => h.event)).toEqual(['new', 'removed']);

    const back = await run(sourceA, [{ ...A1, price: 430_000 }, A2, A3, A4]);
    expect(back.counts).toMatchObject({ found: 4, new: 0, reactivated: 1, updated: 0, removed: 0 });
    expect(await listing(A3.sourceUrl)).toMatchObject({ status: 'active', missed_runs: 0, removed_at: null });
    expect((await history(A3.sourceUrl)).map((h) => h.event)).toEqual(['new', 'removed', 'reactivated']);
  });

  it('links a cross-agency duplicate to the older listing and keeps the evidence', async () => {
    const dup = draft({ sourceUrl: 'https://b.example/bien/99', title: 'T3 Vaugirard avec balcon', price: 432_000, surface: 75.5 });
    const other = draft({ sourceUrl: 'https://b.example/bien/100', title: 'T3 ailleurs', price: 432_000, surface: 90, postalCode: '75011' });
    const { runId } = await run(sourceB, [dup, other]);
    const linked = await linkDuplicates(t.db, await runListingIds(t.db, runId));
    expect(linked).toBe(1);
    const row = await listing(dup.sourceUrl);
    const orig = await listing(A1.sourceUrl);
    expect(row.duplicate_of).toBe(orig.id);
    expect(row.duplicate_evidence).toMatchObject({ with: orig.id, evidence: { sameLocality: true, sameRooms: true } });
    expect((await listing(other.sourceUrl)).duplicate_of).toBeNull();
    // a duplicate is not announced again as a new listing
    const keys = await queueRunNotifications(t.db, runId, 'https://atelier.test');
    expect(keys.some((k) => k.includes(`listing:${row.id}:`))).toBe(false);
  });

  it('sends daily alerts one digest per day, carrying their pending matches', async () => {
    const keys = await queueDailyDigests(t.db, 'https://atelier.test', '2026-11-21');
    expect(keys).toEqual([`watch:digest:${dailyId}:2026-11-21`]);
    const note = await t.db.selectFrom('outbox').select('payload').where('dedupe_key', '=', keys[0]!).executeTakeFirstOrThrow();
    expect((note.payload as { text: string }).text).toContain('Maison avec jardin');
    expect(await queueDailyDigests(t.db, 'https://atelier.test', '2026-11-21')).toEqual(keys);
    const pending = await t.db
      .selectFrom('watch_alert_matches')
      .select('listing_id')
      .where('alert_id', '=', dailyId)
      .where('digested_at', 'is', null)
      .execute();
    expect(pending).toHaveLength(0);
  });

  it('computes market statistics per postal code, counting duplicates once', async () => {
    expect(await computeMarketStats(t.db)).toBe(3);
    const row = await t.db.selectFrom('watch_market_stats').selectAll().where('postal_code', '=', '75015').executeTakeFirstOrThrow();
    // 75015 active, not duplicates: A1 430k/75, A3 210k/22, A4 380k/45
    expect(row.stats).toMatchObject({
      postal_code: '75015',
      city: 'Paris',
      active_listings: 3,
      total_listings: 3,
      apartments_count: 3,
      studios_count: 1,
      price_min: 210_000,
      price_max: 430_000,
      median_price: 380_000,
      average_price: 340_000,
      listings_added_today: 3,
    });
    expect((row.stats as { average_price_per_sqm: number }).average_price_per_sqm).toBe(Math.round((430_000 / 75 + 210_000 / 22 + 380_000 / 45) / 3));
  });

  it('flags a source after N failed runs in a row, once, and clears it on success', async () => {
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      const runId = await openRun(t.db, sourceB, `fail-${i}`, 'wf');
      outcomes.push(await finishRun(t.db, runId, { status: 'failed', pages: 1, errorMessage: 'down', flagAfter: 3 }));
    }
    expect(outcomes.map((o) => o.consecutiveFailures)).toEqual([1, 2, 3, 4]);
    expect(outcomes.map((o) => o.flaggedAt !== null)).toEqual([false, false, true, false]);
    const ok = await openRun(t.db, sourceB, 'ok-after', 'wf');
    await finishRun(t.db, ok, { status: 'ok', pages: 1, errorMessage: null, flagAfter: 3 });
    expect(await t.db.selectFrom('watch_sources').select(['consecutive_failures', 'flagged_at']).where('id', '=', sourceB).executeTakeFirstOrThrow()).toEqual({
      consecutive_failures: 0,
      flagged_at: null,
    });
  });

  it('stages chunks two at a time, keeping the better (on a tie, the later) version of a URL seen twice', async () => {
    const c = await t.db
      .insertInto('watch_sources')
      .values({ name: 'C', website: 'https://c.example/', selectors: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const runId = await openRun(t.db, c.id, `test-run-${++runSeq}`, 'wf');
    const row = (n: number, title: string, quality: number) => toStagedRow(draft({ sourceUrl: `https://c.example/annonce/${n}`, title, quality }), null);
    // chunks of one row: five URLs-with-repeats become three distinct rows, staged two chunks at once
    const staged = await stageRows(
      t.db,
      runId,
      [row(1, 'card', 0.3), row(2, 'first', 0.5), row(3, 'three', 0.8), row(1, 'detail', 0.9), row(2, 'second', 0.5)],
      1,
    );
    expect(staged).toBe(3);
    const titles = () => t.db.selectFrom('watch_snapshot_items').select(['source_url', 'title']).where('run_id', '=', runId).orderBy('source_url').execute();
    expect((await titles()).map((r) => r.title)).toEqual(['detail', 'second', 'three']);
    // a later, worse version of a staged URL changes nothing; a better one replaces it
    expect(await stageRows(t.db, runId, [row(1, 'worse', 0.1)])).toBe(0);
    expect(await stageRows(t.db, runId, [row(3, 'better', 0.95)])).toBe(1);
    expect((await titles()).map((r) => r.title)).toEqual(['detail', 'second', 'better']);
    const counts = await applySnapshot(t.db, runId, { removalMisses: K, countMisses: true });
    expect(counts).toMatchObject({ found: 3, new: 3, updated: 0, removed: 0 });
  });

  it("on a quality tie a listing's own page beats its list card whichever is staged last (a list page re-crawled after a crash)", async () => {
    const c = await t.db
      .insertInto('watch_sources')
      .values({ name: 'D', website: 'https://d.example/', selectors: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const runId = await openRun(t.db, c.id, `test-run-${++runSeq}`, 'wf');
    const at = (n: number, rooms: number, fromDetail: boolean) =>
      toStagedRow(draft({ sourceUrl: `https://d.example/annonce/${n}`, rooms, quality: 0.7 }), null, fromDetail);
    // URL 1: card, then its page, then the card again (the retried list page); URL 2: page first, then card
    await stageRows(t.db, runId, [at(1, 3, false)]);
    await stageRows(t.db, runId, [at(1, 6, true), at(2, 4, true)]);
    expect(await stageRows(t.db, runId, [at(1, 3, false), at(2, 2, false)])).toBe(0);
    // within one call too
    await stageRows(t.db, runId, [at(3, 5, true), at(3, 1, false)]);
    const rooms = await t.db.selectFrom('watch_snapshot_items').select(['source_url', 'rooms']).where('run_id', '=', runId).orderBy('source_url').execute();
    expect(rooms.map((r) => r.rooms)).toEqual([6, 4, 5]);
    // a card of better quality still replaces a poorer page reading
    await stageRows(t.db, runId, [toStagedRow(draft({ sourceUrl: 'https://d.example/annonce/2', rooms: 2, quality: 0.9 }), null, false)]);
    const two = await t.db
      .selectFrom('watch_snapshot_items')
      .select('rooms')
      .where('run_id', '=', runId)
      .where('source_url', '=', 'https://d.example/annonce/2')
      .executeTakeFirstOrThrow();
    expect(two.rooms).toBe(2);
  });
});
