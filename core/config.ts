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
/** A port or an inclusive range `from-to`; 0 = off. */
const portRange = z
  .string()
  .regex(/^\d{1,5}(-\d{1,5})?$/, 'a port or a range like 9470-9479')
  .default('0')
  .transform((s) => {
    const [from, to = from] = s.split('-').map(Number) as [number, number?];
    return { from, to };
  })
  .refine((r) => r.from <= r.to && r.to <= 65535, 'a range from a lower to a higher port, at most 65535');

export const ConfigSchema = z
  .object({
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

    /** Hosting audits (activities/audits/hosting): see docs/audits-hosting.md. */
    DNS_SERVERS: csv, // host:port list the audits resolve through (tests: a loopback DNS server); empty = the system's
    AUDIT_EXTRA_CA_FILE: z.string().min(1).optional(), // PEM of extra CAs the audit's TLS checks trust (tests: the fixtures' CA)
    AUDIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000), // per request / handshake / page load
    AUDIT_BROWSER_HOST_RULES: z.string().optional(), // Chromium --host-resolver-rules (tests: "MAP *.audit.test 127.0.0.1")
    AUDIT_BROWSER_MAX_PAGES: z.coerce.number().int().min(1).max(32).default(2), // pages rendered at once per worker (about one per core)

    /** Site monitors (audits family): see docs/audits-monitoring.md. */
    MONITOR_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
    MONITOR_MAX_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(86_400),
    /** A siteMonitor run continues as new after this many checks (or sooner when Temporal suggests it). */
    MONITOR_CHECKS_PER_RUN: z.coerce.number().int().min(1).max(10_000).default(200),
    /** Monitor sweeps (one long-running workflow per shard), checks in flight per sweep, and how long one sweep activity runs. */
    MONITOR_SWEEP_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
    MONITOR_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
    MONITOR_SWEEP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
    /** PEM file of extra CAs the monitor's checks trust, besides the system roots (tests, an intranet CA). */
    MONITOR_EXTRA_CA_PATH: z.string().min(1).optional(),

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

    /** Concierge adapters (activities/concierge/adapters): see docs/concierge-peers.md. */
    WHOIS_HOST: z.string().min(1).optional(), // whois server for every TLD (tests: the 127.43.0.N fixture); unset = the TLD's own
    WHOIS_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    RDAP_BASE_URL: z.string().url().default('https://rdap.org/'),
    NAMECHEAP_API_URL: z.string().url().default('https://api.namecheap.com/xml.response'),
    NAMECHEAP_API_USER: z.string().default(''),
    NAMECHEAP_API_KEY: z.string().default(''),
    NAMECHEAP_USERNAME: z.string().optional(), // defaults to NAMECHEAP_API_USER
    NAMECHEAP_CLIENT_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
    CLOUDFLARE_API_TOKEN: z.string().default(''),
    CLOUDFLARE_BASE_URL: z.string().url().default('https://api.cloudflare.com/client/v4'),
    CLOUDFLARE_ACCOUNT_ID: z.string().default(''),
    ACME_DIRECTORY_URL: z.string().url().default('https://acme-v02.api.letsencrypt.org/directory'),
    ACME_CA_CERT_PATH: z.string().min(1).optional(), // extra CA the ACME server's TLS chains to (Pebble)
    ACME_DNS_RESOLVERS: csv, // ip:port list to pre-check DNS-01 TXT records against (tests: challtestsrv)
    ACME_RENEW_BEFORE_DAYS: z.coerce.number().int().min(1).max(90).default(30),
    SITES_ROOT: z.string().min(1).default('.data/sites'),
    SITES_TLS_DIR: z.string().min(1).default('.data/tls'),
    NGINX_SITES_DIR: z.string().min(1).default('.data/nginx/sites-enabled'),
    NGINX_RELOAD_COMMAND: z.string().min(1).optional(), // e.g. "nginx -s reload"; unset = no reload
    SITE_HOST_IPV4: csv.transform((a) => (a.length ? a : ['127.0.0.1'])).pipe(z.array(z.ipv4())),
    SITE_HOST_IPV6: csv.pipe(z.array(z.ipv6())),

    /** Concierge saga + Stripe (activities/concierge, workflows/concierge.ts): see docs/concierge.md. */
    STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_atelier_dev'),
    STRIPE_API_HOST: z.string().min(1).optional(), // tests: 127.0.0.1 (stripe-mock)
    STRIPE_API_PORT: port.optional(),
    STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(8).default('whsec_atelier_dev_secret'),
    CONCIERGE_CURRENCY: z
      .string()
      .regex(/^[a-z]{3}$/)
      .default('eur'),
    CONCIERGE_DATA_DIR: z.string().min(1).default('.data/concierge'), // uploads, rendered sites, screenshots
    CONCIERGE_PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(86_400),
    CONCIERGE_CHOICE_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(3 * 86_400),
    CONCIERGE_SITE_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 86_400),
    CONCIERGE_SLA_HOURS: z.coerce.number().min(0.001).default(4),
    CONCIERGE_URGENT_SLA_HOURS: z.coerce.number().min(0.001).default(24),
    CONCIERGE_SLA_ALERT_RATIO: z.coerce.number().gt(0).lt(1).default(0.75),
    CONCIERGE_STEP_RETRY_SECONDS: z.coerce.number().int().min(1).default(300), // after the point of no return
    CONCIERGE_PROVIDER_OUTAGE_SECONDS: z.coerce.number().int().min(1).default(1800), // a provider down before registration: retried this long, then the order is cancelled / refunded
    CONCIERGE_ARCHIVE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    CONCIERGE_ARCHIVE_MAX_FILES: z.coerce.number().int().min(1).default(500),
    CONCIERGE_ARCHIVE_MAX_UNPACKED_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(50 * 1024 * 1024),
    CONCIERGE_LIVE_CHECK_RESOLVE: z.string().optional(), // Chromium --host-resolver-rules (tests: "MAP * 127.0.0.1")
    CONCIERGE_LIVE_CHECK_PORT: port.optional(), // HTTPS port of the live check (tests: the loopback server's)
    CONCIERGE_LIVE_CHECK_CA_PATH: z.string().min(1).optional(), // PEM of an extra CA the live check trusts (tests: Pebble's root)
    CONCIERGE_START_MONITOR: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'), // siteMonitor once live
    CONCIERGE_BROWSER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4), // live checks at once per worker (one shared Chromium, a context each)

    /** Sage <-> HubSpot sync (activities/sync, workflows/sync.ts): see docs/sync.md. */
    HUBSPOT_BASE_URL: z.string().url().default('https://api.hubapi.com'),
    HUBSPOT_ACCESS_TOKEN: z.string().default(''),
    HUBSPOT_CLIENT_SECRET: z.string().default(''), // signs the webhooks HubSpot sends us (v3)
    HUBSPOT_RATE_PER_10S: z.coerce.number().int().min(1).max(1000).default(100), // 100 (Free/Starter) or 190 (Pro/Enterprise)
    HUBSPOT_DAILY_BUDGET: z.coerce.number().int().min(1).default(250_000),
    HUBSPOT_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(100),
    SYNC_SAGE_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(100),
    SYNC_SAGE_DAILY_BUDGET: z.coerce.number().int().min(1).default(100_000),
    SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    SYNC_POLL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
    SYNC_NIGHTLY_CRON: z.string().min(9).default('0 2 * * *'),
    SYNC_TIMEZONE: z.string().min(1).default('Europe/Paris'),
    SYNC_WEBHOOK_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    SYNC_WEBHOOK_MAX_WAIT_MS: z.coerce.number().int().min(0).max(300_000).default(2500),
    SYNC_CONFLICT_RULES: csv, // entity.field=owner|newest|hold overrides, e.g. customer.phone=hold
    SYNC_DELETION_RULES: csv, // entity=archive|ignore|hold, e.g. customer=hold (default: archive)
    // When a HubSpot company becomes a Sage customer: `property=value` (lifecyclestage=customer also
    // takes the later stage evangelist), e.g. sync_to_sage=true; `off` creates nothing.
    SYNC_SAGE_CREATE_RULE: z
      .string()
      .regex(/^(off|[a-z][a-z0-9_]*=[^,\s]+)$/, 'off or property=value')
      .default('lifecyclestage=customer'),
    SYNC_HUBSPOT_DELETION_RULES: csv, // entity=hold|mirror|recreate for objects deleted in HubSpot (default hold; mirror: quote, intervention)
    SYNC_SAGE_CREATE_REQUIRED: csv, // canonical customer fields Sage must get on creation (name always), e.g. postcode,country
    SYNC_SAGE_QUOTE_RULE: z
      .string()
      .regex(/^(off|[a-z][a-z0-9_]*=[^,\s]+)$/, 'off or property=value')
      .default('dealstage=contractsent'), // when a deal made in HubSpot becomes a Sage quote (contractsent also takes closedwon)
    SYNC_SAGE_QUOTE_TAX_RATE: z
      .string()
      .regex(/^[A-Z0-9_]+:\d+(\.\d+)?$/, 'Sage tax rate id:percent, e.g. FR_STANDARD:20')
      .default('FR_STANDARD:20'), // the line of a quote made from a deal (its amount is the total incl. tax)

    /** Sage Business Cloud Accounting adapter (activities/sync/sage): see docs/sync-sage.md. */
    SAGE_API_URL: z.string().url().default('https://api.accounting.sage.com/v3.1'),
    SAGE_OAUTH_URL: z.string().url().default('https://oauth.accounting.sage.com/token'), // the token endpoint
    SAGE_CLIENT_ID: z.string().default(''),
    SAGE_CLIENT_SECRET: z.string().default(''),
    SAGE_BUSINESS_ID: z.string().default(''), // sent as X-Business
    SAGE_REFRESH_TOKEN: z.string().default(''), // seeds sync_sage_credentials once; the rotated token lives in the database
    SAGE_ITEMS_PER_PAGE: z.coerce.number().int().min(1).max(200).default(200),
    SAGE_MAX_429_RETRIES: z.coerce.number().int().min(0).max(20).default(5), // in-activity waits on Retry-After before failing retryably
    SAGE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  })
  .superRefine((c, ctx) => {
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
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}

/**
 * Provider credentials per family. All absent: the family runs against its sandbox (sandbox/),
 * which `npm start` starts itself; all set: the real providers; some set: refused at start.
 */
export const PROVIDER_CREDENTIALS = {
  concierge: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'NAMECHEAP_API_USER', 'NAMECHEAP_API_KEY', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID'],
  sync: ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'SAGE_CLIENT_ID', 'SAGE_CLIENT_SECRET', 'SAGE_BUSINESS_ID', 'SAGE_REFRESH_TOKEN'],
} as const;
export type ProviderFamily = keyof typeof PROVIDER_CREDENTIALS;
export type ProviderModes = Record<ProviderFamily, 'sandbox' | 'real'>;

const ProviderModesSchema = z.record(z.string(), z.string().optional()).transform((env, ctx) => {
  const modes = {} as ProviderModes;
  for (const [family, names] of Object.entries(PROVIDER_CREDENTIALS) as Array<[ProviderFamily, readonly string[]]>) {
    const missing = names.filter((n) => !env[n]?.trim());
    if (missing.length === names.length) modes[family] = 'sandbox';
    else if (missing.length === 0) modes[family] = 'real';
    else
      for (const n of missing)
        ctx.addIssue({
          code: 'custom',
          path: [n],
          message: `${family} is configured half-way: set ${n} too (or unset ${names.filter((x) => !missing.includes(x)).join(', ')} to use the ${family} sandbox)`,
        });
  }
  return modes;
});

/** Which families run against their sandbox. Throws a ConfigError naming every missing variable of a half-configured family. */
export function providerModes(env: Record<string, string | undefined>): ProviderModes {
  const parsed = ProviderModesSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}
