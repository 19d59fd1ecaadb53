import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { createDb, type Db } from '../../db/client.js';
import { ensureDatabase } from '../../scripts/lib/postgres.js';
import { TEMPLATE_DB } from './names.js';

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function createTestDatabase(prefix: string, template?: string): Promise<TestDb> {
  const admin = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(admin, name, template);
  const db = createDb({ DATABASE_URL: url, DATABASE_POOL_MAX: 5 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/** A new database copied from the migrated template: each test file gets its own. */
export const freshDb = () => createTestDatabase('atelier_test', TEMPLATE_DB);

/** An empty database (no migrations), for migration tests. */
export const emptyDb = () => createTestDatabase('atelier_empty');
