/**
 * Listing status through the snapshot diff, against real PostgreSQL: price changes as their own
 * event with the previous price kept, under offer as an update, sold as its own event, a sold
 * listing that leaves the site staying sold, a sold listing offered again reactivated; sold and
 * under-offer listings matching no alert and left out of market statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueRunNotifications } from '../../activities/watches/notify/alerts.js';
import { computeMarketStats } from '../../activities/watches/store/market-stats.js';
import { openRun } from '../../activities/watches/store/runs.js';
import { applySnapshot, stageRows, toStagedRow } from '../../activities/watches/store/snapshot.js';
import { buildMatcher, matches } from '../../activities/watches/match/index.js';
import type { ListingDraft } from '../../activities/watches/extract/types.js';
import { freshDb, type TestDb } from '../support/db.js';
import { draft } from '../support/watches/drafts.js';

let t: TestDb;
let source: number;
let alertId: number;
let seq = 0;
const K = 2;

beforeAll(async () => {
  t = await freshDb();
  source = (
    await t.db.insertInto('watch_sources').values({ name: 'S', website: 'https://s.example/', selectors: '{}' }).returning('id').executeTakeFirstOrThrow()
  ).id;
  alertId = (
    await t.db
      .insertInto('watch_alerts')
      .values({
        owner_email: 'marie@example.fr',
        criteria: JSON.stringify({ postalCodes: ['69003'] }),
        channel: 'email',
        target: 'marie@example.fr',
        frequency: 'immediate',
        unsubscribe_token: 'tok-status-0123456789abcd',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t?.drop());

async function run(drafts: ListingDraft[]) {
  const runId = await openRun(t.db, source, `status-run-${++seq}`, 'wf');
  await stageRows(
    t.db,
    runId,
    drafts.map((d) => toStagedRow(d, null)),
  );
  const counts = await applySnapshot(t.db, runId, { removalMisses: K, countMisses: true });
  const keys = await queueRunNotifications(t.db, runId, 'https://atelier.test');
  return { runId, counts, keys };
}
const row = (url: string) => t.db.selectFrom('watch_listings').selectAll().where('source_url', '=', url).executeTakeFirstOrThrow();
const events = async (url: string) => {
  const l = await row(url);
  return t.db.selectFrom('watch_listing_history').select(['event', 'changes', 'price_old', 'price_new']).where('listing_id', '=', l.id).orderBy('id').execute();
};

const at = (n: number, over: Partial<ListingDraft> = {}) =>
  draft({ sourceUrl: `https://s.example/annonce/${n}`, postalCode: '69003', city: 'Lyon', title: `Appartement ${n}`, price: 300_000 + n * 1000, ...over });
const U = (n: number) => `https://s.example/annonce/${n}`;

describe('listing status through the diff', () => {
  it('stores status, price qualifier, subtype and a struck-through previous price from the first run', async () => {
    const { counts, keys } = await run([
      at(1),
      at(2),
      at(3),
      at(4),
      at(5, { price: undefined, priceQualifier: 'on_request' }),
      at(6, { propertySubtype: 'studio', rooms: 1, surface: 22, previousPrice: 190_000, price: 180_000 }),
      at(7, { status: 'sold' }),
    ]);
    expect(counts).toMatchObject({ found: 7, new: 7, updated: 0, priceChanges: 0, sold: 0 });
    expect(await row(U(5))).toMatchObject({ price: null, price_qualifier: 'on_request', status: 'active' });
    expect(await row(U(6))).toMatchObject({ property_subtype: 'studio', previous_price: 190_000, price: 180_000 });
    // a listing first seen sold is new (and stored sold) but announced to no alert
    expect(await row(U(7))).toMatchObject({ status: 'sold' });
    const sold = await row(U(7));
    expect(keys).toHaveLength(6);
    expect(keys.some((k) => k.includes(`listing:${sold.id}:`))).toBe(false);
  });

  it('records a price drop as price_change with the previous price, sold as sold, under offer as updated', async () => {
    const { counts, keys } = await run([
      at(1, { price: 280_000 }), // price drop: alert
      at(2, { status: 'under_offer' }), // under offer: an update of its status, no alert
      at(3, { status: 'sold', price: 250_000 }), // sold, and cheaper: the sale is the event, no alert
      at(4, { title: 'Appartement 4 rénové' }),
      at(5, { price: undefined, priceQualifier: 'on_request' }),
      at(6, { propertySubtype: 'studio', rooms: 1, surface: 22, previousPrice: 190_000, price: 180_000 }),
      at(7, { status: 'sold' }),
    ]);
    expect(counts).toMatchObject({ found: 7, new: 0, updated: 2, priceChanges: 1, sold: 1, removed: 0, reactivated: 0 });
    expect((await events(U(1))).at(-1)).toMatchObject({
      event: 'price_change',
      price_old: 301_000,
      price_new: 280_000,
      changes: { price: { old: 301_000, new: 280_000 } },
    });
    expect(await row(U(1))).toMatchObject({ price: 280_000, previous_price: 301_000 });
    expect((await events(U(2))).at(-1)).toMatchObject({ event: 'updated', changes: { status: { old: 'active', new: 'under_offer' } } });
    expect((await events(U(3))).at(-1)).toMatchObject({
      event: 'sold',
      price_old: 303_000,
      price_new: 250_000,
      changes: { status: { old: 'active', new: 'sold' } },
    });
    expect((await events(U(4))).at(-1)).toMatchObject({ event: 'updated', price_old: null, price_new: null });
    const l1 = await row(U(1));
    expect(keys).toEqual([`watch:alert:${alertId}:listing:${l1.id}:price_drop:280000`]);
  });

  it('leaves sold and under-offer listings out of market statistics', async () => {
    await computeMarketStats(t.db);
    const stats = (await t.db.selectFrom('watch_market_stats').select('stats').where('postal_code', '=', '69003').executeTakeFirstOrThrow()).stats;
    // on offer: 1 (280k), 4 (304k), 5 (no price), 6 (180k, studio); 2 under offer, 3 and 7 sold
    expect(stats).toMatchObject({
      active_listings: 4,
      under_offer_listings: 1,
      sold_listings: 2,
      total_listings: 7,
      price_min: 180_000,
      price_max: 304_000,
      studios_count: 1,
    });
  });

  it('keeps a sold listing that leaves the site sold, and reactivates it when it is offered again', async () => {
    // 7 (sold) and 2 (under offer) disappear for K runs
    const keep = [
      at(1, { price: 280_000 }),
      at(3, { status: 'sold', price: 250_000 }),
      at(4, { title: 'Appartement 4 rénové' }),
      at(5, { price: undefined, priceQualifier: 'on_request' }),
      at(6, { propertySubtype: 'studio', rooms: 1, surface: 22, previousPrice: 190_000, price: 180_000 }),
    ];
    await run(keep);
    const second = await run(keep);
    expect(second.counts).toMatchObject({ removed: 1, sold: 0 });
    expect(await row(U(2))).toMatchObject({ status: 'removed' });
    const gone = await row(U(7));
    expect(gone).toMatchObject({ status: 'sold', missed_runs: K });
    expect(gone.removed_at).not.toBeNull();
    expect((await events(U(7))).map((e) => e.event)).toEqual(['new']);

    // back: 7 offered again (reactivated, and it matches alerts again from now on), 3 back on offer too
    const back = await run([...keep.filter((d) => d.sourceUrl !== U(3)), at(3, { price: 240_000 }), at(7, { price: 295_000 })]);
    expect(back.counts).toMatchObject({ reactivated: 2, sold: 0, priceChanges: 0 });
    expect((await events(U(7))).map((e) => e.event)).toEqual(['new', 'reactivated']);
    expect((await events(U(3))).map((e) => e.event)).toEqual(['new', 'sold', 'reactivated']);
    expect(await row(U(7))).toMatchObject({ status: 'active', missed_runs: 0, removed_at: null, previous_price: 307_000, price: 295_000 });
    // a reactivated listing cheaper than before is a price drop for alerts
    const l7 = await row(U(7));
    const l3 = await row(U(3));
    expect(back.keys.sort()).toEqual(
      [`watch:alert:${alertId}:listing:${l3.id}:price_drop:240000`, `watch:alert:${alertId}:listing:${l7.id}:price_drop:295000`].sort(),
    );
  });

  it('a poorer view of a listing (its card, when its page failed) reports no change in what it lacks', async () => {
    const full = at(20, { description: 'Traversant, parquet, cave.', address: '3 rue Garibaldi', features: ['cellar'], quality: 0.9 });
    await run([full]);
    const card = at(20, { description: undefined, address: undefined, features: [], quality: 0.6 });
    const poorer = await run([card]);
    expect(poorer.counts).toMatchObject({ updated: 0, priceChanges: 0 });
    const cheaper = await run([{ ...card, price: 310_000 }]);
    expect(cheaper.counts).toMatchObject({ updated: 0, priceChanges: 1 });
    expect((await events(U(20))).at(-1)!.changes).toEqual({ price: { old: 320_000, new: 310_000 } });
    expect(await row(U(20))).toMatchObject({ description: 'Traversant, parquet, cave.', address: '3 rue Garibaldi', features: ['cellar'], price: 310_000 });
    const again = await run([{ ...full, price: 310_000 }]);
    expect(again.counts).toMatchObject({ updated: 0, priceChanges: 0, new: 0 });
    expect((await events(U(20))).map((e) => e.event)).toEqual(['new', 'price_change']);
  });

  it('a sold or under-offer listing matches no alert, whatever its fields', () => {
    const criteria = { postalCodes: ['69003'] };
    expect(matches(criteria, at(1))).toBe(true);
    expect(matches(criteria, at(1, { status: 'sold' }))).toBe(false);
    expect(matches(criteria, at(1, { status: 'under_offer' }))).toBe(false);
    const match = buildMatcher([{ id: 1, criteria }]);
    expect(match(at(1))).toEqual([1]);
    expect(match({ ...at(1), status: 'sold' })).toEqual([]);
  });
});
