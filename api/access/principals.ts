/**
 * Who is calling: a presented bearer key resolved to its principal (name, public prefix, scopes,
 * rate policy). Bootstrap keys from API_KEYS hold every scope and no rate limit; stored keys
 * (api_keys) are looked up by digest and cached in this process for `cacheSeconds`, so a key
 * revoked elsewhere stops working here within that time (at once when revoked through this
 * process's admin routes).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import { findActiveKeyByHash, touchApiKey, type ApiKeyInfo } from '../../db/queries/api-keys.js';
import type { RatePolicy } from './rate-limit.js';
import { SCOPES, type Scope } from './scopes.js';
import { keyDigest, keyFingerprint, storedKeyPrefix } from './secrets.js';

export interface Principal {
  /** null for a bootstrap key. */
  keyId: number | null;
  name: string;
  /** The stored key's public prefix, or a bootstrap key's 8-hex fingerprint. */
  prefix: string;
  scopes: readonly Scope[];
  rate: RatePolicy | null;
}

export interface KeyResolver {
  resolve(key: string): Promise<Principal | null>;
  /** Drops every cached lookup (after a revocation through this process). */
  forget(): void;
}

const MAX_CACHED = 10_000;
const TOUCH_EVERY_MS = 60_000;

export function principalOf(row: ApiKeyInfo): Principal {
  return {
    keyId: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: SCOPES.filter((s) => row.scopes.includes(s)),
    rate: { limit: row.rate_limit, windowSeconds: row.rate_window_seconds },
  };
}

export function keyResolver(opts: { db: Db; bootstrapKeys: readonly string[]; cacheSeconds: number; logger: Logger }): KeyResolver {
  const bootstrap = opts.bootstrapKeys.map((k) => {
    const fp = keyFingerprint(k);
    const principal: Principal = { keyId: null, name: `bootstrap-${fp}`, prefix: fp, scopes: SCOPES, rate: null };
    return { digest: keyDigest(k), principal };
  });
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  const touched = new Map<number, number>();

  // last_used_at: at most one write a minute per key and process (the query itself skips rows
  // written in the last minute by another process); never awaited by the request.
  const touch = (p: Principal | null) => {
    if (!p?.keyId) return;
    const now = Date.now();
    if (now - (touched.get(p.keyId) ?? 0) < TOUCH_EVERY_MS) return;
    if (touched.size >= MAX_CACHED) touched.clear();
    touched.set(p.keyId, now);
    touchApiKey(opts.db, p.keyId).catch((err: Error) => opts.logger.warn({ err: err.message, key: p.prefix }, 'api key last_used_at not updated'));
  };

  return {
    async resolve(key) {
      const digest = keyDigest(key);
      // every bootstrap key compared, in constant time: neither content nor length leaks
      let found: Principal | null = null;
      for (const b of bootstrap) if (timingSafeEqual(digest, b.digest)) found = b.principal;
      if (found) return found;
      if (!storedKeyPrefix(key)) return null;
      const id = digest.toString('hex');
      const hit = cache.get(id);
      if (hit && hit.until > Date.now()) {
        touch(hit.principal);
        return hit.principal;
      }
      const row = await findActiveKeyByHash(opts.db, digest);
      const principal = row ? principalOf(row) : null;
      if (opts.cacheSeconds > 0) {
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(id, { principal, until: Date.now() + opts.cacheSeconds * 1000 });
      }
      touch(principal);
      return principal;
    },
    forget() {
      cache.clear();
    },
  };
}
