/**
 * One authenticated request to Sage v3.1: bearer token from the token store, `X-Business`, a
 * shared limiter taken before each call, 401 -> refresh once, 429 -> wait `Retry-After` (a bounded
 * number of times, then a retryable failure carrying the delay), 5xx / network -> retryable,
 * other 4xx -> non-retryable with Sage's `$message`.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { SageTokenStore } from './token-store.js';
import { retryAfterMs } from '../../../core/retry-after.js';
import { describeSageError } from './wire.js';

/** Structurally the engine's shared limiter (activities/sync/rate-limit.ts). */
export interface SageLimiter {
  take(n?: number): Promise<void>;
  throttled(retryAfterMs: number): Promise<void>;
}

export interface SageHttpConfig {
  apiUrl: string;
  businessId: string;
  tokens: Pick<SageTokenStore, 'accessToken' | 'invalidate'>;
  limiter?: SageLimiter;
  max429Retries?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SageResponse {
  status: number;
  body: unknown;
  /** Sage's `Date` header. */
  date: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SageHttp {
  /** 429s answered to this client (for reports). */
  throttled = 0;
  constructor(private readonly cfg: SageHttpConfig) {}

  /** `pathOrNext` is a path under the API base (`/contacts?page=2`, as `$next` gives it). */
  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathOrNext: string, body?: unknown): Promise<SageResponse> {
    const url = `${this.cfg.apiUrl.replace(/\/$/, '')}${pathOrNext.startsWith('/') ? '' : '/'}${pathOrNext}`;
    const sleep = this.cfg.sleep ?? defaultSleep;
    let refreshed = false;
    let waits = 0;
    for (;;) {
      await this.cfg.limiter?.take(1);
      const token = await this.cfg.tokens.accessToken();
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            'x-business': this.cfg.businessId,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.cfg.timeoutMs ?? 30_000),
        });
      } catch (err) {
        throw ApplicationFailure.create({ type: 'SageUnavailable', message: `${method} ${pathOrNext}: ${(err as Error).message}` });
      }
      const text = await res.text();
      let parsed: unknown = undefined;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if (res.ok) return { status: res.status, body: parsed, date: res.headers.get('date') };
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await this.cfg.tokens.invalidate(token);
        continue;
      }
      if (res.status === 429) {
        this.throttled++;
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1_000;
        if (waits < (this.cfg.max429Retries ?? 5)) {
          waits++;
          if (this.cfg.limiter) await this.cfg.limiter.throttled(wait);
          else await sleep(wait);
          continue;
        }
        throw ApplicationFailure.create({
          type: 'SageRateLimited',
          message: `${method} ${pathOrNext}: still rate limited after ${waits} waits`,
          nextRetryDelay: Math.max(wait, 1_000),
        });
      }
      const { code, message } = describeSageError(parsed);
      const detail = `${method} ${pathOrNext} -> ${res.status} ${code}: ${message}`;
      if (res.status >= 500) throw ApplicationFailure.create({ type: 'SageUnavailable', message: detail });
      if (res.status === 404) throw ApplicationFailure.create({ type: 'SageNotFound', message: detail, nonRetryable: true });
      if (res.status === 401) throw ApplicationFailure.create({ type: 'SageUnauthorized', message: detail, nonRetryable: true });
      throw ApplicationFailure.create({
        type: res.status === 422 ? 'SageValidationError' : 'SageRequestRejected',
        message: detail,
        nonRetryable: true,
        details: [parsed],
      });
    }
  }
}
