/**
 * Listing cards on list pages: known theme classes first, the source's item selector when given,
 * otherwise cards found by shape (repeated blocks that each hold one price and one link).
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import { isText, type AnyNode, type Element } from 'domhandler';
import {
  detectFeatures,
  isPriceOnRequest,
  normalizeSpaces,
  parseArrondissement,
  parseBathrooms,
  parseBedrooms,
  parsePriceInfo,
  parsePropertyType,
  parseReference,
  parseRooms,
  parseSurface,
} from './french.js';
import { CARD, CARD_ADDRESS, CARD_PRICE, CARD_TITLE, FIELD } from './themes.js';
import { absoluteUrl, blockText, isPlainTag, sameHost } from './text.js';
import { descendants, findIn, inChrome, matchSet } from './chrome.js';
import { readLabels } from './labels.js';
import { alternateLinks, isFilterLink } from './links.js';
import { siteCountry } from './hosts.js';
import { parsePlace } from './places.js';
import { statusIn } from './status.js';
import { previousPriceIn } from './struck.js';
import type { ExtractSelectors, ListingDraft } from './types.js';

export type CardDraft = Omit<ListingDraft, 'quality'>;

const PRICE_IN_TEXT = /\d[\d\s.\u00a0\u202f]*(?:[.,]\d{1,2})?\s*(?:k\s*)?(?:€|eur)|€\s?\d/i;

function firstText($: CheerioAPI, root: Cheerio<AnyNode>, selector: string | undefined): string | undefined {
  if (!selector || !root[0]) return undefined;
  for (const el of findIn($, root[0], selector)) {
    const t = normalizeSpaces($(el).text());
    if (t) return t;
  }
  return undefined;
}

function imageOf($: CheerioAPI, root: Cheerio<AnyNode>, base: string): string | undefined {
  if (!root[0]) return undefined;
  for (const el of findIn($, root[0], 'img, [data-bg], [style*="background"]')) {
    const $el = $(el);
    const src =
      $el.attr('data-src') ??
      $el.attr('data-lazy-src') ??
      $el.attr('data-bg') ??
      $el.attr('src') ??
      /url\(['"]?([^'")]+)/.exec($el.attr('style') ?? '')?.[1] ??
      $el.attr('srcset')?.split(',')[0]?.trim().split(/\s+/)[0];
    const abs = absoluteUrl(src, base);
    if (abs && !/logo|icon|sprite|placeholder|blank\.gif|\.svg/i.test(abs)) return abs;
  }
  return undefined;
}

const isLink = (n: AnyNode): boolean => isPlainTag(n) && n.name === 'a' && n.attribs['href'] !== undefined;

/** A contact, visit-request or appointment page (`/contact?bien=…`): a card's button, never the listing. */
const CONTACT_PATH =
  /\/(contact|contactez-nous|nous-contacter|contact-us|rendez-vous|prise-de-rendez-vous|demande-de-visite|demande-visite|visite)(?:[./_-]|$)/i;

const PAGINATION_HREF = /([?&](page|paged|p|pg|start)=\d+|\/page\/\d+\/?$)/i;

