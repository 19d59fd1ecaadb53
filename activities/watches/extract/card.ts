/**
 * One listing card's fields: link (or the card's own anchor), title, price (struck-through
 * previous price, "sur demande"), status, surface, rooms, bedrooms, bathrooms, type, place, reference.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { linkOf } from './card-link.js';
import { findIn } from './chrome.js';
import { detectFeatures } from './french/features.js';
import { normalizeSpaces } from './french/fold.js';
import { parseArrondissement } from './french/postal.js';
import { isPriceOnRequest, parsePriceInfo } from './french/prices.js';
import { parsePropertyType } from './french/property-types.js';
import { parseReference } from './french/reference.js';
import { parseBathrooms, parseBedrooms, parseRooms, parseSurface } from './french/surface-rooms.js';
import { siteCountry } from './hosts.js';
import { readLabels } from './labels.js';
import { parsePlace } from './places.js';
import { statusIn } from './status.js';
import { previousPriceIn } from './struck.js';
import { CARD_ADDRESS, CARD_PRICE, CARD_TITLE, FIELD } from './themes.js';
import { absoluteUrl, blockText } from './text.js';
import type { ExtractSelectors, ListingDraft } from './types.js';

export type CardDraft = Omit<ListingDraft, 'quality'>;

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

/** The source's own selectors may be invalid: they never break extraction (the caller reports them). */
function safeFirst($: CheerioAPI, root: Cheerio<AnyNode>, selector: string | undefined): string | undefined {
  try {
    return firstText($, root, selector);
  } catch {
    return undefined;
  }
}

/** An id that names this card in its page: its own, else its first descendant's (Wix repeater items, `#ref-…` blocks). */
export function cardAnchor($: CheerioAPI, el: AnyNode): string | undefined {
  const own = (el as Element).attribs?.['id'];
  if (own) return own;
  const inner = $(el).find('[id]').first().attr('id');
  return inner || undefined;
}

/** Fields of one card. */
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
