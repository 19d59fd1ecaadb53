/**
 * Listing extraction from one fetched page. Structured data first (JSON-LD, microdata), then theme
 * classes and OpenGraph, then French text heuristics; the source's own CSS selectors, when given and
 * matching, win for the fields they name. Never throws: garbage in, zero listings and a warning out.
 */
import type { CheerioAPI } from 'cheerio';
import { loadHtml } from './chrome.js';
import { type CardDraft } from './card.js';
import { findCards, selectorError } from './cards.js';
import { readDetail, type DetailDraft } from './detail.js';
import { normalizeSpaces } from './french/fold.js';
import { detectTransaction, parsePriceInfo } from './french/prices.js';
import { isStudio, parsePropertyType } from './french/property-types.js';
import { parseRooms, parseSurface } from './french/surface-rooms.js';
import { detectFormat, looksJsRendered } from './format.js';
import { findListingLinks, findPagination } from './links.js';
import { qualityScore } from './quality.js';
import { flattenStructured } from './structured/flatten.js';
import { parseJsonLd } from './structured/json-ld.js';
import { readMicrodata } from './structured/microdata.js';
import { typesOf } from './structured/nodes.js';
import { nodeToDraft } from './structured/to-draft.js';
import { detectTheme } from './themes.js';
import { rebaseLinks, rebaseUrl, siteCountry, siteHosts } from './hosts.js';
import { parsePlace, placeFromSlug, type FourDigitCountry } from './places.js';
import { markStruckPrices } from './struck.js';
import { blockText, sameHost } from './text.js';
import type { ExtractOptions, ExtractResult, ListingDraft } from './types.js';

export type * from './types.js';
export { detectFormat } from './format.js';
export { extractShopifyProducts } from './shopify.js';
export { qualityScore, qualityIssues } from './quality.js';
export { detectTheme } from './themes.js';

/** Pages bigger than this are cut (a listing page is rarely over 1 MB; a runaway one must not stall a worker). */
export const MAX_HTML_CHARS = 3_000_000;

/** A list page's URL never describes one listing: page 2 of a list is not a listing. */
const PAGINATED = /([?&](page|paged|pg|pagenum)=\d+|\/page\/\d+\/?$|\/page-\d+\/?$)/i;

type Partial_ = Partial<Omit<ListingDraft, 'quality'>> & { photos: string[]; features: string[] };

function sameUrl(a: string, b: string): boolean {
  const n = (u: string): string => {
    try {
      const x = new URL(u);
      x.hash = '';
      return `${x.hostname.replace(/^www\./, '')}${x.pathname.replace(/\/+$/, '')}${x.search}`;
    } catch {
      return u;
    }
  };
  return n(a) === n(b);
}

