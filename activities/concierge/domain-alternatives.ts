/**
 * Ranked alternatives when the wanted domain is taken: the same name under other TLDs (.fr .com
 * .eu .net), the business name's words hyphenated or joined, and short prefixes / suffixes built
 * from the business name. Every candidate is a valid registrable ASCII name; the caller checks
 * availability (registrar) and keeps the available ones in this order.
 */
import { isValidLabel, normalizeDomain, splitDomain } from './domain-name.js';

export const ALTERNATIVE_TLDS = ['fr', 'com', 'eu', 'net'] as const;

const STOP_WORDS = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'l', 'd', 'et', 'au', 'aux', 'en', 'the', 'and', 'of', 'sa', 'sarl', 'sas', 'eurl']);
const GENERIC_PREFIXES = ['mon', 'le'];
const GENERIC_SUFFIXES = ['pro', 'france'];

export type AlternativeReason = 'other-tld' | 'hyphenation' | 'business-name' | 'prefix' | 'suffix';

export interface Alternative {
  domain: string;
  reason: AlternativeReason;
  score: number;
}

/** The business name as ASCII words: accents dropped, punctuation split, stop words removed. */
export function nameWords(businessName: string): string[] {
  const words = businessName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  return meaningful.length > 0 ? meaningful : words;
}

function label(parts: string[], sep: '' | '-'): string | null {
  const l = parts.filter(Boolean).join(sep);
  return isValidLabel(l) ? l : null;
}

export function suggestAlternatives(desiredDomain: string, businessName: string, opts: { limit?: number; tlds?: readonly string[] } = {}): Alternative[] {
  const limit = opts.limit ?? 12;
  const desired = normalizeDomain(desiredDomain);
  if (!desired) return [];
  const { sld, tld } = splitDomain(desired);
  const words = nameWords(businessName);
  const tlds = [tld, ...(opts.tlds ?? ALTERNATIVE_TLDS).filter((t) => t !== tld)];
  const out = new Map<string, Alternative>();
  const add = (l: string | null, t: string, reason: AlternativeReason, score: number) => {
    if (!l) return;
    const d = normalizeDomain(`${l}.${t}`);
    if (!d || d === desired) return;
    const prev = out.get(d);
    if (!prev || prev.score < score) out.set(d, { domain: d, reason, score });
  };

  // 1. the exact name under the other TLDs, in the order given
  tlds.slice(1).forEach((t, i) => add(sld, t, 'other-tld', 100 - i));

  // 2. hyphenation: the business name's words joined by hyphens, or the name without its hyphens
  const hyphenated = words.length > 1 ? label(words, '-') : null;
  const joined = words.length > 1 ? label(words, '') : null;
  tlds.forEach((t, i) => {
    if (hyphenated && hyphenated !== sld) add(hyphenated, t, 'hyphenation', 90 - i);
    if (sld.includes('-')) add(sld.replace(/-/g, ''), t, 'hyphenation', 89 - i);
    else if (joined && joined !== sld) add(joined, t, 'business-name', 88 - i);
  });

  // 3. short forms from the business name: initials + last word, first + last word
  if (words.length > 1) {
    const last = words[words.length - 1]!;
    const initials = words
      .slice(0, -1)
      .map((w) => w[0])
      .join('');
    const short = [label([initials, last], ''), label([words[0]!, last], '-')];
    tlds.slice(0, 2).forEach((t, i) => short.forEach((s, j) => add(s, t, 'business-name', 70 - i * 2 - j)));
  }

  // 4. short generic prefixes and suffixes on the wanted name
  tlds.slice(0, 2).forEach((t, i) => {
    GENERIC_PREFIXES.forEach((p, j) => add(label([p, sld], sld.includes('-') ? '-' : ''), t, 'prefix', 60 - i * 4 - j));
    GENERIC_SUFFIXES.forEach((s, j) => add(label([sld, s], '-'), t, 'suffix', 58 - i * 4 - j));
  });

  return [...out.values()].sort((a, b) => b.score - a.score || a.domain.localeCompare(b.domain)).slice(0, limit);
}
