/**
 * The Sage fake's resources (contacts, sales_quotes, sales_invoices) in Sage Business Cloud
 * Accounting v3.1's shape: links as `{id, displayed_as, $path}`, `*_id` fields on writes, decimal
 * amounts as strings, timestamps to the second, errors as `[{$severity, $dataCode, $message, $source}]`.
 */
import { randomBytes } from 'node:crypto';
import { textOf } from '../../core/text-of.js';
import type { StoredArtefact, StoredContact } from './stored.js';

export type SageResource = 'contacts' | 'sales_quotes' | 'sales_invoices' | 'contact_persons';
export const SAGE_RESOURCES: readonly SageResource[] = ['contacts', 'sales_quotes', 'sales_invoices', 'contact_persons'];
/** The key a write body wraps its fields in: `{"contact": {...}}`. */
export const BODY_KEY: Record<SageResource, string> = {
  contacts: 'contact',
  sales_quotes: 'sales_quote',
  sales_invoices: 'sales_invoice',
  contact_persons: 'contact_person',
};

export interface SageErrorItem {
  $severity: 'error';
  $dataCode: string;
  $message: string;
  $source: string;
}

export class SageError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly items: SageErrorItem[],
  ) {
    super(items.map((i) => `${i.$source ? `${i.$source}: ` : ''}${i.$message}`).join('; '));
  }
  static one(status: number, dataCode: string, message: string, source = ''): SageError {
    return new SageError(status, [{ $severity: 'error', $dataCode: dataCode, $message: message, $source: source }]);
  }
}

export interface SageRecord {
  id: string;
  seq: number;
  resource: SageResource;
  createdAt: number;
  updatedAt: number;
  deletedAt?: number;
  data: Record<string, unknown>;
}

export const TAX_RATES: Record<string, { rate: number; name: string }> = {
  FR_STANDARD: { rate: 20, name: 'Normal 20,00%' },
  FR_INTERMEDIATE: { rate: 10, name: 'Intermédiaire 10,00%' },
  FR_REDUCED: { rate: 5.5, name: 'Réduit 5,50%' },
  FR_ZERO: { rate: 0, name: 'Exonéré 0,00%' },
};
export const QUOTE_STATUSES = ['DRAFT', 'PENDING', 'SENT', 'ACCEPTED', 'DECLINED', 'INVOICED'] as const;
export const INVOICE_STATUSES = ['DRAFT', 'UNPAID', 'PART_PAID', 'PAID', 'VOID'] as const;

export const sageTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const newSageId = () => randomBytes(16).toString('hex');
const link = (id: string, displayed: string, path: string) => ({ id, displayed_as: displayed, $path: path });
const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(source: string, message: string): SageError {
  return SageError.one(422, 'RecordInvalid', message, source);
}

function str(v: unknown, source: string, max = 255): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw invalid(source, 'must be a string');
  if (v.length > max) throw invalid(source, `is too long (maximum is ${max} characters)`);
  return v;
}

function obj(v: unknown, source: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(source, 'must be an object');
  return v as Record<string, unknown>;
}

export interface Lookup {
  contact(id: string): SageRecord | undefined;
  referenceTaken(reference: string, exceptId?: string): boolean;
  nextNumber(resource: SageResource): number;
}

// ---- contacts ---------------------------------------------------------------------------------

