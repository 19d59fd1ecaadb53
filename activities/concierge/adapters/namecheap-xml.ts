/**
 * Namecheap's XML API documents, parsed (fast-xml-parser) and mapped to plain values; errors are
 * sorted into refusals (the registrar said no: retrying cannot help) and transient failures.
 */
import { XMLParser } from 'fast-xml-parser';
import { textOf } from '../../../core/text-of.js';

export interface NamecheapError {
  number: number;
  message: string;
}

export interface NamecheapResponse {
  ok: boolean;
  errors: NamecheapError[];
  command: string;
  /** The `CommandResponse` element (attributes as `@_Name`). */
  body: Record<string, unknown>;
}

const ARRAYS = new Set([
  'ApiResponse.Errors.Error',
  'ApiResponse.CommandResponse.DomainCheckResult',
  'ApiResponse.CommandResponse.DomainGetListResult.Domain',
  'ApiResponse.CommandResponse.DomainGetInfoResult.DnsDetails.Nameserver',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

export function parseNamecheap(xml: string): NamecheapResponse {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`Namecheap answered malformed XML: ${(err as Error).message}`);
  }
  const api = doc.ApiResponse as Record<string, unknown> | undefined;
  if (!api || typeof api !== 'object') throw new Error(`Namecheap answered something other than an ApiResponse: ${xml.slice(0, 120)}`);
  const errorsNode = api.Errors as { Error?: Array<string | { '#text'?: string; '@_Number'?: string }> } | string | undefined;
  const errors = (typeof errorsNode === 'object' && errorsNode?.Error ? errorsNode.Error : []).map((e) =>
    typeof e === 'string' ? { number: 0, message: e } : { number: Number(e['@_Number'] ?? 0), message: String(e['#text'] ?? '') },
  );
  return {
    ok: api['@_Status'] === 'OK',
    errors,
    command: textOf(api.RequestedCommand ?? ''),
    body: typeof api.CommandResponse === 'object' && api.CommandResponse ? (api.CommandResponse as Record<string, unknown>) : {},
  };
}

/** Provider-side and unknown errors Namecheap documents as temporary; everything else is a refusal. */
const TRANSIENT = new Set([3031166, 3028166, 3031900, 3031510, 3050900, 4026312, 5026900, 5050900]);

export function isTransient(err: NamecheapError): boolean {
  return TRANSIENT.has(err.number);
}

/** 3019166 / 4019166: the name is not available (taken, or ours already). */
export function isNotAvailable(err: NamecheapError): boolean {
  return err.number === 3019166 || err.number === 4019166;
}

const bool = (v: unknown) => String(v).toLowerCase() === 'true';
const num = (v: unknown) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

export function checkResults(body: Record<string, unknown>) {
  const rows = (body.DomainCheckResult as Array<Record<string, string>> | undefined) ?? [];
  return rows.map((r) => {
    const premium = bool(r['@_IsPremiumName']);
    const price = num(r['@_PremiumRegistrationPrice']);
    return {
      domain: String(r['@_Domain']).toLowerCase(),
      available: bool(r['@_Available']),
      premium,
      ...(premium ? { premiumPrice: price } : {}),
      errorNo: num(r['@_ErrorNo']),
      description: String(r['@_Description'] ?? ''),
    };
  });
}

export function createResult(body: Record<string, unknown>) {
  const r = body.DomainCreateResult as Record<string, string> | undefined;
  if (!r) throw new Error('Namecheap domains.create answered without a DomainCreateResult');
  return {
    domain: String(r['@_Domain']).toLowerCase(),
    registered: bool(r['@_Registered']),
    chargedAmount: num(r['@_ChargedAmount']),
    orderId: String(r['@_OrderID'] ?? ''),
  };
}

export function listedDomains(body: Record<string, unknown>): string[] {
  const list = body.DomainGetListResult as { Domain?: Array<Record<string, string>> } | string | undefined;
  if (!list || typeof list !== 'object') return [];
  return (list.Domain ?? []).map((d) => String(d['@_Name']).toLowerCase());
}

export function infoNameservers(body: Record<string, unknown>): string[] {
  const info = body.DomainGetInfoResult as { DnsDetails?: { Nameserver?: unknown[] } } | undefined;
  return (info?.DnsDetails?.Nameserver ?? []).map((n) => String(typeof n === 'object' && n ? (n as { '#text'?: string })['#text'] : n).toLowerCase());
}
