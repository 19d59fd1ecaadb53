/**
 * Pure helpers between Sage v3.1's wire format and the port: records -> SourceRecord, read-shaped
 * patches -> write bodies (`{contact: {..., currency_id}}`), the opaque page token, error bodies.
 */
import type { SourceRecord } from '../source.js';
import type { SageEntity } from './port.js';

export const RESOURCE: Record<SageEntity, string> = { customers: 'contacts', quotes: 'sales_quotes', invoices: 'sales_invoices' };
export const BODY_KEY: Record<SageEntity, string> = { customers: 'contact', quotes: 'sales_quote', invoices: 'sales_invoice' };
const LINES_KEY: Partial<Record<SageEntity, string>> = { quotes: 'quote_lines', invoices: 'invoice_lines' };

/** Links Sage returns as `{id, displayed_as, $path}` but takes as `<name>_id` on writes. */
const LINKS = new Set(['country', 'currency', 'status', 'contact', 'tax_rate', 'delivery_performance', 'ledger_account']);
/** Read-only attributes a write must not echo back. */
const READ_ONLY = new Set([
  'id',
  'displayed_as',
  '$path',
  'created_at',
  'updated_at',
  'deleted_at',
  'contact_types',
  'quote_number',
  'invoice_number',
  'contact_name',
  'contact_reference',
  'net_amount',
  'tax_amount',
  'total_amount',
  'outstanding_amount',
  'balance',
]);

export function toSourceRecord(item: Record<string, unknown>): SourceRecord {
  const updated = typeof item.updated_at === 'string' ? new Date(item.updated_at) : null;
  return { id: String(item.id), updatedAt: updated && !Number.isNaN(updated.getTime()) ? updated : null, data: item };
}

/** Converts a read-shaped patch into the body Sage's PUT/POST takes. */
export function toWriteBody(entity: SageEntity, patch: Record<string, unknown>): Record<string, unknown> {
  return { [BODY_KEY[entity]]: writeFields(patch, entity) };
}

function writeFields(patch: Record<string, unknown>, entity?: SageEntity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (READ_ONLY.has(k) || k.startsWith('$')) continue;
    if (LINKS.has(k)) {
      out[`${k}_id`] = v !== null && typeof v === 'object' ? ((v as { id?: unknown }).id ?? null) : v;
      continue;
    }
    if (entity && k === LINES_KEY[entity] && Array.isArray(v)) {
      out[k] = v.map((line) => (line && typeof line === 'object' ? writeFields(line as Record<string, unknown>) : line));
      continue;
    }
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? writeFields(v as Record<string, unknown>) : v;
  }
  return out;
}

/** The opaque position of a listing: page number, the total seen on page 1, when it began. */
export interface PageToken {
  /** Next page to fetch. */
  p: number;
  /** $total on the first page: a smaller total later means rows vanished and pages shifted. */
  t: number;
  /** Sage's clock (ms) when the listing began. */
  s: number;
  /** Restarts so far (bounded). */
  r: number;
}

export function encodePageToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodePageToken(s: string): PageToken {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new Error('malformed Sage page token');
  }
  const t = v as Partial<PageToken>;
  if (![t.p, t.t, t.s, t.r].every((x) => typeof x === 'number' && Number.isFinite(x)) || t.p! < 1) throw new Error('malformed Sage page token');
  return t as PageToken;
}

/** Sage's `Date` header in ms, or the local clock when absent or unreadable. */
export function serverTime(dateHeader: string | null, fallback: number): number {
  const t = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isNaN(t) ? fallback : t;
}

/** Margin taken off the listing's start time for the next cursor (Date has a 1 s resolution). */
export const CURSOR_MARGIN_MS = 2_000;

export function cursorFrom(startMs: number): string {
  return new Date(startMs - CURSOR_MARGIN_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Sage's timestamps are to the second: `2026-11-21T08:00:00Z`. */
export function sageSince(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Sage answers errors as `[{$severity, $dataCode, $message, $source}]`; OAuth as `{error, error_description}`. */
export function describeSageError(body: unknown): { code: string; message: string } {
  if (Array.isArray(body) && body.length > 0) {
    const items = body as Array<{ $dataCode?: string; $message?: string; $source?: string }>;
    return {
      code: items[0]!.$dataCode ?? 'Error',
      message: items.map((i) => `${i.$source ? `${i.$source}: ` : ''}${i.$message ?? i.$dataCode ?? 'error'}`).join('; '),
    };
  }
  if (body && typeof body === 'object' && 'error' in body) {
    const b = body as { error: string; error_description?: string };
    return { code: b.error, message: b.error_description ?? b.error };
  }
  return { code: 'Error', message: typeof body === 'string' ? body.slice(0, 300) : 'unexpected error body' };
}
