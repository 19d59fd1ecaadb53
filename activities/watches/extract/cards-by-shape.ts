/** Cards found by shape when no theme class or source selector names them. */
import type { CheerioAPI } from 'cheerio';
import { isText, type AnyNode, type Element } from 'domhandler';
import { descendants, findIn, inChrome } from './chrome.js';
import { normalizeSpaces } from './french/fold.js';
import { parsePriceInfo } from './french/prices.js';
import { isLink } from './card-link.js';
import { isPlainTag } from './text.js';

const PRICE_IN_TEXT = /\d[\d\s.\u00a0\u202f]*(?:[.,]\d{1,2})?\s*(?:k\s*)?(?:€|eur)|€\s?\d/i;

/** Cards by shape: blocks each holding exactly one price and a link, repeated with the same tag/class signature. */
export function cardsByShape($: CheerioAPI, root: AnyNode): Element[] {
  const priceEls: Element[] = [];
  for (const el of descendants(root)) {
    const e = el as Element;
    if (['script', 'style', 'noscript', 'head', 'body', 'html'].includes(e.name)) continue;
    const own = e.children
      .filter(isText)
      .map((c) => c.data)
      .join('');
    if (own.length < 200 && PRICE_IN_TEXT.test(normalizeSpaces(own))) priceEls.push(e);
  }
  if (priceEls.length > 2000) return [];
  if (priceEls.length < 2) return [];
  const priceOf = new Map<AnyNode, number | undefined>(priceEls.map((e) => [e, parsePriceInfo(normalizeSpaces($(e).text()))?.price]));
  // A card may show one price twice (regular and sale spans); two different amounts mean two cards.
  const distinctPrices = (el: Element): number => {
    const seen = new Set<number | undefined>();
    const walk = (x: AnyNode): void => {
      if (priceOf.has(x)) seen.add(priceOf.get(x));
      for (const c of (x as Element).children ?? []) walk(c);
    };
    walk(el);
    return seen.size;
  };
  const hrefs = (el: Element): number => new Set(findIn($, el, 'a[href]').map((a) => $(a).attr('href'))).size;
  const cards = new Set<Element>();
  for (const p of priceEls) {
    let cur: Element = p;
    let best: Element | undefined;
    for (let depth = 0; depth < 12 && cur.parent && isPlainTag(cur.parent); depth++) {
      const parent = cur.parent;
      if (distinctPrices(parent) > 1) break;
      // Two listings at the same price: stop where a new link target appears beside the one we hold.
      if (best && hrefs(parent) > hrefs(cur)) break;
      cur = parent;
      if (isLink(cur) || findIn($, cur, 'a[href]').length > 0) best = cur;
    }
    if (best && !inChrome($, best)) cards.add(best);
  }
  // Keep the biggest group of cards sharing a signature (tag + classes).
  const sig = (e: Element): string => `${e.name}.${($(e).attr('class') ?? '').split(/\s+/).filter(Boolean).sort().join('.')}`;
  const groups = new Map<string, Element[]>();
  for (const c of cards) groups.set(sig(c), [...(groups.get(sig(c)) ?? []), c]);
  const best = [...groups.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  if (best.length < 2) return [];
  // Their siblings of the same signature holding a price are cards too, even when they show more
  // than one amount (a price and its fees, charges, a deposit) and the climb above stopped short.
  const sig0 = sig(best[0]!);
  const members = new Set(best);
  const withPrice = new Set<AnyNode>(priceEls);
  for (const parent of new Set(best.map((c) => c.parent))) {
    for (const sib of (parent as Element | null)?.children ?? []) {
      const e = sib as Element;
      if (!isPlainTag(e) || members.has(e) || sig(e) !== sig0 || inChrome($, e)) continue;
      if (descendants(e).some((d) => withPrice.has(d))) members.add(e);
    }
  }
  return descendants(root).filter((n) => members.has(n as Element)) as Element[];
}
