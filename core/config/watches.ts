/** The watches family's settings: scrapers, fleets and generic watches. */
import { z } from 'zod';
import { csv } from './fields.js';

export const watchesSettings = {
  /** Watches (scrapers): see docs/watches.md. */
  WATCH_USER_AGENT: z.string().min(3).default('AtelierWatchBot/1.0 (+https://atelier.localhost/bot)'),
  WATCH_POLITENESS_MS: z.coerce.number().int().min(0).default(2000),
  WATCH_MAX_CONCURRENT_FETCHES: z.coerce.number().int().min(1).max(256).default(8),
  WATCH_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  WATCH_FETCH_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  WATCH_MAX_RETRY_AFTER_MS: z.coerce.number().int().min(0).default(120_000),
  WATCH_PROXIES: csv,
  WATCH_BROWSER_POOL_SIZE: z.coerce.number().int().min(0).max(16).default(2),
  WATCH_MAX_PAGES_PER_SOURCE: z.coerce.number().int().min(1).max(10_000).default(200),
  WATCH_REMOVAL_MISSES: z.coerce.number().int().min(1).max(100).default(3),
  WATCH_FLAG_AFTER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  WATCH_FLEET_BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  WATCH_ROBOTS_TTL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Generic watches: checks per sweep activity, and checks in flight per host within one. */
  WATCH_GENERIC_BATCH_SIZE: z.coerce.number().int().min(1).max(2000).default(200),
  WATCH_GENERIC_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
};
