/**
 * HubSpot -> Sage quotes, the pure part: the agency's rule for when a deal created in HubSpot
 * becomes a Sage quote (`SYNC_SAGE_QUOTE_RULE`: default `dealstage=contractsent`, which also takes
 * `closedwon`; or a property such as `sync_to_sage=true`; `off`), and the Sage `sales_quote` body
 * made from the deal and its customer, or what Sage requires that is missing (then the creation
 * is held for a person). HubSpot's `amount` is the quote's total including tax (the quote mapping
 * writes Sage's `total_amount` to it), so the single quote line is the amount net of the tax rate.
 */
import type { HubSpotRecord } from './hubspot-port.js';
import { TRANSFORMS, QUOTE_STAGES } from './mapping/transforms.js';
import { parseRule, type CreateRule } from './sage-create-plan.js';

/** Deal stages from "contract sent" on (a won deal still qualifies; a lost one does not). */
const SENT_STAGES = ['contractsent', 'closedwon'];

export const parseQuoteRule = (s: string): CreateRule | null => parseRule(s, { 'dealstage=contractsent': SENT_STAGES });

/** The Sage reference of a quote made from a deal: a retry finds it instead of creating a second one. */
export const quoteReference = (dealId: string) => `HS-DEAL-${dealId}`;
/** The key a held quote creation is logged under in `sync_conflicts` (no Sage id yet). */
export const pendingQuoteKey = (dealId: string) => `hubspot-deal:${dealId}`;

/** The Sage quote status whose deal stage is this one (DRAFT when the stage maps to none). */
export function statusForStage(stage: string | null | undefined): string {
  const hit = Object.entries(QUOTE_STAGES).find(([, s]) => s === stage);
  return hit ? hit[0] : 'DRAFT';
}

export interface QuoteTaxRate {
  id: string;
  /** Percent, e.g. 20. */
  rate: number;
}

/**
 * The `sales_quote` write body for a deal of this customer (null when unknown), and the missing
 * required data: `customer` (no company linked to a Sage customer), `amount` (none, or not a
 * positive number), `dealname`.
 */
export function sageQuoteFields(
  deal: HubSpotRecord,
  customerSageId: string | null,
  tax: QuoteTaxRate,
  today: string,
): { fields: Record<string, unknown>; missing: string[] } {
  const p = deal.properties;
  const missing: string[] = [];
  if (!customerSageId) missing.push('customer');
  const total = Number(p.amount);
  if (!p.amount || !Number.isFinite(total) || total <= 0) missing.push('amount');
  const name = typeof p.dealname === 'string' && p.dealname.trim() ? p.dealname.trim() : null;
  if (!name) missing.push('dealname');
  if (missing.length) return { fields: {}, missing };
  const net = Math.round((total / (1 + tax.rate / 100)) * 100) / 100;
  const expiry = TRANSFORMS.date.canon(p.closedate, 'hubspot');
  const fields: Record<string, unknown> = {
    contact_id: customerSageId,
    reference: quoteReference(deal.id),
    date: today,
    ...(expiry && expiry >= today ? { expiry_date: expiry } : {}),
    status_id: statusForStage(p.dealstage),
    quote_lines: [{ description: name, quantity: 1, unit_price: net, tax_rate_id: tax.id }],
    ...(p.description ? { notes: p.description } : {}),
  };
  return { fields, missing };
}
