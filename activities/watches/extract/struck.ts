/**
 * Struck-through prices: a lowered price is shown next to the former one struck through (`<del>`,
 * `<s>`, `<strike>`, `text-decoration: line-through`, classes such as old-price / price-old /
 * prix-barre / was-price). Before anything reads prices, each struck amount is replaced by an empty
 * `<span data-was-price="…">` marker, so no reader takes it for the price and the listing that
 * holds the marker can report it as its previous price.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { normalizeSpaces } from './french/fold.js';
import { parsePriceInfo } from './french/prices.js';

const STRUCK = [
  'del',
  's',
  'strike',
  '[style*="line-through"]',
  '[class*="old-price"]',
  '[class*="price-old"]',
  '[class*="oldprice"]',
  '[class*="prix-barre"]',
  '[class*="prix_barre"]',
  '[class*="barre"]',
  '[class*="was-price"]',
  '[class*="price-was"]',
  '[class*="price--was"]',
  '[class*="ancien-prix"]',
  '[class*="prix-ancien"]',
  '[class*="former-price"]',
  '[class*="compare-at"]',
  '.was',
  '.prix-avant',
  '.price-before',
].join(', ');

/** A former price said in words rather than struck: "Was €329,000", "Ancien prix : 250 000 €", "au lieu de 250 000 €". */
const WAS_WORDS = /^(?:was|previously|before|avant|ancien prix|prix initial|au lieu de)\s*:?\s*(?=\S)/i;
const WORDED = 'span, small, em, strong, b, i, p, li, div, td, dd';

export const WAS_PRICE_ATTR = 'data-was-price';

/** Replace struck amounts by markers (in place). Struck text that is not a price is left alone. */
export function markStruckPrices($: CheerioAPI): void {
  let els: AnyNode[];
  try {
    els = $(STRUCK).toArray();
  } catch {
    return;
  }
  for (const el of els) {
    const $el = $(el);
    if (!el.parent) continue; // inside a struck element already replaced
    const text = normalizeSpaces($el.text());
    if (!text || text.length > 40) continue;
    const info = parsePriceInfo(text, { allowBare: true });
    if (!info) continue;
    $el.replaceWith(`<span ${WAS_PRICE_ATTR}="${info.price}"></span>`);
  }
  for (const el of $(WORDED).toArray()) {
    if (!el.parent) continue;
    const text = normalizeSpaces($(el).text());
    if (!text || text.length > 40 || !WAS_WORDS.test(text)) continue;
    const info = parsePriceInfo(text.replace(WAS_WORDS, ''), { allowBare: true });
    if (info) $(el).replaceWith(`<span ${WAS_PRICE_ATTR}="${info.price}"></span>`);
  }
}

/** The former price shown inside `root`, when it is above the current one. */
export function previousPriceIn($: CheerioAPI, root: AnyNode, current: number | undefined): number | undefined {
  const found = $(root)
    .find(`[${WAS_PRICE_ATTR}]`)
    .toArray()
    .map((e) => Number($(e).attr(WAS_PRICE_ATTR)));
  const was = found.find((n) => Number.isFinite(n) && n > 0);
  return was !== undefined && current !== undefined && was > current ? was : undefined;
}
