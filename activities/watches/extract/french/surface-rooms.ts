/**
 * Surfaces ("75,5 m²", "Surface habitable : 75", sq ft) and room counts: rooms ("3 pièces", "T3",
 * "F4", "Studio"), bedrooms ("2 chambres"), bathrooms ("1 salle de bains"), in digits or French words.
 */
import { fold, normalizeSpaces } from './fold.js';

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
