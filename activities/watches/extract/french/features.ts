/** Listing features ("balcon", "ascenseur", "piscine"…) as canonical keys (balcony, elevator, pool…). */
import { fold, normalizeSpaces } from './fold.js';

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
