/**
 * HubSpot -> Sage creation, the pure part: the agency's rule for when a HubSpot company becomes a
 * Sage customer (`SYNC_SAGE_CREATE_RULE`), the Sage fields made from the company and its primary
 * contact, and what Sage requires that is missing (then the creation is held for a person).
 */
import type { HubSpotRecord } from './hubspot-port.js';
import { fromHubSpot, toSage, type CanonRecord } from './mapping/project.js';
import type { EntityMapping } from './mapping/types.js';

export interface CreateRule {
  property: string;
  /** Values that qualify (lower case). */
  values: string[];
}

/** HubSpot's lifecycle stages from "customer" on (a company past it is still a customer); "other" is not. */
const CUSTOMER_STAGES = ['customer', 'evangelist'];

/**
 * `property=value` or `off` (null: nothing is created); `reaching` names the values that stand for
 * a stage and every later one (`lifecyclestage=customer` also takes `evangelist`).
 */
export function parseRule(s: string, reaching: Record<string, readonly string[]> = {}): CreateRule | null {
  if (s === 'off') return null;
  const [property, value] = s.split('=') as [string, string];
  const v = value.toLowerCase();
  return { property, values: [...(reaching[`${property}=${v}`] ?? [v])] };
}

/** `lifecyclestage=customer` (the default), `sync_to_sage=true`, or `off` (null: nothing is created). */
export const parseCreateRule = (s: string): CreateRule | null => parseRule(s, { 'lifecyclestage=customer': CUSTOMER_STAGES });

export function qualifies(rule: CreateRule, props: Record<string, string | null>): boolean {
  const v = props[rule.property];
  return typeof v === 'string' && rule.values.includes(v.trim().toLowerCase());
}

/** The Sage reference a customer created from a HubSpot company carries: Sage keeps it unique, so a retry finds it. */
export const sageReference = (companyId: string) => `HS-${companyId}`;
/** The key a held creation is logged under in `sync_conflicts` (the record has no Sage id yet). */
export const pendingKey = (companyId: string) => `hubspot:${companyId}`;
/** The field name of a held creation. */
export const CREATE_FIELD = '__create__';

/** HubSpot's primary company -> contact association type (the company's main contact). */
export const PRIMARY_COMPANY_TO_CONTACT = 2;

export function primaryContactId(assoc: ReadonlyArray<{ id: string; typeIds: number[] }> | undefined): string | undefined {
  if (!assoc?.length) return undefined;
  return (assoc.find((a) => a.typeIds.includes(PRIMARY_COMPANY_TO_CONTACT)) ?? assoc[0])!.id;
}

/**
 * The Sage customer fields (read shape, as `upsertCustomer` takes them) from a company and its
 * contact, and the required canonical fields that are empty (`name` always).
 */
export function sageCustomerFields(
  m: EntityMapping,
  company: HubSpotRecord,
  contact: HubSpotRecord | undefined,
  required: readonly string[],
): { fields: Record<string, unknown>; canon: CanonRecord; missing: string[] } {
  const canon = fromHubSpot(m, { [m.primary]: company.properties, ...(contact && m.secondary ? { [m.secondary]: contact.properties } : {}) });
  const values: CanonRecord = {};
  for (const [k, v] of Object.entries(canon)) if (v !== null && v !== '' && k !== 'reference') values[k] = v;
  const missing = [...new Set(['name', ...required])].filter((f) => values[f] === undefined);
  return { fields: toSage(m, values), canon, missing };
}