export function applyContact(
  input: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  selfId: string | undefined,
  lookup: Lookup,
): Record<string, unknown> {
  const d: Record<string, unknown> = structuredClone(existing ?? { contact_type_ids: [], main_address: {}, main_contact_person: {} });
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  if (has('name') || !existing) {
    const name = str(input.name, 'name', 200);
    if (!name) throw invalid('name', "can't be blank");
    d.name = name;
  }
  if (has('contact_type_ids') || !existing) {
    const ids = input.contact_type_ids;
    if (!Array.isArray(ids) || ids.length === 0) throw invalid('contact_type_ids', "can't be blank");
    for (const t of ids) if (t !== 'CUSTOMER' && t !== 'VENDOR') throw invalid('contact_type_ids', `${String(t)} is not a valid contact type`);
    d.contact_type_ids = [...new Set(ids as string[])];
  }
  if (has('reference') || !existing) {
    const ref = str(input.reference, 'reference', 50) ?? (existing ? null : `CUST${String(lookup.nextNumber('contacts')).padStart(5, '0')}`);
    if (ref && lookup.referenceTaken(ref, selfId)) throw invalid('reference', 'has already been taken');
    d.reference = ref;
  }
  for (const k of ['tax_number', 'notes', 'locale'] as const) if (has(k)) d[k] = str(input[k], k, 1000);
  if (has('currency_id')) {
    const c = str(input.currency_id, 'currency_id', 3);
    if (c !== null && !/^[A-Z]{3}$/.test(c)) throw invalid('currency_id', 'is not a valid currency');
    d.currency_id = c;
  }
  if (has('main_address')) {
    const a = obj(input.main_address, 'main_address');
    const cur = d.main_address as Record<string, unknown>;
    for (const k of ['address_line_1', 'address_line_2', 'city', 'postal_code', 'region'] as const) if (k in a) cur[k] = str(a[k], `main_address.${k}`);
    if ('country_id' in a) {
      const c = str(a.country_id, 'main_address.country_id', 2);
      if (c !== null && !/^[A-Z]{2}$/.test(c)) throw invalid('main_address.country_id', 'is not a valid country');
      cur.country_id = c;
    }
  }
  const person = d.main_contact_person as Record<string, unknown>;
  const p = has('main_contact_person') ? obj(input.main_contact_person, 'main_contact_person') : {};
  for (const k of ['name', 'telephone', 'mobile'] as const) if (k in p) person[k] = str(p[k], `main_contact_person.${k}`);
  // `email` and `telephone` at the top level are accepted as shorthands for the main contact person.
  const email = 'email' in p ? p.email : has('email') ? input.email : undefined;
  if (email !== undefined) {
    const e = str(email, 'main_contact_person.email');
    if (e !== null && !EMAIL.test(e)) throw invalid('main_contact_person.email', 'is not a valid email address');
    person.email = e;
  }
  if (has('telephone') && !('telephone' in p)) person.telephone = str(input.telephone, 'telephone');
  if (has('mobile') && !('mobile' in p)) person.mobile = str(input.mobile, 'mobile');
  if (has('website')) d.website = str(input.website, 'website');
  if (has('credit_limit')) {
    const v = input.credit_limit;
    const n = v === null || v === '' ? null : Number(v);
    if (n !== null && (!Number.isFinite(n) || n < 0)) throw invalid('credit_limit', 'must be a positive amount');
    d.credit_limit = n;
  }
  if (has('credit_days')) {
    const n = input.credit_days === null ? null : Number(input.credit_days);
    if (n !== null && (!Number.isInteger(n) || n < 0 || n > 365)) throw invalid('credit_days', 'must be between 0 and 365');
    d.credit_days = n;
  }
  return d;
}

export function contactWire(r: SageRecord): Record<string, unknown> {
  const d = r.data as StoredContact;
  const country = d.main_address?.country_id;
  const types = d.contact_type_ids.map((t) => link(t, t === 'CUSTOMER' ? 'Customer' : 'Supplier', `/contact_types/${t}`));
  return {
    id: r.id,
    displayed_as: d.reference ? `${d.name} (${d.reference})` : d.name,
    $path: `/contacts/${r.id}`,
    created_at: sageTime(r.createdAt),
    updated_at: sageTime(r.updatedAt),
    contact_types: types,
    name: d.name,
    reference: d.reference ?? null,
    tax_number: d.tax_number ?? null,
    notes: d.notes ?? null,
    locale: d.locale ?? 'fr',
    email: d.main_contact_person?.email ?? null,
    telephone: d.main_contact_person?.telephone ?? null,
    mobile: d.main_contact_person?.mobile ?? null,
    website: d.website ?? null,
    credit_limit: d.credit_limit === undefined || d.credit_limit === null ? null : money(d.credit_limit),
    credit_days: d.credit_days ?? null,
    main_address: {
      ...(d.main_address?.id ? { id: d.main_address.id, $path: `/addresses/${d.main_address.id}` } : {}),
      address_line_1: d.main_address?.address_line_1 ?? null,
      address_line_2: d.main_address?.address_line_2 ?? null,
      city: d.main_address?.city ?? null,
      postal_code: d.main_address?.postal_code ?? null,
      region: d.main_address?.region ?? null,
      country: country ? link(country, country, `/countries/${country}`) : null,
    },
    main_contact_person: {
      ...(d.main_contact_person?.id ? { id: d.main_contact_person.id } : {}),
      name: d.main_contact_person?.name ?? null,
      email: d.main_contact_person?.email ?? null,
      telephone: d.main_contact_person?.telephone ?? null,
      mobile: d.main_contact_person?.mobile ?? null,
    },
    currency: link(d.currency_id ?? 'EUR', d.currency_id ?? 'EUR', `/currencies/${d.currency_id ?? 'EUR'}`),
    ...(r.deletedAt !== undefined ? { deleted_at: sageTime(r.deletedAt) } : {}),
  };
}

// ---- quotes and invoices ----------------------------------------------------------------------

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
