/**
 * The platform's one configuration module. Entry points call `loadConfig(process.env)` once and
 * pass the result down; no other module reads `process.env`. The settings are declared one block a
 * family in core/config/ (platform, audits, watches, concierge, sync) and joined here in that order.
 */
import { z } from 'zod';
import { auditsSettings } from './config/audits.js';
import { conciergeSettings } from './config/concierge.js';
import { platformSettings } from './config/platform.js';
import { syncSettings } from './config/sync.js';
import { watchesSettings } from './config/watches.js';

export const ConfigSchema = z
  .object({ ...platformSettings, ...auditsSettings, ...watchesSettings, ...conciergeSettings, ...syncSettings })
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
