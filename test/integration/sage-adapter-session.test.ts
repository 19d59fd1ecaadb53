/**
 * The Sage Business Cloud adapter's session against the stateful Sage fake and a real PostgreSQL:
 * OAuth2 refresh-token rotation persisted and serialized across "processes", stale refresh tokens,
 * missing credentials, and 429s waited out or handed to Temporal.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { storeSageRefreshToken } from '../../activities/sync/sage/token-store.js';
import { createSageBusinessCloud } from '../../activities/sync/sage/business-cloud.js';
import type { SageFake } from '../../sandbox/sage/index.js';
import type { TestDb } from '../support/db.js';
import { failure, useSeededSage, type SeededSage } from '../support/sage/adapter.js';

let t: TestDb;
let sage: SageFake;
let initialRefresh: string;
let adapter: SeededSage['adapter'];
let offset = 0;
useSeededSage(
  () => Date.now() + offset,
  async (w) => {
    ({ t, sage, initialRefresh, adapter } = w);
    offset += 60_000;
    // the adapter has run once: its credentials row is stored, as before any refresh in production
    await adapter().customers.listChanged(null, null, 1);
  },
);

describe('Sage adapter: OAuth2 refresh-token rotation', () => {
  const stored = () => t.db.selectFrom('sync_sage_credentials').selectAll().where('business_id', '=', sage.businessId).executeTakeFirstOrThrow();

  it('refreshes an expired access token, persists the rotated refresh token, and a restart uses it', async () => {
    const before = await stored();
    expect(before.refresh_token).toBe(sage.currentRefreshToken());
    sage.resetStats();
    sage.expireAccessTokens();
    await adapter().customers.listChanged(null, null, 1);
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 1, rejectedRefreshes: 0, unauthorized: 1 });
    const after = await stored();
    expect(after.generation).toBe(before.generation + 1);
    expect(after.refresh_token).toBe(sage.currentRefreshToken());
    expect(after.refresh_token).not.toBe(before.refresh_token);

    // A "restarted worker": new adapter, config still holding the first (long spent) token.
    sage.expireAccessTokens();
    const restarted = adapter({ SAGE_REFRESH_TOKEN: initialRefresh });
    await restarted.customers.get(String(sage.list('contacts')[0]!.id));
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 2, rejectedRefreshes: 0 });
    expect((await stored()).refresh_token).toBe(sage.currentRefreshToken());
  });

  it('serializes concurrent refreshes across processes: one refresh, nobody spends a stale token', async () => {
    sage.resetStats();
    sage.expireAccessTokens();
    await t.db
      .updateTable('sync_sage_credentials')
      .set({ access_expires_at: new Date(0) })
      .execute();
    const workers = [adapter(), adapter(), adapter()];
    await Promise.all(workers.flatMap((w) => [w.customers.listChanged(null, null, 1), w.invoices.listChanged(null, null, 1)]));
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 1, rejectedRefreshes: 0 });
  });

  it('a stale refresh token is refused: non-retryable SageRefreshTokenRejected, nothing overwritten', async () => {
    const current = sage.currentRefreshToken();
    await storeSageRefreshToken(t.db, sage.businessId, initialRefresh);
    sage.resetStats();
    const e = await failure(adapter().customers.listChanged(null, null, 1));
    expect(e.type).toBe('SageRefreshTokenRejected');
    expect(e.nonRetryable).toBe(true);
    expect(sage.stats().rejectedRefreshes).toBe(1);
    expect((await stored()).refresh_token).toBe(initialRefresh);
    // A person re-authorizes: the new token is stored and work resumes.
    expect(sage.currentRefreshToken()).toBe(current);
    await storeSageRefreshToken(t.db, sage.businessId, sage.issueRefreshToken());
    await expect(adapter().customers.listChanged(null, null, 1)).resolves.toMatchObject({ items: [expect.anything()] });
  });

  it('without any stored or configured refresh token: SageNotAuthorized; without client id: SageNotConfigured', async () => {
    const other = loadConfig({
      DATABASE_URL: t.url,
      SAGE_API_URL: sage.apiUrl,
      SAGE_OAUTH_URL: sage.tokenUrl,
      SAGE_CLIENT_ID: sage.clientId,
      SAGE_CLIENT_SECRET: sage.clientSecret,
      SAGE_BUSINESS_ID: 'another-business',
    });
    const e = await failure(createSageBusinessCloud({ db: t.db, config: other }).customers.listChanged(null, null, 1));
    expect(e.type).toBe('SageNotAuthorized');
    expect(() => createSageBusinessCloud({ db: t.db, config: { ...other, SAGE_CLIENT_ID: '' } })).toThrow(/SAGE_CLIENT_ID/);
  });
});

describe('Sage adapter: rate limit', () => {
  it('waits out 429s (Retry-After) and succeeds; past the retry budget fails retryably with the delay', async () => {
    const s = adapter();
    await s.customers.listChanged(null, null, 1); // token in hand
    sage.setRateLimit({ max: 3, windowMs: 1_000 });
    sage.resetStats();
    const ids = sage
      .list('contacts')
      .slice(0, 5)
      .map((c) => String(c.id));
    const got = [];
    for (const id of ids) got.push(await s.customers.get(id));
    expect(got.every((g) => g !== null)).toBe(true);
    expect(sage.stats().throttled).toBeGreaterThanOrEqual(1);
    expect(s.http.throttled).toBe(sage.stats().throttled);

    const impatient = adapter({ SAGE_MAX_429_RETRIES: '0' });
    await new Promise((r) => setTimeout(r, 1_000));
    for (let i = 0; i < 3; i++) await impatient.customers.get(ids[0]!);
    const e = await failure(impatient.customers.get(ids[0]!));
    expect(e.type).toBe('SageRateLimited');
    expect(e.nonRetryable).toBe(false);
    expect(e.nextRetryDelay).toBeDefined();
    sage.setRateLimit(undefined);
  });
});
