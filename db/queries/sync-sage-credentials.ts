/**
 * Sage's OAuth credentials per business (activities/sync/sage/token-store.ts): the stored refresh
 * token, the access token in force, and the rotation each refresh makes.
 */
import type { Queryable } from './types.js';

export async function sageCredentials(db: Queryable, businessId: string) {
  return db.selectFrom('sync_sage_credentials').selectAll().where('business_id', '=', businessId).executeTakeFirst();
}

/** The business's credentials row locked for update (call inside a transaction). */
export async function lockSageCredentials(db: Queryable, businessId: string) {
  return db.selectFrom('sync_sage_credentials').selectAll().where('business_id', '=', businessId).forUpdate().executeTakeFirstOrThrow();
}

export async function sageCredentialsGeneration(db: Queryable, businessId: string): Promise<number | undefined> {
  const row = await db.selectFrom('sync_sage_credentials').select('generation').where('business_id', '=', businessId).executeTakeFirst();
  return row?.generation;
}

/** Stores the first refresh token unless one is already there. */
export async function seedSageRefreshToken(db: Queryable, businessId: string, refreshToken: string): Promise<void> {
  await db
    .insertInto('sync_sage_credentials')
    .values({ business_id: businessId, refresh_token: refreshToken })
    .onConflict((oc) => oc.column('business_id').doNothing())
    .execute();
}

/** Replaces the stored refresh token and forgets the access token. */
export async function replaceSageRefreshToken(db: Queryable, businessId: string, refreshToken: string): Promise<void> {
  await db
    .insertInto('sync_sage_credentials')
    .values({ business_id: businessId, refresh_token: refreshToken })
    .onConflict((oc) =>
      oc.column('business_id').doUpdateSet({ refresh_token: refreshToken, access_token: null, access_expires_at: null, updated_at: new Date() }),
    )
    .execute();
}

/** Expires this access token now (Sage refused it); a token already replaced is left alone. */
export async function expireSageAccessToken(db: Queryable, businessId: string, token: string): Promise<void> {
  await db
    .updateTable('sync_sage_credentials')
    .set({ access_expires_at: new Date(0), updated_at: new Date() })
    .where('business_id', '=', businessId)
    .where('access_token', '=', token)
    .execute();
}

/** Records a refresh: the rotated refresh token, the new access token, the next generation. */
export async function saveSageRefresh(
  db: Queryable,
  businessId: string,
  r: { refreshToken: string; refreshExpiresAt: Date | null; accessToken: string; accessExpiresAt: Date; generation: number; at: Date },
): Promise<void> {
  await db
    .updateTable('sync_sage_credentials')
    .set({
      refresh_token: r.refreshToken,
      refresh_expires_at: r.refreshExpiresAt,
      access_token: r.accessToken,
      access_expires_at: r.accessExpiresAt,
      generation: r.generation,
      refreshed_at: r.at,
      updated_at: r.at,
    })
    .where('business_id', '=', businessId)
    .execute();
}
