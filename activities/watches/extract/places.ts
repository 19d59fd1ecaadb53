/**
 * Places beyond the French "NNNNN City" forms: Belgian, Swiss and Luxembourg four-digit postal
 * codes on pages of those countries ("1180 Uccle", "1204 Genève"), and a French postal code (and
 * the town before it) written only in the listing's URL slug
 * (`/vente-maison-boulogne-billancourt-92100-8812401`).
 */
import { fold } from './french/fold.js';
import { CITY, isPostalCode, parsePostalCity, tidyCity, type PostalCity } from './french/postal.js';

/** Countries whose postal codes have four digits. */
export type FourDigitCountry = 'BE' | 'CH' | 'LU';

const FOUR = String.raw`[1-9]\d{3}`;
// Never a part of an amount ("695.000 €", "2 850 €") or of a longer number.
const CODE_CITY4 = new RegExp(String.raw`(?<![\d€.,\u00a0\u202f]|\d )(?:(?:B|CH|L)-)?(${FOUR})(?![\d.,])\s+(${CITY})`, 'u');
const CITY_PAREN_CODE4 = new RegExp(String.raw`(${CITY})\s*\((${FOUR})\)`, 'u');
const NOT_A_TOWN = /^(?:Euros?|EUR|CHF|Ares?|Ca|Centiares?|M2|Kwh|Kg|Habitants?)$/i;

function fourDigitLine(line: string): PostalCity {
  const a = CODE_CITY4.exec(line);
  if (a && !NOT_A_TOWN.test(a[2]!.split(/\s/)[0]!)) return { postalCode: a[1]!, city: tidyCity(a[2]!) };
  const b = CITY_PAREN_CODE4.exec(line);
  if (b) return { postalCode: b[2]!, city: tidyCity(b[1]!) };
  return {};
}

/** A French place first; on a page of a four-digit country, then that country's "1180 Uccle" form. */
export function parsePlace(text: string | undefined | null, country?: FourDigitCountry): PostalCity {
  const fr = parsePostalCity(text);
  if (fr.postalCode || !country || !text) return fr;
  for (const line of String(text).split('\n')) {
    const p = fourDigitLine(line);
    if (p.postalCode) return p;
  }
  return {};
}

const SLUG_WORDS = new Set([
  'vente',
  'achat',
  'location',
  'louer',
  'vendre',
  'a',
  'acheter',
  'appartement',
  'appartements',
  'maison',
  'maisons',
  'villa',
  'studio',
  'loft',
  'duplex',
  'terrain',
  'local',
  'commercial',
  'parking',
  'garage',
  'immeuble',
  'propriete',
  'bien',
  'annonce',
  'ref',
  'piece',
  'pieces',
  'chambre',
  'chambres',
  'neuf',
  'programme',
  'sale',
  'rent',
  'house',
  'apartment',
  'flat',
  'for',
]);
const LINK_WORDS = new Set(['sur', 'sous', 'les', 'le', 'la', 'de', 'du', 'des', 'en', 'aux', 'au', 'et', 'lez', 'd', 'l']);

/**
 * A French postal code written as its own segment of the URL's last path part ("…-92100-8812401",
 * ".../annonce-lyon-69003.html"), and the town named by the words just before it when they are not
 * type or transaction words. Looked up only when the page itself names no postal code.
 */
export function placeFromSlug(url: string, pageText = ''): PostalCity {
  let last: string;
  try {
    last = decodeURIComponent(new URL(url).pathname).split('/').filter(Boolean).pop() ?? '';
  } catch {
    return {};
  }
  const parts = last
    .replace(/\.[a-z0-9]{2,5}$/i, '')
    .toLowerCase()
    .split(/[-_+]/)
    .filter(Boolean);
  const at = parts.findIndex((p) => /^\d{5}$/.test(p) && isPostalCode(p));
  if (at < 0 || parts.filter((p) => /^\d{5}$/.test(p)).length > 1) return {};
  const words: string[] = [];
  for (let i = at - 1; i >= 0 && /^[a-z\u00e0-\u00ff]+$/.test(parts[i]!) && !SLUG_WORDS.has(fold(parts[i]!)); i--) words.unshift(parts[i]!);
  const out: PostalCity = { postalCode: parts[at]! };
  if (words.length === 0) return out;
  const folded = fold(words.join(' '));
  // The page's own spelling when it writes the town ("Boulogne-Billancourt"), else the slug's, capitalised.
  const onPage = new RegExp(String.raw`(?<![\p{L}])(${CITY})(?![\p{L}])`, 'gu');
  for (const m of pageText.matchAll(onPage)) if (fold(m[1]!).replace(/[-'’\s]+/g, ' ') === folded) return { ...out, city: m[1]! };
  out.city = words.map((w, i) => (i > 0 && LINK_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('-');
  return out;
}
