/**
 * French places: postal codes and their town ("75011 Paris", "Lyon (69003)", "LYON 3EME (69003)",
 * "Paris 15e"), with town names tidied ("NANTES Honoraires" -> Nantes). Pure functions.
 */
import { normalizeSpaces } from './fold.js';
import { parsePropertyType } from './property-types.js';

/** Metropolitan and overseas French postal codes: 01000–98999. */
const POSTAL = String.raw`(?:0[1-9]|[1-8]\d|9[0-8])\d{3}`;
const CITY_WORD = String.raw`[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’]*`;
const CITY_LINK = String.raw`(?:sur|sous|les|lès|lez|le|la|de|du|des|en|aux|au|et|d'|l')`;
export const CITY = String.raw`${CITY_WORD}(?:(?:[-\s]|(?<=[dl]['’]))(?:${CITY_LINK}[-\s]?)*${CITY_WORD})*`;
const CODE_CITY = new RegExp(String.raw`(?<![\d€])(${POSTAL})(?![\d])(?:\s*[,·•|]\s*|\s+-\s+|\s*)(${CITY})`, 'u');
const CITY_PAREN_CODE = new RegExp(String.raw`(${CITY})\s*\((${POSTAL})\)`, 'u');
const PAREN_CODE = new RegExp(String.raw`\((${POSTAL})\)`);
const CITY_CODE = new RegExp(String.raw`(?:^|[\s,:–—-])(${CITY}),?\s+(${POSTAL})(?!\d)`, 'u');
/** "Paris 15e", "LYON 3EME (69003)", "Marseille 6ème arrondissement", "Paris 1er". */
const ARRONDISSEMENT = /\b(paris|lyon|marseille)\s*(\d{1,2})\s*(?:e|er|eme|ème|è|ieme|ième)(?![a-z])(?:\s*arr(?:ondissement|\.)?)?(?:\s*\((\d{5})\))?/i;
const ARR_BASE: Record<string, [string, number]> = { paris: ['75', 20], lyon: ['69', 9], marseille: ['13', 16] };

/** An arrondissement of Paris, Lyon or Marseille, with its postal code. */
export function parseArrondissement(text: string): PostalCity | undefined {
  const m = ARRONDISSEMENT.exec(text);
  if (!m) return undefined;
  const city = m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1).toLowerCase();
  const n = Number(m[2]);
  const [dep, max] = ARR_BASE[m[1]!.toLowerCase()]!;
  if (n < 1 || n > max) return undefined;
  return { postalCode: m[3] ?? `${dep}0${String(n).padStart(2, '0')}`, city };
}

export function tidyCity(city: string): string {
  let c = city.trim().replace(/[\s-]+$/, '');
  // "NANTES Honoraires": an upper-case city name ends where the case changes.
  const caps = /^[A-ZÀ-ÖØ-Þ'’-]{2,}(?:[\s-][A-ZÀ-ÖØ-Þ'’-]{2,})*(?=\s[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])/u.exec(c);
  if (caps) c = caps[0];
  // Drop arrondissement words the city pattern may have swallowed ("Paris Cedex").
  c = c.replace(/\s+(Cedex|CEDEX)(\s+\d+)?$/, '');
  if (c === c.toUpperCase()) {
    c = c.toLowerCase().replace(/(^|[\s\-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    c = c.replace(/([\s-])(Sur|Sous|Les|Le|La|De|Du|Des|En|Aux|Au|Et)(?=[-\s])/g, (_m, sep: string, w: string) => sep + w.toLowerCase());
  }
  return c;
}

export interface PostalCity {
  postalCode?: string;
  city?: string;
}

/** "75011 Paris" → {75011, Paris}; "Lyon (69003)" → {69003, Lyon}; "(33000)" → {33000}. */
export function parsePostalCity(text: string | undefined | null): PostalCity {
  if (!text) return {};
  const raw = String(text);
  if (raw.includes('\n')) {
    // A place never spans lines: try line by line so "44000 NANTES" never swallows the next line.
    let codeOnly: PostalCity | undefined;
    for (const line of raw.split('\n')) {
      const p = parseLine(line);
      if (p.city) return p;
      if (p.postalCode && !codeOnly) codeOnly = p;
    }
    return codeOnly ?? {};
  }
  return parseLine(raw);
}

function parseLine(line: string): PostalCity {
  const t = normalizeSpaces(line);
  const arr = parseArrondissement(t);
  if (arr) return arr;
  const a = CODE_CITY.exec(t);
  if (a) {
    const city = tidyCity(a[2]!);
    const notCity =
      /^(Tel|Tél|Fax|Mob|Port|Réf|Ref|Prix|Surface|France|Pays(?: France)?)$/i.test(city) || (parsePropertyType(city) !== undefined && !city.includes('-'));
    return notCity ? { postalCode: a[1]! } : { postalCode: a[1]!, city };
  }
  const b = CITY_PAREN_CODE.exec(t);
  if (b) return { postalCode: b[2]!, city: tidyCity(b[1]!) };
  const d = CITY_CODE.exec(t);
  if (d) {
    const city = tidyCity(d[1]!);
    const notCity =
      /^(Code|Postal|CP|Tel|Tél|Fax|Réf|Ref|Prix|Surface|Adresse|Situation|France)$/i.test(city.split(/\s/).pop() ?? '') ||
      parsePropertyType(city) !== undefined;
    if (!notCity) return { postalCode: d[2]!, city };
  }
  const c = PAREN_CODE.exec(t);
  if (c) return { postalCode: c[1]! };
  return {};
}

export function parsePostalCode(text: string | undefined | null): string | undefined {
  return parsePostalCity(text).postalCode;
}

export function parseCity(text: string | undefined | null): string | undefined {
  return parsePostalCity(text).city;
}

/** True for a well-formed French postal code. */
export function isPostalCode(s: string): boolean {
  return new RegExp(`^${POSTAL}$`).test(s);
}
