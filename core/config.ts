/**
 * The platform's one configuration module. Entry points call `loadConfig(process.env)` once and
 * pass the result down; no other module reads `process.env`.
 */
import { z } from 'zod';
import { FAMILIES, type Family } from './temporal.js';

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

const port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z.object({
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
  API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  PUBLIC_BASE_URL: z.string().url().optional(),

  /** Prefix of every task queue name; tests give each suite its own. */
  TASK_QUEUE_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default('atelier'),
  WORKER_QUEUES: csv.pipe(z.array(z.enum(FAMILIES as unknown as [Family, ...Family[]]))),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),

  CHROMIUM_PATH: z.string().optional(),

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
}).superRefine((c, ctx) => {
  if (c.NODE_ENV === 'production' && c.WEBHOOK_SIGNING_SECRET === 'atelier-dev-webhook-secret') {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SIGNING_SECRET'], message: 'set a real secret in production' });
  }
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return Object.freeze(parsed.data);
}
