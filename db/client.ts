import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../core/config.js';
import type { Database } from './database.js';

export type Db = Kysely<Database>;
export type DbOrTx = Kysely<Database> | Transaction<Database>;

// bigint (int8) and numeric come back as strings by default; counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export function createDb(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX'>): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its server (restart, network) must not crash the process: the query in flight
  // rejects with the error, and the pool discards the broken client. pg emits 'error' on idle
  // clients (caught by the pool) and on checked-out ones (caught here).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Round-trips to the server; throws when PostgreSQL is unreachable. */
export async function pingDb(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
