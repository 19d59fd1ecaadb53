import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.js';

/**
 * What every function in db/queries/ takes as its first argument: the pool or an open transaction,
 * so a caller can run several query functions atomically inside `db.transaction().execute(...)`.
 */
export type Queryable = Kysely<Database> | Transaction<Database>;
