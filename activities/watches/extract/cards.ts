/**
 * Listing cards on list pages: known theme classes first, the source's item selector when given,
 * otherwise cards found by shape (repeated blocks that each hold one price and one link).
 * One card's fields are read in card.ts, its link in card-link.ts, cards by shape in cards-by-shape.ts.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { cardAnchor, readCard, type CardDraft } from './card.js';
import { cardsByShape } from './cards-by-shape.js';
import { inChrome, matchSet } from './chrome.js';
import { CARD } from './themes.js';
import type { ExtractSelectors, ListingDraft } from './types.js';

export interface CardsFound {
  cards: CardDraft[];
  via: 'selector' | 'theme' | 'shape' | 'none';
  /** One lone theme card (the last page of a paginated list often holds one): the caller decides. */
  single?: CardDraft;
}

export function findCards($: CheerioAPI, pageUrl: string, sel: ExtractSelectors = {}): CardsFound {
  const read = (els: AnyNode[]): CardDraft[] => {
    const drafts = els.map((el) => ({ el, d: readCard($, el, pageUrl, sel) }));
    // Cards that all link to one page (a contact form, the agency page) are told apart by their ids.
    const shared = new Map<string, number>();
    for (const { d } of drafts) if (d) shared.set(d.sourceUrl, (shared.get(d.sourceUrl) ?? 0) + 1);
    const seen = new Set<string>();
    const out: CardDraft[] = [];
    for (const { el, d } of drafts) {
      if (!d) continue;
      if ((shared.get(d.sourceUrl) ?? 0) > 1) {
        const id = cardAnchor($, el);
        if (id) d.sourceUrl = `${pageUrl.split('#')[0]}#${encodeURIComponent(id)}`;
      }
      if (!seen.has(d.sourceUrl)) {
        seen.add(d.sourceUrl);
        out.push(d);
      }
    }
    return out;
  };
  if (sel.item) {
    try {
      const els = $(sel.item).toArray();
      if (els.length) return { cards: read(els), via: 'selector' };
    } catch {
      // An invalid source selector falls back on the automatic paths; the caller reports it.
    }
  }
  // Outermost theme cards only (themes nest wrappers that match several card classes).
  const cardSet = matchSet($, CARD);
  const nestedInCard = (el: AnyNode): boolean => {
    for (let n = el.parent; n; n = n.parent) if (cardSet.has(n)) return true;
    return false;
  };
  const themed = [...cardSet].filter((el) => !nestedInCard(el) && !inChrome($, el));
  let single: CardDraft | undefined;
  if (themed.length >= 1) {
    const cards = read(themed).filter(isListingLike).filter(looksLikeProperty);
    if (cards.length >= 2) return { cards, via: 'theme' };
    single = cards[0];
  }
  const body = $('body')[0] ?? $.root()[0];
  const shaped = body ? read(cardsByShape($, body)).filter(looksLikeProperty) : [];
  if (shaped.length >= 2) return { cards: shaped, via: 'shape' };
  return single ? { cards: [], via: 'none', single } : { cards: [], via: 'none' };
}

/** A card that names no type, surface or rooms is a product or a service, not a property (a 150 € fee, a free estimation). */
function looksLikeProperty(d: CardDraft): boolean {
  return d.propertyType !== undefined || d.surface !== undefined || d.rooms !== undefined;
}

/** Does a card's text read like a listing (has a price, surface or rooms)? Used to gate link discovery. */
export function isListingLike(d: Pick<ListingDraft, 'price' | 'surface' | 'rooms'>): boolean {
  return d.price !== undefined || d.surface !== undefined || d.rooms !== undefined;
}

export function selectorError($: CheerioAPI, selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  try {
    $(selector);
    return undefined;
  } catch (e) {
    return `invalid selector ${JSON.stringify(selector)}: ${(e as Error).message}`;
  }
}
