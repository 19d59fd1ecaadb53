/**
 * The order form's schemas, shared by the API (request validation, OpenAPI) and the activities.
 * A concierge order names a business, who to write to, the domain wanted, a plan, what to publish
 * (the built-in template filled with the business details, or an uploaded zip) and whether it is
 * urgent.
 */
import { z } from '@hono/zod-openapi';
import type { ConciergeOrder } from '../../db/schema/concierge.js';
import { normalizeDomain } from './domain-name.js';

export const PLANS = {
  starter: { label: 'Essentiel', priceCents: 29_900 },
  business: { label: 'Pro', priceCents: 59_900 },
  premium: { label: 'Premium', priceCents: 99_900 },
} as const;
export type Plan = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as [Plan, ...Plan[]];

export const DomainSchema = z
  .string()
  .max(253)
  .transform((s, ctx) => {
    const d = normalizeDomain(s);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `"${s.slice(0, 80)}" is not a valid domain name (e.g. mon-salon.fr)` });
      return z.NEVER;
    }
    return d;
  })
  .openapi({ type: 'string', maxLength: 253, example: 'boulangerie-martin.fr' });

const text = (max: number) => z.string().trim().min(1).max(max);

export const TemplateSiteSchema = z
  .object({
    kind: z.literal('template'),
    tagline: text(160).optional(),
    description: text(4000).optional(),
    phone: text(40).optional(),
    address: text(200).optional(),
    city: text(100).optional(),
    accentColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
  })
  .strict();

export const ArchiveSiteSchema = z.object({ kind: z.literal('archive') }).strict();

export const SiteSchema = z.discriminatedUnion('kind', [TemplateSiteSchema, ArchiveSiteSchema]).openapi('ConciergeSite', {
  description: '`template`: the built-in one-page site filled with the business details; `archive`: a zip uploaded to POST /v1/concierge/orders/{id}/site',
});
export type SiteSpec = z.infer<typeof SiteSchema>;

/** Whose name the domain is registered in (the registrar needs a full postal contact). */
export const RegistrantSchema = z
  .object({
    firstName: text(60),
    lastName: text(60),
    phone: z.string().regex(/^\+\d{1,3}\.\d{4,14}$/, 'phone as +CC.NUMBER, e.g. +33.612345678'),
    address1: text(200),
    city: text(100),
    postalCode: text(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
  })
  .strict()
  .openapi('ConciergeRegistrant');
export type Registrant = z.infer<typeof RegistrantSchema>;

export const OrderInputSchema = z
  .object({
    businessName: text(120).openapi({ example: 'Boulangerie Martin' }),
    contactEmail: z.string().trim().toLowerCase().email().max(254).openapi({ example: 'claire@boulangerie-martin.fr' }),
    desiredDomain: DomainSchema,
    plan: z.enum(PLAN_NAMES),
    site: SiteSchema,
    urgent: z.boolean().default(false),
    registrant: RegistrantSchema,
    locale: z.enum(['fr', 'en']).default('fr'),
  })
  .strict()
  .openapi('ConciergeOrderInput');
export type OrderInput = z.output<typeof OrderInputSchema>;

export const DomainChoiceSchema = z.object({ domain: DomainSchema }).strict().openapi('ConciergeDomainChoice');

/** What the customer pays: the plan, plus the registrar's premium price when the name is premium. */
export function priceFor(plan: Plan, premiumPrice?: number): number {
  return PLANS[plan].priceCents + (premiumPrice ? Math.round(premiumPrice * 100) : 0);
}

/** The site and registrant an order was validated with (stored as JSON on its row). */
export const siteOf = (o: Pick<ConciergeOrder, 'site'>) => o.site as SiteSpec;
export const registrantOf = (o: Pick<ConciergeOrder, 'registrant'>) => o.registrant as Registrant;
