/** The concierge family's settings: its provider adapters, then the saga and Stripe. */
import { z } from 'zod';
import { csv, port } from './fields.js';

export const conciergeSettings = {
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
};
