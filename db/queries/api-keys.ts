/**
 * Queries on scoped API keys and their shared rate counters (api/access, scripts/keys.ts, the
 * admin routes). Keys are found by the SHA-256 digest of the presented secret.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../client.js';
import type { ApiKey } from '../schema/api-keys.js';

export interface NewApiKey {
  name: string;
  prefix: string;
  hash: Buffer;
  scopes: string[];
  rateLimit: number;
  rateWindowSeconds: number;
}

/** What lists show of a key: never its hash. */
export type ApiKeyInfo = Omit<ApiKey, 'hash'>;
const INFO = ['id', 'name', 'prefix', 'scopes', 'rate_limit', 'rate_window_seconds', 'created_at', 'revoked_at', 'last_used_at'] as const;

export async function insertApiKey(db: DbOrTx, k: NewApiKey): Promise<ApiKeyInfo> {
  return db
    .insertInto('api_keys')
    .values({ name: k.name, prefix: k.prefix, hash: k.hash, scopes: k.scopes, rate_limit: k.rateLimit, rate_window_seconds: k.rateWindowSeconds })
    .returning(INFO)
    .executeTakeFirstOrThrow();
}

/** The active (not revoked) key with this digest. */
export async function findActiveKeyByHash(db: DbOrTx, hash: Buffer): Promise<ApiKeyInfo | undefined> {
  return db.selectFrom('api_keys').select(INFO).where('hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Keys by id ascending, after `afterId`, with the total under the same filter. */
export async function listApiKeys(db: DbOrTx, opts: { afterId?: number | null; limit: number; includeRevoked?: boolean }) {
  let base = db.selectFrom('api_keys');
  if (!opts.includeRevoked) base = base.where('revoked_at', 'is', null);
  const [rows, count] = await Promise.all([
    (opts.afterId ? base.where('id', '>', opts.afterId) : base).select(INFO).orderBy('id').limit(opts.limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Revokes the key with this id or prefix (idempotent: a revoked key keeps its first revocation time). */
export async function revokeApiKey(db: DbOrTx, idOrPrefix: number | string): Promise<ApiKeyInfo | undefined> {
  const match = typeof idOrPrefix === 'number' ? sql<boolean>`id = ${idOrPrefix}` : sql<boolean>`prefix = ${idOrPrefix}`;
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where(match)
    .returning(INFO)
    .executeTakeFirst();
}

/** Records a use, at most once a minute per key whatever the number of API processes. */
export async function touchApiKey(db: DbOrTx, id: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

/**
 * Counts one request in the key's current fixed window (the window of PostgreSQL's clock, so every
 * API process agrees) with one upsert on the key's row; answers the count so far in that window and
 * the seconds until it ends. A request that reaches the database after the window moved on counts
 * in the newer window.
 */
export async function hitRateCounter(db: DbOrTx, keyId: number, windowSeconds: number): Promise<{ count: number; resetSeconds: number }> {
  const w = windowSeconds;
  const row = await sql<{ count: number; reset_seconds: number }>`
    insert into api_rate_counters as r (key_id, window_start, count)
    values (${keyId}, to_timestamp(floor(extract(epoch from clock_timestamp()) / ${w}::int) * ${w}::int), 1)
    on conflict (key_id) do update set
      count = case when r.window_start >= excluded.window_start then r.count + 1 else 1 end,
      window_start = greatest(r.window_start, excluded.window_start)
    returning count, extract(epoch from (window_start + make_interval(secs => ${w}::int) - clock_timestamp()))::float8 as reset_seconds`.execute(db);
  const r = row.rows[0]!;
  return { count: r.count, resetSeconds: r.reset_seconds };
}
