/**
 * Cross-agency duplicates when one side lacks its postal code or town, against real PostgreSQL:
 * listings go through the snapshot diff, then `linkDuplicates` and the daily `cleanupDuplicates`;
 * the evidence kept with a link is what GET /v1/listings/{id} returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { cleanupDuplicates, linkDuplicates, runListingIds } from '../../activities/watches/store/duplicates.js';
import { openRun } from '../../activities/watches/store/runs.js';
import { applySnapshot, stageRows, toStagedRow } from '../../activities/watches/store/snapshot.js';
import { fingerprint } from '../../activities/watches/match/fingerprint.js';
import type { ListingDraft } from '../../activities/watches/extract/types.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';
import { draft } from '../support/watches/drafts.js';

let t: TestDb;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
const sources: Record<'a' | 'b' | 'c', number> = { a: 0, b: 0, c: 0 };
let runSeq = 0;

beforeAll(async () => {
  t = await freshDb();
  for (const k of ['a', 'b', 'c'] as const) {
    sources[k] = (
      await t.db
        .insertInto('watch_sources')
        .values({ name: k, website: `https://${k}.example/`, selectors: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }
  const config = testConfig(t.url);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await client?.connection.close();
  await t?.drop();
});

/** One run of a source: stage, diff, then link the run's listings. Answers how many links were set. */
async function run(source: 'a' | 'b' | 'c', drafts: ListingDraft[]): Promise<number> {
  const runId = await openRun(t.db, sources[source], `dup-run-${++runSeq}`, 'wf');
  await stageRows(
    t.db,
    runId,
    drafts.map((d) => toStagedRow(d, fingerprint(d) || null)),
  );
  await applySnapshot(t.db, runId, { removalMisses: 3, countMisses: false });
  return linkDuplicates(t.db, await runListingIds(t.db, runId));
}
const row = (url: string) => t.db.selectFrom('watch_listings').selectAll().where('source_url', '=', url).executeTakeFirstOrThrow();
/** A listing without a postal code (and, with `city: undefined`, without a town). */
const placeless = (over: Partial<ListingDraft> & { sourceUrl: string }): ListingDraft => {
  const d = draft(over);
  if (!('postalCode' in over)) delete d.postalCode;
  for (const k of ['postalCode', 'city'] as const) if (k in over && over[k] === undefined) delete d[k];
  return d;
};

