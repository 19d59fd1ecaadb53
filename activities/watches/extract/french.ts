/**
 * French real-estate formats: prices ("450 000 €", "1.250.000 EUR", "1 200 €/mois"), surfaces
 * ("75,5 m²"), rooms ("3 pièces", "T3", "F4", "Studio"), bedrooms, bathrooms, "75011 Paris",
 * and property types from French (and common English) words. Pure functions, no I/O.
 */
import type { PropertyType, TransactionType } from './types.js';

/** Lower-case, strip accents, unify the many spaces French typography uses. */
export function fold(text: string): string {
  return normalizeSpaces(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** NBSP, narrow NBSP, thin spaces and friends become a plain space; runs collapse. */
export function normalizeSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f\u2007\u2008\u2009\u200a\u2002\u2003\t\r\n\f\v ]+/g, ' ').trim();
}

const WORD_NUMBERS: Record<string, number> = {
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
};
const NUM_WORD = '(\\d{1,2}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)';

function wordOrDigit(s: string): number | undefined {
  const n = /^\d+$/.test(s) ? Number(s) : WORD_NUMBERS[s];
  return n === undefined || !Number.isFinite(n) ? undefined : n;
}

// ---------------------------------------------------------------- prices

/** An amount: "450 000", "1.250.000", "1 250 000,00", "320000", "1,250,000.00". */
const AMOUNT = String.raw`(\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)`;
const CURRENCY = String.raw`(?:€|eur(?:os?)?\b)`;
const AFTER = new RegExp(`${AMOUNT}\\s*(k|m)?\\s*${CURRENCY}`, 'i');
const BEFORE = new RegExp(`${CURRENCY}\\s*${AMOUNT}\\s*(k|m)?\\b`, 'i');
const BARE = new RegExp(
  `^(?:[^\\d]{0,40}?)${AMOUNT}\\s*(k|m)?\\s*(?:${CURRENCY})?(?:\\s*(?:fai|hai|cc|hc|ttc|ht|net vendeur|honoraires inclus|/\\s*mois|par mois))?\\W*$`,
  'i',
);

const RENT_MARKERS = /(\/\s*mois|par mois|mensuel|\bloyer\b|\bcc\b|\bhc\b|charges comprises|hors charges|a louer|\blocation\b|\/\s*month|per month|\bpcm\b)/;
const SALE_MARKERS = /(\bfai\b|\bhai\b|a vendre|\bvente\b|honoraires|net vendeur|prix de vente|for sale)/;

