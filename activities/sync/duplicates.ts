/**
 * Duplicate detection. HubSpot demands unique contact emails and Sage does not, so several Sage
 * customers can share one email: the first (lowest Sage id, or the one already mapped) keeps the
 * HubSpot contact and the others' companies are associated with it, never a second contact.
 * Same VAT number or same normalized name are reported for a person to merge in Sage.
 */
import type { DuplicateGroup, DuplicateRule } from '../../core/contracts/sync.js';

export interface CustomerKeys {
  sageId: string;
  email: string | null;
  vatNumber: string | null;
  name: string | null;
}

const LEGAL_FORMS = /\b(sarl|sas|sasu|sa|eurl|sci|snc|scop|ei|selarl|ltd|llc|gmbh|inc|bv|nv|srl|spa|cie|et)\b/g;

/** Lower case, no accents, no legal form, no punctuation: "Boulangerie Dupont S.A.R.L." -> "boulangerie dupont". */
export function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' et ')
    .replace(/[.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(LEGAL_FORMS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const bySageId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups of customers sharing an email, a VAT number or a normalized name. `emailOwners` names,
 * per email, the Sage id already holding the HubSpot contact (from the id map).
 */
export function findDuplicates(customers: readonly CustomerKeys[], emailOwners: ReadonlyMap<string, string> = new Map()): DuplicateGroup[] {
  const groups: DuplicateGroup[] = [];
  const collect = (rule: DuplicateRule, keyOf: (c: CustomerKeys) => string | null) => {
    const byKey = new Map<string, Set<string>>();
    for (const c of customers) {
      const k = keyOf(c);
      if (!k) continue;
      let set = byKey.get(k);
      if (!set) byKey.set(k, (set = new Set()));
      set.add(c.sageId);
    }
    for (const [key, set] of byKey) {
      const known = rule === 'email' ? emailOwners.get(key) : undefined;
      if (known) set.add(known);
      if (set.size < 2) continue;
      const sageIds = [...set].sort(bySageId);
      groups.push({ rule, key, sageIds, owner: known ?? sageIds[0]! });
    }
  };
  collect('email', (c) => c.email?.trim().toLowerCase() || null);
  collect('vat', (c) => c.vatNumber?.toUpperCase().replace(/[^A-Z0-9]/g, '') || null);
  collect('name', (c) => (c.name ? normalizeName(c.name) || null : null));
  return groups;
}

/** For each Sage id that must not get its own contact: the Sage id whose contact it shares. */
export function sharedContacts(groups: readonly DuplicateGroup[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of groups) {
    if (g.rule !== 'email') continue;
    for (const id of g.sageIds) if (id !== g.owner) out.set(id, g.owner);
  }
  return out;
}