/** Fill the gaps of `a` from `b`; arrays are unioned (a's order first). */
function merge(a: Partial_, b: Partial_): Partial_ {
  const out: Partial_ = { ...a, photos: [...new Set([...a.photos, ...b.photos])], features: [...new Set([...a.features, ...b.features])] };
  for (const [k, v] of Object.entries(b) as Array<[keyof Partial_, unknown]>) {
    if (k === 'photos' || k === 'features') continue;
    const cur = out[k];
    if ((cur === undefined || cur === '') && v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function fallbackTitle(d: Partial_): string {
  const type = { apartment: 'Appartement', house: 'Maison', land: 'Terrain', commercial: 'Local commercial', parking: 'Parking', other: 'Bien' }[
    d.propertyType ?? 'other'
  ];
  const bits = [type, d.rooms ? `${d.rooms} pièces` : undefined, d.surface ? `${d.surface} m²` : undefined, d.city].filter(Boolean);
  return bits.join(' ');
}

/** Complete a draft from its own text (type from title, place from address, transaction from price) and score it. */
function finish(d: Partial_, pageUrl: string, country?: FourDigitCountry): ListingDraft | undefined {
  const sourceUrl = d.sourceUrl ?? pageUrl;
  const title = normalizeSpaces(d.title ?? '') || fallbackTitle(d);
  const out: Omit<ListingDraft, 'quality'> = { ...d, sourceUrl, title, photos: d.photos.slice(0, 50), features: d.features.slice(0, 60) };
  if (out.propertyType === undefined) {
    const t = parsePropertyType(title) ?? parsePropertyType(out.description);
    if (t) out.propertyType = t;
  }
  if (out.rooms === undefined) {
    const r = parseRooms(title);
    if (r !== undefined) out.rooms = r;
  }
  if (out.surface === undefined) {
    const s = parseSurface(title);
    if (s !== undefined) out.surface = s;
  }
  if (!out.postalCode || !out.city) {
    const place = [out.address, title, out.description].map((t) => parsePlace(t, country)).find((p) => p.postalCode);
    if (place?.postalCode && !out.postalCode) out.postalCode = place.postalCode;
    if (place?.city && !out.city) out.city = place.city;
  }
  if (!out.postalCode && !country) {
    // The code only in the URL slug ("…-boulogne-billancourt-92100-8812401"); the town before it when the page names none.
    const slug = placeFromSlug(sourceUrl, [title, out.address, out.description].filter(Boolean).join('\n'));
    if (slug.postalCode && (!out.city || !slug.city || slug.city.toLowerCase() === out.city.toLowerCase())) {
      out.postalCode = slug.postalCode;
      if (slug.city && !out.city) out.city = slug.city;
    }
  }
  if (out.price !== undefined && out.transaction === undefined) {
    let t = detectTransaction(`${title} ${out.description?.slice(0, 500) ?? ''}`, out.price);
    // Words in the text ("loué 690 € par mois", "honoraires") never turn an implausible amount into a rent or a sale.
    if (t === 'rent' && out.price >= 20_000) t = 'sale';
    if (t === 'sale' && out.price < 3_000) t = 'rent';
    if (t) out.transaction = t;
  }
  if (out.price === undefined && out.priceQualifier === 'on_request' && out.transaction === undefined) {
    out.transaction = detectTransaction(`${title} ${out.description?.slice(0, 500) ?? ''}`) ?? 'sale';
  }
  if (out.price === undefined && out.priceQualifier === 'from') delete out.priceQualifier;
  if (out.price !== undefined && out.priceQualifier === 'on_request') delete out.priceQualifier;
  if ((out.propertyType === 'apartment' || out.propertyType === undefined) && isStudio(title)) {
    out.propertyType = 'apartment';
    out.propertySubtype = 'studio';
    out.rooms ??= 1;
  }
  out.status ??= 'active';
  if (out.description !== undefined && !out.description) delete out.description;
  for (const k of Object.keys(out) as Array<keyof typeof out>) if (out[k] === undefined) delete out[k];
  if (!out.title) return undefined;
  return { ...out, quality: qualityScore(out) };
}

/** Values read with the source's own selectors on a detail page; they override automatic guesses. */
function selectorOverrides($: CheerioAPI, opts: ExtractOptions): Partial_ {
  const sel = opts.selectors ?? {};
  const text = (s?: string): string | undefined => {
    if (!s) return undefined;
    try {
      const el = $(s).first();
      return el.length ? normalizeSpaces(el.text()) || undefined : undefined;
    } catch {
      return undefined;
    }
  };
  const out: Partial_ = { photos: [], features: [] };
  const title = text(sel.title);
  if (title) out.title = title;
  const price = parsePriceInfo(text(sel.price), { allowBare: true });
  if (price) {
    out.price = price.price;
    if (price.transaction) out.transaction = price.transaction;
  }
  const st = text(sel.surface);
  const surface = parseSurface(st) ?? (st && /^\d+([.,]\d+)?$/.test(st.replace(/\s/g, '')) ? Number(st.replace(/\s/g, '').replace(',', '.')) : undefined);
  if (surface !== undefined) out.surface = surface;
  const rt = text(sel.rooms);
  const rooms = parseRooms(rt) ?? (rt && /^\d{1,2}$/.test(rt) ? Number(rt) : undefined);
  if (rooms !== undefined) out.rooms = rooms;
  return out;
}

function run(html: string, pageUrl: string, opts: ExtractOptions, warnings: string[]): ExtractResult {
  const $ = loadHtml(html);
  markStruckPrices($);
  const hosts = siteHosts($, pageUrl);
  rebaseLinks($, pageUrl, hosts);
  const format = detectFormat(html, pageUrl);
  const theme = format === 'wordpress' || format === 'generic' ? detectTheme(html) : undefined;
  const sel = opts.selectors ?? {};
  for (const s of Object.values(sel)) {
    const err = selectorError($, s);
    if (err) warnings.push(err);
  }

  // 1. Structured data.
  const values = parseJsonLd($, warnings);
  values.push(...readMicrodata($).filter((n) => typesOf(n).length > 0));
  const flat = flattenStructured(values);
  const structured: Partial_[] = flat.listings.map((n) => {
    const d = nodeToDraft(n, pageUrl) as Partial_;
    if (d.sourceUrl) d.sourceUrl = rebaseUrl(d.sourceUrl, pageUrl, hosts);
    return d;
  });

  // 2. Cards (list pages) by theme classes, source selector or shape.
  const { cards, single: loneCard } = findCards($, pageUrl, sel);

  // 3. Decide what the page is and assemble its listings.
  let pageKind: ExtractResult['pageKind'] = 'other';
  let drafts: Partial_[] = [];
  const single = structured.length === 1 ? structured[0]! : undefined;
  if (single && (!single.sourceUrl || sameUrl(single.sourceUrl, pageUrl))) {
    pageKind = 'detail';
    const detail: DetailDraft = readDetail($, pageUrl, sel);
    drafts = [merge(merge(selectorOverrides($, opts), { ...single, sourceUrl: pageUrl }), detail)];
  } else if (structured.length >= 1 || cards.length >= 2) {
    pageKind = 'list';
    const byUrl = new Map<string, CardDraft>(cards.map((c) => [c.sourceUrl, c]));
    const used = new Set<string>();
    for (const s of structured) {
      if (!s.sourceUrl) {
        warnings.push('structured listing without URL skipped');
        continue;
      }
      const card = [...byUrl.values()].find((c) => sameUrl(c.sourceUrl, s.sourceUrl!));
      if (card) used.add(card.sourceUrl);
      drafts.push(card ? merge(s, card) : s);
    }
    for (const c of cards) if (!used.has(c.sourceUrl)) drafts.push(c);
    drafts = drafts.filter((d) => d.sourceUrl !== undefined && sameHost(d.sourceUrl, pageUrl));
  } else {
    const detail = merge(selectorOverrides($, opts), readDetail($, pageUrl, sel));
    const signals = [detail.surface, detail.rooms, detail.propertyType, detail.bedrooms].filter((v) => v !== undefined).length;
    // One card linking elsewhere whose price is the only one on the page: a list page of one.
    // (A detail page wrapped in one `.annonce` block has that block's title as its own: not a list.)
    const loneList =
      loneCard && !sameUrl(loneCard.sourceUrl, pageUrl) && loneCard.title !== detail.title && (detail.price === undefined || detail.price === loneCard.price);
    if (loneList || PAGINATED.test(pageUrl)) {
      if (loneCard) {
        pageKind = 'list';
        drafts = [loneCard];
      }
    } else if (detail.title && ((detail.price !== undefined && signals >= 1) || (detail.priceQualifier === 'on_request' && signals >= 2))) {
      pageKind = 'detail';
      drafts = [detail];
    }
  }
  const country = siteCountry($, pageUrl);
  const listings = drafts.map((d) => finish(d, pageUrl, country)).filter((l): l is ListingDraft => !!l);

  // 4. Links: pagination first, so a "page 2" link is never taken for a listing.
  const nextPages = findPagination($, pageUrl, sel.nextPage);
  const paging = new Set(nextPages);
  const links = new Set<string>();
  const addLink = (u: string): void => {
    if (!sameUrl(u, pageUrl) && !paging.has(u)) links.add(u);
  };
  for (const l of listings) addLink(l.sourceUrl);
  for (const c of cards) addLink(c.sourceUrl);
  for (const u of flat.links) {
    try {
      const abs = rebaseUrl(new URL(u, pageUrl).href, pageUrl, hosts);
      if (sameHost(abs, pageUrl)) addLink(abs);
    } catch {
      /* not a URL */
    }
  }
  for (const u of findListingLinks($, pageUrl, paging)) addLink(u);

  // 5. A page a browser would render differently?
  // (Only pages without listings need their visible text measured.)
  const body = $('body')[0] ?? $.root()[0];
  const visible = listings.length > 0 || !body ? Infinity : blockText($, body).length;
  const needsBrowser = looksJsRendered($, html, visible, listings.length);
  if (needsBrowser) warnings.push('page looks rendered by JavaScript; fetch it with a browser');
  else if (listings.length === 0 && links.size === 0) warnings.push(visible < 50 ? 'page has no readable content' : 'no listing found on the page');

  const result: ExtractResult = { format, listings, listingLinks: [...links], nextPages, needsBrowser, warnings, pageKind };
  if (theme) result.theme = theme;
  return result;
}

export function extractPage(html: string, pageUrl: string, opts: ExtractOptions = {}): ExtractResult {
  const warnings: string[] = [];
  const empty: ExtractResult = { format: 'generic', listings: [], listingLinks: [], nextPages: [], needsBrowser: false, warnings, pageKind: 'other' };
  if (typeof html !== 'string' || !html.trim()) {
    warnings.push('empty page');
    return empty;
  }
  try {
    new URL(pageUrl);
  } catch {
    warnings.push(`invalid page URL ${JSON.stringify(pageUrl)}`);
    return empty;
  }
  let input = html;
  const max = opts.maxHtmlChars ?? MAX_HTML_CHARS;
  if (input.length > max) {
    warnings.push(`page truncated to ${max} characters`);
    input = input.slice(0, max);
  }
  if (!/<[a-z!][^>]*>/i.test(input.slice(0, 20_000))) warnings.push('content does not look like HTML');
  try {
    return run(input, pageUrl, opts, warnings);
  } catch (e) {
    warnings.push(`extraction failed: ${(e as Error).message}`);
    return empty;
  }
}