/** Parse one amount token into an integer number of euros. */
export function parseAmount(raw: string, multiplier?: string): number | undefined {
  let s = raw.replace(/[ '’]/g, '');
  // A trailing separator followed by 1-2 digits is a decimal part; 3-digit groups are thousands.
  const dec = /[.,](\d{1,2})$/.exec(s);
  let fraction = 0;
  if (dec) {
    fraction = Number(`0.${dec[1]}`);
    s = s.slice(0, dec.index);
  }
  s = s.replace(/[.,]/g, '');
  if (!/^\d+$/.test(s)) return undefined;
  let n = Number(s) + fraction;
  const m = multiplier?.toLowerCase();
  if (m === 'k') n *= 1_000;
  else if (m === 'm') n *= 1_000_000;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

export interface PriceInfo {
  price: number;
  transaction?: TransactionType;
  /** 'from' when the amount is a starting price ("à partir de 289 000 €", "From €235,000"). */
  qualifier?: 'from';
}

const ON_REQUEST = /\b(?:prix\s+)?(?:sur\s+demande|nous\s+consulter|a\s+consulter|(?:price\s+)?(?:up)?on\s+(?:request|application)|p\.?o\.?a\.?)(?![a-z])/;
const FROM = /(?:a\s+partir\s+de|des|from|starting\s+(?:at|from)|prices?\s+from)\s*:?\s*$/;

/** "Prix sur demande", "Nous consulter", "Price on request": a price deliberately not given. */
export function isPriceOnRequest(text: string | undefined | null): boolean {
  return !!text && ON_REQUEST.test(fold(String(text)));
}

/**
 * A price and, when the text says so, whether it is a rent. By default the amount must carry a
 * currency (€ / EUR / euros); `allowBare` also accepts a text that is essentially one number (the
 * content of a `.price` element, "450000").
 */
export function parsePriceInfo(text: string | undefined | null, opts: { allowBare?: boolean } = {}): PriceInfo | undefined {
  if (!text) return undefined;
  const t = normalizeSpaces(String(text));
  if (isPriceOnRequest(t) && !/\d/.test(t)) return undefined;
  let price: number | undefined;
  const after = AFTER.exec(t);
  const before = BEFORE.exec(t);
  const first = after && before ? (after.index <= before.index ? after : before) : (after ?? before);
  if (first) price = parseAmount(first[1]!, first[2]);
  else if (opts.allowBare) {
    const bare = BARE.exec(t);
    if (bare) price = parseAmount(bare[1]!, bare[2]);
  }
  if (price === undefined || price < 100 || price > 500_000_000) return undefined;
  const transaction = detectTransaction(t, price);
  const out: PriceInfo = transaction ? { price, transaction } : { price };
  if (first && FROM.test(fold(t.slice(Math.max(0, first.index - 30), first.index)))) out.qualifier = 'from';
  return out;
}

/** "450 000 €" → 450000; "1.250.000 EUR" → 1250000; "1 200 €/mois" → 1200. */
export function parsePrice(text: string | undefined | null, opts: { allowBare?: boolean } = {}): number | undefined {
  return parsePriceInfo(text, opts)?.price;
}

/** Rent or sale from the wording around a price; falls back on the amount (under 10 000 € is a rent). */
export function detectTransaction(text: string, price?: number): TransactionType | undefined {
  const f = fold(text);
  if (RENT_MARKERS.test(f)) return 'rent';
  if (SALE_MARKERS.test(f)) return 'sale';
  if (price === undefined) return undefined;
  return price < 10_000 ? 'rent' : 'sale';
}

// ---------------------------------------------------------------- surfaces, rooms

const SQFT = String.raw`(?:sq\.?\s?ft|square\s+feet|ft²|ft2)`;
const SURFACE = new RegExp(
  String.raw`(\d{1,3}(?:[ .,]\d{3})+(?!\d)|\d+)(?:[.,](\d{1,2}))?\s*(m²|m2|m\^2|m\s?carr[ée]s?|m[èe]tres?\s+carr[ée]s?|sq\.?\s?m|square\s+met(?:re|er)s?|${SQFT})(?![a-z])`,
  'i',
);
const LABELLED_SURFACE = new RegExp(
  String.raw`(?:surface(?:\s+habitable)?|superficie|living area|floor area|surface carrez|loi carrez)\s*(?:de|:|=|-)?\s*(?:env\.?|environ|approx\.?|from)?\s*(\d{1,3}(?:[ .,]\d{3})+(?!\d)|\d+)(?:[.,](\d{1,2}))?\s*(m²|m2|m\s?carr|sq\.?\s?m|${SQFT})?`,
  'i',
);
const IS_SQFT = new RegExp(`^${SQFT}$`, 'i');

function toSurface(intPart: string, decPart?: string, unit?: string): number | undefined {
  let n = Number(intPart.replace(/[ .,]/g, '') + (decPart ? `.${decPart}` : ''));
  if (unit && IS_SQFT.test(unit.trim())) n *= 0.092903;
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) return undefined;
  return unit && IS_SQFT.test(unit.trim()) ? Math.round(n) : Math.round(n * 10) / 10;
}

/** "75 m²", "75,5 m2", "75m2", "Surface habitable : 75" → square metres. Prefers a labelled living surface. */
export function parseSurface(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const t = normalizeSpaces(String(text));
  const lab = LABELLED_SURFACE.exec(t);
  if (lab) {
    const v = toSurface(lab[1]!, lab[2], lab[3]);
    if (v !== undefined) return v;
  }
  const m = SURFACE.exec(t);
  return m ? toSurface(m[1]!, m[2], m[3]) : undefined;
}

/** "3 pièces" → 3, "T3" → 3, "F4" → 4, "Studio" → 1, "trois pièces" → 3. */
export function parseRooms(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const f = fold(String(text));
  const label = /\b(?:pieces?|nombre de pieces|nb\.? pieces|rooms?)\s*:\s*(\d{1,2})\b/.exec(f);
  if (label) return Number(label[1]);
  const p = new RegExp(`\\b${NUM_WORD}\\s*(?:pieces?|pces?|p\\.|rooms?)(?![a-z])`).exec(f);
  if (p) return wordOrDigit(p[1]!);
  const loose = /\b(?:nombre de pieces|nb\.? pieces|pieces)\s+(\d{1,2})\b/.exec(f);
  if (loose) return Number(loose[1]);
  const tf = /(?:^|[^a-z0-9])[tf]\s?(\d{1,2})(?:\s?bis)?(?![a-z0-9])/.exec(f);
  if (tf) {
    const n = Number(tf[1]);
    if (n >= 1 && n <= 12) return n;
  }
  if (/\bstudios?\b|\bstudette\b/.test(f)) return 1;
  return undefined;
}

/** "2 chambres" → 2, "une chambre" → 1, "3 ch." → 3, "Chambres : 4" → 4. */
export function parseBedrooms(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const f = fold(String(text));
  const label = /\b(?:chambres?|bedrooms?|nombre de chambres)\s*:\s*(\d{1,2})\b/.exec(f);
  if (label) return Number(label[1]);
  const m = new RegExp(`\\b${NUM_WORD}\\s*(?:chambres?|ch\\.|bedrooms?|beds?)(?![a-z])`).exec(f);
  return m ? wordOrDigit(m[1]!) : undefined;
}

/** "1 salle de bains", "2 salles d'eau", "1 sdb", "Salles de bain : 2". */
export function parseBathrooms(text: string | undefined | null): number | undefined {
  if (!text) return undefined;
  const f = fold(String(text));
  const label = /\b(?:salles?\s+de\s+bains?|salles?\s+d['’ ]?eau|bathrooms?)\s*:\s*(\d{1,2})\b/.exec(f);
  if (label) return Number(label[1]);
  const m = new RegExp(`\\b${NUM_WORD}\\s*(?:salles?\\s+de\\s+bains?|salles?\\s+d['’ ]?eau|sdb|bathrooms?|baths?)(?![a-z])`).exec(f);
  return m ? wordOrDigit(m[1]!) : undefined;
}

// ---------------------------------------------------------------- places

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

// ---------------------------------------------------------------- property types

const TYPE_WORDS: Array<[RegExp, PropertyType]> = [
  [
    /\b(appartements?|apparts?|studios?|studette|lofts?|duplex|triplex|penthouse|rez[- ]de[- ]jardin|chambre de service|flat|apartments?|condo)\b/g,
    'apartment',
  ],
  [/(?:^|[^a-z0-9])[tf]\s?[1-9](?:\s?bis)?(?![a-z0-9])/g, 'apartment'],
  [
    /\b(maisons?|villas?|pavillons?|proprietes?|mas|longeres?|chalets?|demeures?|chateaux?|chateau|bastides?|bastidons?|farmhouses?|manor|mansion|fermettes?|corps de ferme|ferme|manoir|maison de ville|echoppe|houses?|cottage|bungalow)\b/g,
    'house',
  ],
  [/\b(terrains?|parcelles?|terrain a batir|lots? a batir|land|building plots?|plots?)\b/g, 'land'],
  [
    /\b(locaux commerciaux|local commercial|locaux|local professionnel|commerces?|fonds de commerce|boutiques?|bureaux?|entrepots?|murs commerciaux|cellule commerciale|shop|office|retail|warehouse)\b/g,
    'commercial',
  ],
  [/\b(parkings?|garages?|box|stationnement|place de parking|emplacement de parking|parking space)\b/g, 'parking'],
  [/\b(immeubles?|peniche|viager|batiment|building)\b/g, 'other'],
];

/**
 * The property type named first in the text: "Maison avec garage" is a house, "Appartement T3 avec
 * parking" an apartment. Call it on the title before the description.
 */
export function parsePropertyType(text: string | undefined | null): PropertyType | undefined {
  if (!text) return undefined;
  const f = fold(String(text));
  let best: { at: number; type: PropertyType } | undefined;
  for (const [re, type] of TYPE_WORDS) {
    re.lastIndex = 0;
    const m = re.exec(f);
    if (m && (!best || m.index < best.at)) best = { at: m.index, type };
  }
  return best?.type;
}

/** A studio (or studette): an apartment of one room, named so in its title. */
export function isStudio(text: string | undefined | null): boolean {
  return !!text && /\b(studios?|studette)\b/.test(fold(String(text)));
}

/** Map a free-form type value (schema.org @type, Shopify product_type, a select value) to ours. */
export function mapTypeName(value: string | undefined | null): PropertyType | undefined {
  if (!value) return undefined;
  const v = fold(String(value)).replace(/^https?:\/\/schema\.org\//, '');
  if (/^(apartment|apartmentcomplex)$/.test(v)) return 'apartment';
  if (/^(house|singlefamilyresidence)$/.test(v)) return 'house';
  return parsePropertyType(v);
}

// ---------------------------------------------------------------- features

const FEATURE_WORDS: Array<[RegExp, string]> = [
  [/\b(parking|place de stationnement|stationnement)\b/, 'parking'],
  [/\bgarages?\b|\bbox\b/, 'garage'],
  [/\bbalcons?\b|\bbalcony\b/, 'balcony'],
  [/\bterrasses?\b|\bterrace\b/, 'terrace'],
  [/\bjardin(et)?s?\b|\bgarden\b/, 'garden'],
  [/\bpiscine\b|\bpool\b/, 'pool'],
  [/\bascenseur\b|\belevator\b|\blift\b/, 'elevator'],
  [/\bcaves?\b|\bcellier\b|\bcellar\b/, 'cellar'],
  [/\bchemin[ée]e\b|\bfireplace\b/, 'fireplace'],
  [/\bclimatisation\b|\bclimatise\b|\bair conditioning\b/, 'air_conditioning'],
  [/\bmeuble\b|\bfurnished\b/, 'furnished'],
  [/\bgardien\b|\bconcierge\b/, 'caretaker'],
  [/\binterphone\b|\bdigicode\b|\bvisiophone\b/, 'intercom'],
  [/\bvue (mer|degagee|sur)\b|\bsea view\b/, 'view'],
  [/\bdouble vitrage\b/, 'double_glazing'],
  [/\bparquet\b/, 'parquet'],
];

/** Canonical feature keys found in a text ("balcon" → balcony, "ascenseur" → elevator). */
export function detectFeatures(text: string | undefined | null): string[] {
  if (!text) return [];
  const f = fold(String(text));
  const out: string[] = [];
  for (const [re, key] of FEATURE_WORDS) if (re.test(f)) out.push(key);
  return out;
}

/** One feature label from a list item: a canonical key when recognised, else the folded label. */
export function featureKey(label: string): string | undefined {
  const clean = normalizeSpaces(label)
    .replace(/[:•·\-–]+$/, '')
    .trim();
  if (!clean || clean.length > 60) return undefined;
  const known = detectFeatures(clean);
  if (known.length === 1) return known[0];
  return fold(clean);
}

// ---------------------------------------------------------------- references

const REF =
  /(?:r[ée]f(?:[ée]rence)?\.?(?:\s+(?:de\s+l['’]annonce|annonce|du bien|agence))?|n°\s*de\s*mandat|mandat|property id|id du bien)[\s.]*(?:n°|no\.?|#)?[\s:#.]*([A-Z0-9][A-Z0-9\-_/]{1,30})/gi;

/** "Réf. : AP-1234" → "AP-1234"; the first reference-looking token that carries a digit. */
export function parseReference(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const t = normalizeSpaces(String(text));
  for (const m of t.matchAll(REF)) if (/\d/.test(m[1]!)) return m[1]!;
  return undefined;
}
