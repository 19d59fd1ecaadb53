import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../../db/migrator.js';
import { migrations } from '../../db/migrations/index.js';
import { emptyDb, type TestDb } from '../support/db.js';

describe('migrations', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await emptyDb();
  });
  afterAll(async () => t.drop());

  it('apply from an empty database, then do nothing on a second run', async () => {
    const first = await migrateToLatest(t.db);
    expect(first.applied).toEqual(Object.keys(migrations).sort());

    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(t.db);
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['diagnostics_runs', 'webhook_events', 'kysely_migration']));

    const second = await migrateToLatest(t.db);
    expect(second.applied).toEqual([]);
  });

  it('enforces the webhook event key (a replayed event is refused by the database)', async () => {
    await t.db.insertInto('webhook_events').values({ provider: 'stripe', event_id: 'evt_1', event_type: 'x' }).execute();
    await expect(t.db.insertInto('webhook_events').values({ provider: 'stripe', event_id: 'evt_1', event_type: 'x' }).execute()).rejects.toThrow(
      /duplicate key/,
    );
  });
});
