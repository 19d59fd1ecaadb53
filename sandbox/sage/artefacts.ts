/** The Sage fake's quotes and invoices: lines, tax rates and totals, the validation of a write and their v3.1 representation. */
import { textOf } from '../../core/text-of.js';
import type { StoredArtefact, StoredContact } from './stored.js';
import { link, money, DATE, invalid, str, obj, sageTime, newSageId, type SageRecord, type Lookup } from './resources.js';

export const TAX_RATES: Record<string, { rate: number; name: string }> = {
  FR_STANDARD: { rate: 20, name: 'Normal 20,00%' },
  FR_INTERMEDIATE: { rate: 10, name: 'Intermédiaire 10,00%' },
  FR_REDUCED: { rate: 5.5, name: 'Réduit 5,50%' },
  FR_ZERO: { rate: 0, name: 'Exonéré 0,00%' },
};
export const QUOTE_STATUSES = ['DRAFT', 'PENDING', 'SENT', 'ACCEPTED', 'DECLINED', 'INVOICED'] as const;
export const INVOICE_STATUSES = ['DRAFT', 'UNPAID', 'PART_PAID', 'PAID', 'VOID'] as const;

function applyLines(raw: unknown, source: string): Array<Record<string, unknown>> {
  if (!Array.isArray(raw) || raw.length === 0) throw invalid(source, 'must contain at least one line');
  return raw.map((l, i) => {
    const line = obj(l, `${source}[${i}]`);
    const quantity = Number(line.quantity ?? 1);
    const unitPrice = Number(line.unit_price);
    if (!Number.isFinite(quantity) || quantity <= 0) throw invalid(`${source}[${i}].quantity`, 'must be greater than 0');
    if (!Number.isFinite(unitPrice)) throw invalid(`${source}[${i}].unit_price`, 'is not a number');
    const taxRateId = (line.tax_rate_id as string | undefined) ?? 'FR_STANDARD';
    if (!TAX_RATES[taxRateId]) throw invalid(`${source}[${i}].tax_rate_id`, `${taxRateId} is not a valid tax rate`);
    const description = str(line.description, `${source}[${i}].description`, 1000);
    if (!description) throw invalid(`${source}[${i}].description`, "can't be blank");
    return { id: newSageId(), description, quantity, unit_price: unitPrice, tax_rate_id: taxRateId };
  });
}

function totals(lines: Array<Record<string, unknown>>) {
  let net = 0;
  let tax = 0;
  const out = lines.map((l) => {
    const n = Math.round((l.quantity as number) * (l.unit_price as number) * 100) / 100;
    const t = Math.round(n * TAX_RATES[l.tax_rate_id as string]!.rate) / 100;
    net += n;
    tax += t;
    return {
      id: l.id,
      displayed_as: l.description,
      description: l.description,
      quantity: String(l.quantity),
      unit_price: money(l.unit_price as number),
      net_amount: money(n),
      tax_rate: link(l.tax_rate_id as string, TAX_RATES[l.tax_rate_id as string]!.name, `/tax_rates/${l.tax_rate_id}`),
      tax_amount: money(t),
      total_amount: money(n + t),
    };
  });
  return { lines: out, net: money(net), tax: money(tax), total: money(net + tax), totalNumber: Math.round((net + tax) * 100) / 100 };
}