function linkOf($: CheerioAPI, root: Cheerio<AnyNode>, base: string, selector?: string): string | undefined {
  const alternates = alternateLinks($, base);
  const usable = (href: string | undefined): string | undefined => {
    const abs = absoluteUrl(href, base);
    return abs &&
      sameHost(abs, base) &&
      abs !== base &&
      !PAGINATION_HREF.test(abs) &&
      !/\.(jpe?g|png|webp|gif|pdf)$/i.test(abs) &&
      !alternates.has(abs) &&
      !isFilterLink(abs) &&
      !CONTACT_PATH.test(new URL(abs).pathname)
      ? abs
      : undefined;
  };
  if (root[0] && isLink(root[0])) {
    const own = usable(root.attr('href'));
    if (own) return own;
  }
  // In priority order: the source's selector, the title link, a link wrapping the photo, the most repeated link.
  const node = root[0];
  if (!node) return undefined;
  for (const sel of [selector, 'h1 a, h2 a, h3 a, h4 a, h5 a, [class*="title"] a, a[class*="title"]', 'a:has(img)']) {
    if (!sel) continue;
    let els: AnyNode[];
    try {
      els = findIn($, node, sel);
    } catch {
      continue;
    }
    for (const el of els) {
      const u = usable($(el).attr('href'));
      if (u) return u;
    }
  }
  const counts = new Map<string, number>();
  for (const el of findIn($, node, 'a[href]')) {
    const u = usable($(el).attr('href'));
    if (u) counts.set(u, (counts.get(u) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The source's own selectors may be invalid: they never break extraction (the caller reports them). */
function safeFirst($: CheerioAPI, root: Cheerio<AnyNode>, selector: string | undefined): string | undefined {
  try {
    return firstText($, root, selector);
  } catch {
    return undefined;
  }
}

/** Fields of one card. */
/** An id that names this card in its page: its own, else its first descendant's (Wix repeater items, `#ref-…` blocks). */
export function cardAnchor($: CheerioAPI, el: AnyNode): string | undefined {
  const own = (el as Element).attribs?.['id'];
  if (own) return own;
  const inner = $(el).find('[id]').first().attr('id');
  return inner || undefined;
}

export function readCard($: CheerioAPI, el: AnyNode, pageUrl: string, sel: ExtractSelectors = {}): CardDraft | undefined {
  const card = $(el);
  let link = linkOf($, card, pageUrl, sel.link);
  if (!link) {
    // A listing that only exists as a block of this page (one-page sites, anchors): its id names it.
    const id = cardAnchor($, el);
    if (!id) return undefined;
    link = `${pageUrl.split('#')[0]}#${encodeURIComponent(id)}`;
  }
  const text = blockText($, el);
  const labels = readLabels($, el, () => false, text);
  const title = safeFirst($, card, sel.title) ?? firstText($, card, CARD_TITLE) ?? normalizeSpaces(card.find('a').first().text());
  const priceText = safeFirst($, card, sel.price) ?? firstText($, card, CARD_PRICE) ?? labels.price;
  const onRequest = isPriceOnRequest(priceText) || (!parsePriceInfo(priceText, { allowBare: true }) && isPriceOnRequest(text));
  const priceInfo = onRequest ? undefined : (parsePriceInfo(priceText, { allowBare: true }) ?? parsePriceInfo(text));
  const num = (s: string | undefined): number | undefined => {
    const m = s ? /\d+(?:[.,]\d+)?/.exec(s.replace(/\s/g, '')) : null;
    return m ? Number(m[0].replace(',', '.')) : undefined;
  };
  const surfaceText = safeFirst($, card, sel.surface) ?? labels.surface ?? firstText($, card, FIELD.surface);
  const roomsText = safeFirst($, card, sel.rooms) ?? labels.rooms ?? firstText($, card, FIELD.rooms);
  const addressText = firstText($, card, CARD_ADDRESS);
  const country = siteCountry($, pageUrl);
  const labelPlace = [labels.place, [labels.city, labels.postalCode].filter(Boolean).join(' ')]
    .map((t) => (t ? parsePlace(t, country) : {}))
    .find((p) => p.postalCode);
  const place = labelPlace ?? parsePlace(addressText, country);
  const textPlace = place.postalCode ? place : parsePlace(title, country).postalCode ? parsePlace(title, country) : parsePlace(text, country);
  const typeText = firstText($, card, FIELD.type);
  const photo = imageOf($, card, pageUrl);
  const draft: CardDraft = {
    sourceUrl: link,
    title: title || normalizeSpaces(card.find('img').first().attr('alt') ?? ''),
    photos: photo ? [photo] : [],
    features: detectFeatures(text),
  };
  if (priceInfo) {
    draft.price = priceInfo.price;
    if (priceInfo.transaction) draft.transaction = priceInfo.transaction;
    if (priceInfo.qualifier) draft.priceQualifier = priceInfo.qualifier;
    const was = previousPriceIn($, el, priceInfo.price);
    if (was !== undefined) draft.previousPrice = was;
  } else if (onRequest) draft.priceQualifier = 'on_request';
  const status = statusIn($, el, text);
  if (status) draft.status = status;
  const surface = parseSurface(surfaceText) ?? (sel.surface ? num(surfaceText) : undefined) ?? parseSurface(text) ?? num(surfaceText);
  if (surface !== undefined) draft.surface = surface;
  const rooms = parseRooms(roomsText) ?? parseRooms(title) ?? parseRooms(text) ?? num(roomsText);
  if (rooms !== undefined) draft.rooms = rooms;
  const bedrooms = num(labels.bedrooms) ?? parseBedrooms(text) ?? num(firstText($, card, FIELD.bedrooms));
  if (bedrooms !== undefined) draft.bedrooms = bedrooms;
  const bathrooms = parseBathrooms(text) ?? num(firstText($, card, FIELD.bathrooms));
  if (bathrooms !== undefined) draft.bathrooms = bathrooms;
  const type = parsePropertyType(labels.type) ?? parsePropertyType(typeText) ?? parsePropertyType(title) ?? parsePropertyType(text);
  if (type) draft.propertyType = type;
  if (addressText) draft.address = addressText;
  const arr = place.postalCode ? undefined : (parseArrondissement(title) ?? parseArrondissement(text));
  const where = arr ?? textPlace;
  if (where.postalCode) draft.postalCode = where.postalCode;
  if (where.city) draft.city = where.city;
  const ref = parseReference(text);
  if (ref) draft.externalId = ref;
  return draft;
}

/** Cards by shape: blocks each holding exactly one price and a link, repeated with the same tag/class signature. */
function cardsByShape($: CheerioAPI, root: AnyNode): Element[] {
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
