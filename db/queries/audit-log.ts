/** Queries on the API audit log: one insert per mutating call, newest-first pages for admins. */
import type { DbOrTx } from '../client.js';
import type { ApiAuditEntry } from '../schema/api-keys.js';

export type NewAuditEntry = Omit<ApiAuditEntry, 'id' | 'at'>;

/** One insert for any number of entries (the audit writer groups the calls that end together). */
export async function insertAuditEntries(db: DbOrTx, entries: readonly NewAuditEntry[]): Promise<void> {
  if (entries.length)
    await db
      .insertInto('api_audit_log')
      .values([...entries])
      .execute();
}

/** Entries newest first (by id), before `beforeId`, optionally for one key name; with the total. */
export async function listAuditEntries(db: DbOrTx, opts: { beforeId?: number | null; limit: number; keyName?: string }) {
  let base = db.selectFrom('api_audit_log');
  if (opts.keyName !== undefined) base = base.where('key_name', '=', opts.keyName);
  const [rows, count] = await Promise.all([
    (opts.beforeId ? base.where('id', '<', opts.beforeId) : base).selectAll().orderBy('id', 'desc').limit(opts.limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
