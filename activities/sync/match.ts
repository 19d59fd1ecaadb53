/**
 * Matching before creating: a Sage customer with no HubSpot company yet is looked for among the
 * HubSpot companies that carry no `sage_id` (made by a person, imported, or by HubSpot's own
 * sync), by VAT number, then web domain, then normalised name + postal code. The first rule that
 * finds anything decides: one candidate is adopted (it gets the `sage_id`), several are held for a
 * person with the candidates. A candidate two Sage customers both match is held for both.
 * Pure: the gateway's search brings the candidates, the planner acts on the result.
 */
import { normalizeName } from './duplicates.js';

export interface MatchKeys {
  sageId: string;
  vatNumber: string | null;
  domain: string | null;
  name: string | null;
  postcode: string | null;
}

export interface CandidateCompany {
  id: string;
  properties: Record<string, string | null>;
}

/** `sage_id`: the object already carries this record's id (written by a run that stopped before its id map). */
export type MatchRule = 'sage_id' | 'vat' | 'domain' | 'name+postcode' | 'reference';
export type MatchResult = { kind: 'unique'; id: string; rule: MatchRule } | { kind: 'ambiguous'; ids: string[]; rule: MatchRule };

export const normalizeVat = (v: string | null | undefined): string | null => v?.toUpperCase().replace(/[^A-Z0-9]/g, '') || null;

/** "https://www.Dupont.fr/contact" -> "dupont.fr". */
export function normalizeDomain(v: string | null | undefined): string | null {
  if (!v) return null;
  const host = v
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

export const normalizePostcode = (v: string | null | undefined): string | null => v?.toUpperCase().replace(/\s+/g, '') || null;

const nameKey = (name: string | null | undefined, postcode: string | null | undefined): string | null => {
  const n = name ? normalizeName(name) : '';
  const p = normalizePostcode(postcode);
  return n && p ? `${n}|${p}` : null;
};

/** The values the candidate search filters on (lower case, as HubSpot's IN operator wants for strings). */
export function searchKeys(customers: readonly MatchKeys[]): { vats: string[]; domains: string[]; postcodes: string[] } {
  const uniq = (xs: Array<string | null>) => [...new Set(xs.filter((x): x is string => !!x).map((x) => x.toLowerCase()))];
  return {
    vats: uniq(customers.map((c) => normalizeVat(c.vatNumber))),
    domains: uniq(customers.map((c) => normalizeDomain(c.domain))),
    postcodes: uniq(customers.filter((c) => nameKey(c.name, c.postcode)).map((c) => normalizePostcode(c.postcode))),
  };
}

export function matchCompanies(customers: readonly MatchKeys[], candidates: readonly CandidateCompany[]): Map<string, MatchResult> {
  const index = (keyOf: (c: CandidateCompany) => string | null) => {
    const m = new Map<string, string[]>();
    for (const c of candidates) {
      const k = keyOf(c);
      if (k) m.set(k, [...(m.get(k) ?? []), c.id]);
    }
    return m;
  };
  const rules: Array<{ rule: MatchRule; index: Map<string, string[]>; key: (c: MatchKeys) => string | null }> = [
    { rule: 'vat', index: index((c) => normalizeVat(c.properties.vat_number)), key: (c) => normalizeVat(c.vatNumber) },
    { rule: 'domain', index: index((c) => normalizeDomain(c.properties.domain)), key: (c) => normalizeDomain(c.domain) },
    { rule: 'name+postcode', index: index((c) => nameKey(c.properties.name, c.properties.zip)), key: (c) => nameKey(c.name, c.postcode) },
  ];
  const out = new Map<string, MatchResult>();
  for (const c of customers) {
    for (const r of rules) {
      const k = r.key(c);
      const ids = k ? r.index.get(k) : undefined;
      if (!ids?.length) continue;
      out.set(c.sageId, ids.length === 1 ? { kind: 'unique', id: ids[0]!, rule: r.rule } : { kind: 'ambiguous', ids: [...ids].sort(), rule: r.rule });
      break;
    }
  }
  // One HubSpot company claimed by two Sage customers: neither takes it silently.
  const claims = new Map<string, string[]>();
  for (const [sageId, r] of out) if (r.kind === 'unique') claims.set(r.id, [...(claims.get(r.id) ?? []), sageId]);
  for (const [id, sageIds] of claims) {
    if (sageIds.length < 2) continue;
    for (const s of sageIds) out.set(s, { kind: 'ambiguous', ids: [id], rule: (out.get(s) as { rule: MatchRule }).rule });
  }
  return out;
}