describe('duplicates when one side lacks its postal code', () => {
  it('links on the same town, surface, rooms and a close price, and keeps the evidence the API returns', async () => {
    const orig = draft({ sourceUrl: 'https://a.example/1', title: 'T3 Chartrons balcon', postalCode: '33300', city: 'Bordeaux', surface: 80, price: 400_000 });
    await run('a', [orig]);
    const dup = placeless({ sourceUrl: 'https://b.example/9', title: 'Appartement 3 pièces Chartrons', city: 'BORDEAUX', surface: 80.8, price: 410_000 });
    expect(await run('b', [dup])).toBe(1);
    const linked = await row(dup.sourceUrl);
    const target = await row(orig.sourceUrl);
    expect(linked.duplicate_of).toBe(target.id);
    const evidence = linked.duplicate_evidence as {
      with: number;
      signals: string[];
      place: { signals: string[] };
      score: number;
      evidence: { priceDiffPct: number };
    };
    expect(evidence).toMatchObject({ with: target.id, place: { signals: ['city'] }, evidence: { priceDiffPct: 2.44 } });
    expect(evidence.signals).toEqual(expect.arrayContaining(['surface', 'rooms', 'price', 'city']));
    expect(evidence.score).toBeGreaterThanOrEqual(0.6);

    const res = await call(`/v1/listings/${target.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { duplicates: Array<{ id: number; evidence: { signals: string[]; place: { signals: string[] } } }> };
    expect(body.duplicates).toEqual([
      expect.objectContaining({ id: linked.id, evidence: expect.objectContaining({ signals: evidence.signals, place: { signals: ['city'] } }) }),
    ]);
  });

  it('links a postal code with no town to a town with no postal code when the stored listings pair them', async () => {
    // another agency's listing says 64600 is Anglet
    await run('c', [
      draft({
        sourceUrl: 'https://c.example/anglet-villa',
        title: 'Villa Chiberta',
        propertyType: 'house',
        rooms: 6,
        surface: 190,
        price: 1_200_000,
        postalCode: '64600',
        city: 'Anglet',
      }),
    ]);
    const orig = placeless({
      sourceUrl: 'https://a.example/2',
      title: 'T2 proche plages',
      postalCode: '64600',
      city: undefined,
      rooms: 2,
      surface: 48,
      price: 285_000,
    });
    await run('a', [orig]);
    const dup = placeless({ sourceUrl: 'https://b.example/10', title: 'T2 Anglet plages', city: 'Anglet', rooms: 2, surface: 48.5, price: 279_000 });
    expect(await run('b', [dup])).toBe(1);
    expect((await row(dup.sourceUrl)).duplicate_evidence).toMatchObject({ place: { signals: ['postal_city'] } });
    // and keeps it at the daily clean-up
    expect(await cleanupDuplicates(t.db)).toMatchObject({ unlinked: 0 });
    expect((await row(dup.sourceUrl)).duplicate_of).toBe((await row(orig.sourceUrl)).id);
  });

  it('links an arrondissement code to its city', async () => {
    const orig = placeless({
      sourceUrl: 'https://a.example/3',
      title: 'T4 Saxe-Breteuil',
      postalCode: '75007',
      city: undefined,
      rooms: 4,
      surface: 96,
      price: 1_340_000,
    });
    await run('a', [orig]);
    const dup = placeless({
      sourceUrl: 'https://b.example/11',
      title: 'Appartement familial 4 pièces',
      city: 'Paris',
      rooms: 4,
      surface: 95.2,
      price: 1_310_000,
    });
    expect(await run('b', [dup])).toBe(1);
    expect((await row(dup.sourceUrl)).duplicate_evidence).toMatchObject({ place: { signals: ['postal_city'] } });
  });

  it('never links two towns, a code and a town that do not go together, or a town match without a close price', async () => {
    await run('a', [
      draft({
        sourceUrl: 'https://a.example/4',
        title: 'Maison Pessac',
        propertyType: 'house',
        rooms: 5,
        surface: 120,
        price: 450_000,
        postalCode: '33600',
        city: 'Pessac',
      }),
    ]);
    const otherTown = placeless({
      sourceUrl: 'https://b.example/12',
      title: 'Maison Pessac Mérignac',
      propertyType: 'house',
      rooms: 5,
      surface: 120,
      price: 450_000,
      city: 'Mérignac',
    });
    const unknownPair = placeless({
      sourceUrl: 'https://b.example/13',
      title: 'Maison Pessac',
      propertyType: 'house',
      rooms: 5,
      surface: 120.5,
      price: 452_000,
      city: 'Talence',
    });
    expect(await run('b', [otherTown, unknownPair])).toBe(0);

    await run('a', [placeless({ sourceUrl: 'https://a.example/5', title: 'T3 Talence', city: 'Talence', rooms: 3, surface: 66, price: 240_000 })]);
    const priceFar = placeless({ sourceUrl: 'https://c.example/14', title: 'T3 Talence', city: 'Talence', rooms: 3, surface: 66, price: 262_000 });
    const noPrice = placeless({ sourceUrl: 'https://c.example/15', title: 'T3 Talence', city: 'Talence', rooms: 3, surface: 66, price: undefined });
    expect(await run('c', [priceFar, noPrice])).toBe(0);
    for (const d of [otherTown, unknownPair, priceFar, noPrice]) expect((await row(d.sourceUrl)).duplicate_of, d.sourceUrl).toBeNull();
  });

  it('never links two towns that share one postal code', async () => {
    await run('a', [
      draft({
        sourceUrl: 'https://a.example/6',
        title: 'Maison gersoise',
        propertyType: 'house',
        rooms: 4,
        surface: 110,
        price: 198_000,
        postalCode: '32500',
        city: 'Fleurance',
      }),
    ]);
    const dup = draft({
      sourceUrl: 'https://b.example/16',
      title: 'Maison gersoise',
      propertyType: 'house',
      rooms: 4,
      surface: 110,
      price: 198_000,
      postalCode: '32500',
      city: 'Pauilhac',
    });
    expect(await run('b', [dup])).toBe(0);
  });
});
