/**
 * The Sage fake's resources (contacts, sales_quotes, sales_invoices, contact_persons) in Sage
 * Business Cloud Accounting v3.1's shape: links as `{id, displayed_as, $path}`, `*_id` fields on
 * writes, decimal amounts as strings, timestamps to the second, errors as
 * `[{$severity, $dataCode, $message, $source}]`. What every resource shares; each resource's rules
 * and representation are in contacts.ts, artefacts.ts (quotes and invoices) and contact-persons.ts.
 */
import { randomBytes } from 'node:crypto';

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

export const sageTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const newSageId = () => randomBytes(16).toString('hex');
export const link = (id: string, displayed: string, path: string) => ({ id, displayed_as: displayed, $path: path });
export const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function invalid(source: string, message: string): SageError {
  return SageError.one(422, 'RecordInvalid', message, source);
}

export function str(v: unknown, source: string, max = 255): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw invalid(source, 'must be a string');
  if (v.length > max) throw invalid(source, `is too long (maximum is ${max} characters)`);
  return v;
}

export function obj(v: unknown, source: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(source, 'must be an object');
  return v as Record<string, unknown>;
}

export interface Lookup {
  contact(id: string): SageRecord | undefined;
  referenceTaken(reference: string, exceptId?: string): boolean;
  nextNumber(resource: SageResource): number;
}
