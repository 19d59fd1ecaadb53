/**
 * Sage OAuth2 access tokens, with the rotating refresh token persisted in PostgreSQL
 * (sync_sage_credentials). Sage invalidates a refresh token when it is used, so:
 *  - the latest refresh token is written in the same transaction that spent the previous one;
 *  - the refresh runs under `SELECT ... FOR UPDATE` on the business's row, so concurrent callers
 *    (in this process or another worker) wait, then find the fresh access token instead of spending
 *    the refresh token a second time.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../../db/client.js';
import {
  expireSageAccessToken,
  lockSageCredentials,
  replaceSageRefreshToken,
  sageCredentials,
  sageCredentialsGeneration,
  saveSageRefresh,
  seedSageRefreshToken,
} from '../../../db/queries/sync-sage-credentials.js';
import { describeSageError } from './wire.js';

export interface SageOAuthConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  businessId: string;
  /** Seeds the row the first time; ignored once the database holds a token. */
  initialRefreshToken?: string;
  timeoutMs?: number;
}

/** Refresh this long before the access token's stated expiry. */
const EARLY_MS = 30_000;

export class SageTokenStore {
  private cached: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly db: Db,
    private readonly cfg: SageOAuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token, refreshing (and rotating the refresh token) when needed. */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt - EARLY_MS > this.now()) return this.cached.token;
    // One refresh at a time in this process; the row lock serializes across processes.
    this.inflight ??= this.obtain().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Sage refused this access token (401): forget it so the next call refreshes. */
  async invalidate(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = undefined;
    await expireSageAccessToken(this.db, this.cfg.businessId, token);
  }

  /** The refresh token generation stored (how many rotations so far); for tests and diagnostics. */
  async generation(): Promise<number | undefined> {
    return sageCredentialsGeneration(this.db, this.cfg.businessId);
  }

  private usable(token: string | null, expires: Date | null): token is string {
    return token !== null && expires !== null && expires.getTime() - EARLY_MS > this.now();
  }

  private async obtain(): Promise<string> {
    const { businessId } = this.cfg;
    const row = await sageCredentials(this.db, businessId);
    if (row && this.usable(row.access_token, row.access_expires_at)) {
      this.cached = { token: row.access_token, expiresAt: row.access_expires_at!.getTime() };
      return row.access_token;
    }
    if (!row) {
      if (!this.cfg.initialRefreshToken) {
        throw ApplicationFailure.create({
          type: 'SageNotAuthorized',
          message: `no Sage refresh token stored for business ${businessId}: set SAGE_REFRESH_TOKEN from an authorization`,
          nonRetryable: true,
        });
      }
      await seedSageRefreshToken(this.db, businessId, this.cfg.initialRefreshToken);
    }

    return this.db.transaction().execute(async (trx) => {
      const locked = await lockSageCredentials(trx, businessId);
      // Someone refreshed while we waited for the lock: use theirs.
      if (this.usable(locked.access_token, locked.access_expires_at)) {
        this.cached = { token: locked.access_token, expiresAt: locked.access_expires_at!.getTime() };
        return locked.access_token;
      }
      const grant = await this.refresh(locked.refresh_token);
      const t = this.now();
      const accessExpires = new Date(t + grant.expires_in * 1000);
      await saveSageRefresh(trx, businessId, {
        refreshToken: grant.refresh_token,
        refreshExpiresAt: grant.refresh_token_expires_in ? new Date(t + grant.refresh_token_expires_in * 1000) : null,
        accessToken: grant.access_token,
        accessExpiresAt: accessExpires,
        generation: locked.generation + 1,
        at: new Date(t),
      });
      this.cached = { token: grant.access_token, expiresAt: accessExpires.getTime() };
      return grant.access_token;
    });
  }

  private async refresh(refreshToken: string): Promise<{ access_token: string; expires_in: number; refresh_token: string; refresh_token_expires_in?: number }> {
    let res: Response;
    try {
      res = await fetch(this.cfg.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: this.cfg.clientId,
          client_secret: this.cfg.clientSecret,
        }).toString(),
        signal: AbortSignal.timeout(this.cfg.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw ApplicationFailure.create({ type: 'SageUnavailable', message: `Sage token endpoint unreachable: ${(err as Error).message}` });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (res.ok) {
      const b = body as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; refresh_token_expires_in?: unknown };
      if (typeof b.access_token !== 'string' || typeof b.refresh_token !== 'string' || typeof b.expires_in !== 'number') {
        throw ApplicationFailure.create({ type: 'SageUnavailable', message: 'Sage token endpoint answered without access_token / refresh_token / expires_in' });
      }
      return b as { access_token: string; expires_in: number; refresh_token: string; refresh_token_expires_in?: number };
    }
    const { code, message } = describeSageError(body);
    if (res.status === 400 || res.status === 401) {
      throw ApplicationFailure.create({
        type: code === 'invalid_client' ? 'SageClientRejected' : 'SageRefreshTokenRejected',
        message: `Sage refused the refresh (${res.status} ${code}): ${message}; re-authorize the app and set a new SAGE_REFRESH_TOKEN`,
        nonRetryable: true,
      });
    }
    throw ApplicationFailure.create({ type: 'SageUnavailable', message: `Sage token endpoint answered ${res.status}: ${message}` });
  }
}

/** Replaces the stored refresh token (after a new authorization by a person). */
export async function storeSageRefreshToken(db: Db, businessId: string, refreshToken: string): Promise<void> {
  await replaceSageRefreshToken(db, businessId, refreshToken);
}
