/**
 * Settings every process shares: environment and logging, PostgreSQL, Temporal, the API, the
 * workers, the /metrics endpoints, outgoing mail and webhooks, the outbound guard.
 */
import { z } from 'zod';
import { FAMILIES, type Family } from '../temporal.js';
import { csv, port, portRange } from './fields.js';

export const platformSettings = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url({ message: 'DATABASE_URL must be a postgres:// URL' }),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_KEYS: csv.refine((keys) => keys.every((k) => k.length >= 16), {
    message: 'every API key must be at least 16 characters',
  }),
  /** Seconds a stopping API keeps answering the requests in flight (below the container's stop timeout). */
  API_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  /** Seconds a stored API key's lookup is cached per API process: a revoked key stops working within this time. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  API_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  PUBLIC_BASE_URL: z.string().url().optional(),

  /** Prefix of every task queue name; tests give each suite its own. */
  TASK_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .default('atelier'),
  WORKER_QUEUES: csv.pipe(z.array(z.enum(FAMILIES as unknown as [Family, ...Family[]]))),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),

  CHROMIUM_PATH: z.string().optional(),
  /** Seconds a stopping worker lets running activities finish before cancelling them (below the container's stop timeout). */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),

  /**
   * Prometheus /metrics endpoints (docs/metrics.md). They carry no authentication: they bind
   * METRICS_HOST, loopback unless set otherwise on purpose (compose: 0.0.0.0 on its private network).
   * API_METRICS_PORT: the API's HTTP + business metrics; WORKER_METRICS_PORT: the Temporal SDK's
   * metrics of a worker process. Each a port or a range `9470-9479`: a process takes the first free
   * port of it, so several processes on one host share one setting; 0 = off.
   */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  API_METRICS_PORT: portRange,
  WORKER_METRICS_PORT: portRange,
  /** Business metrics are read from PostgreSQL at scrape time, cached this long, given up on after the timeout. */
  METRICS_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(5000),
  METRICS_DB_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),

  /** Outgoing mail: smtp://user:pass@host:port (smtps:// for implicit TLS). */
  SMTP_URL: z.string().url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Atelier <no-reply@atelier.localhost>'),
  /** Where operator alerts go (SLA about to be missed, failures past the point of no return). */
  OPERATOR_EMAIL: z.string().email().default('ops@atelier.localhost'),
  /** Secret that signs the webhooks we send (HMAC-SHA256, see activities/shared/webhook-signing.ts). */
  WEBHOOK_SIGNING_SECRET: z.string().min(16).default('atelier-dev-webhook-secret'),
  /**
   * Scrapers and audits refuse private, loopback and link-local targets; this comma list of CIDRs
   * (127.0.0.0/8) or host names lets some through (tests, an intranet).
   */
  OUTBOUND_ALLOWLIST: csv,
};