export function applyArtefact(
  resource: 'sales_quotes' | 'sales_invoices',
  input: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  lookup: Lookup,
): Record<string, unknown> {
  const d: Record<string, unknown> = structuredClone(existing ?? {});
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  const linesKey = resource === 'sales_quotes' ? 'quote_lines' : 'invoice_lines';
  const dueKey = resource === 'sales_quotes' ? 'expiry_date' : 'due_date';
  if (has('contact_id') || !existing) {
    const c = lookup.contact(textOf(input.contact_id ?? ''));
    if (!c || c.deletedAt !== undefined) throw invalid('contact_id', 'is not a valid contact');
    if (!(c.data.contact_type_ids as string[]).includes('CUSTOMER')) throw invalid('contact_id', 'must be a customer');
    d.contact_id = c.id;
  }
  for (const k of ['date', dueKey]) {
    if (has(k) || (!existing && k === 'date')) {
      const v = input[k] ?? (k === 'date' ? new Date().toISOString().slice(0, 10) : null);
      if (v !== null && (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v)))) throw invalid(k, 'is not a valid date');
      d[k] = v;
    }
  }
  for (const k of ['reference', 'notes'] as const) if (has(k)) d[k] = str(input[k], k, 1000);
  if (has('currency_id') || !existing) {
    const c = (input.currency_id as string | undefined) ?? 'EUR';
    if (!/^[A-Z]{3}$/.test(c)) throw invalid('currency_id', 'is not a valid currency');
    d.currency_id = c;
  }
  if (has(linesKey) || !existing) d.lines = applyLines(input[linesKey], linesKey);
  const statuses: readonly string[] = resource === 'sales_quotes' ? QUOTE_STATUSES : INVOICE_STATUSES;
  if (has('status_id') || !existing) {
    const s = (input.status_id as string | undefined) ?? (resource === 'sales_quotes' ? 'DRAFT' : 'UNPAID');
    if (!statuses.includes(s)) throw invalid('status_id', `${s} is not a valid status`);
    d.status_id = s;
  }
  if (!existing) d.number = lookup.nextNumber(resource);
  const t = totals(d.lines as Array<Record<string, unknown>>);
  if (resource === 'sales_invoices') {
    if (has('outstanding_amount')) {
      const o = Number(input.outstanding_amount);
      if (!Number.isFinite(o) || o < 0) throw invalid('outstanding_amount', 'is not a valid amount');
      d.outstanding = o;
    } else if (!existing || has(linesKey)) d.outstanding = d.status_id === 'PAID' || d.status_id === 'VOID' ? 0 : t.totalNumber;
  }
  return d;
}

export function artefactWire(r: SageRecord, contact: SageRecord | undefined): Record<string, unknown> {
  const d = r.data as StoredArtefact;
  const quote = r.resource === 'sales_quotes';
  const number = `${quote ? 'SQ' : 'SI'}-${d.number}`;
  const t = totals(d.lines);
  const statuses: Record<string, string> = {
    DRAFT: 'Draft',
    PENDING: 'Pending',
    SENT: 'Sent',
    ACCEPTED: 'Accepted',
    DECLINED: 'Declined',
    INVOICED: 'Invoiced',
    UNPAID: 'Unpaid',
    PART_PAID: 'Part Paid',
    PAID: 'Paid',
    VOID: 'Void',
  };
  const c = contact?.data as StoredContact | undefined;
  return {
    id: r.id,
    displayed_as: number,
    $path: `/${r.resource}/${r.id}`,
    created_at: sageTime(r.createdAt),
    updated_at: sageTime(r.updatedAt),
    [quote ? 'quote_number' : 'invoice_number']: number,
    contact: link(d.contact_id, c ? `${c.name} (${c.reference})` : d.contact_id, `/contacts/${d.contact_id}`),
    contact_name: c?.name ?? null,
    contact_reference: c?.reference ?? null,
    date: d.date,
    [quote ? 'expiry_date' : 'due_date']: d[quote ? 'expiry_date' : 'due_date'] ?? null,
    reference: d.reference ?? null,
    notes: d.notes ?? null,
    status: link(d.status_id, statuses[d.status_id] ?? d.status_id, `/artefact_statuses/${d.status_id}`),
    currency: link(d.currency_id, d.currency_id, `/currencies/${d.currency_id}`),
    net_amount: t.net,
    tax_amount: t.tax,
    total_amount: t.total,
    ...(quote ? {} : { outstanding_amount: money(d.outstanding ?? 0) }),
    [quote ? 'quote_lines' : 'invoice_lines']: t.lines,
    ...(r.deletedAt !== undefined ? { deleted_at: sageTime(r.deletedAt) } : {}),
  };
}
