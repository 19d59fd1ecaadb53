/** The sync family's settings: the Sage <-> HubSpot engine, then the Sage adapter. */
import { z } from 'zod';
import { csv } from './fields.js';

export const syncSettings = {
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
};
