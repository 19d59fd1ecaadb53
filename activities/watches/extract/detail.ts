/**
 * Heuristic reading of a listing detail page: theme classes, OpenGraph / meta tags, then French
 * patterns in the main text (site chrome — header, footer, navigation, related listings — left out).
 */
import type { CheerioAPI } from 'cheerio';
import { isDocument, isTag, isText, type AnyNode } from 'domhandler';
import { detectFeatures, featureKey } from './french/features.js';
import { normalizeSpaces } from './french/fold.js';
import { isPriceOnRequest, parsePriceInfo } from './french/prices.js';
import { parsePropertyType } from './french/property-types.js';
import { parseReference } from './french/reference.js';
import { parseBathrooms, parseBedrooms, parseRooms, parseSurface } from './french/surface-rooms.js';
import { CHROME, DETAIL_ADDRESS, DETAIL_DESCRIPTION, DETAIL_FEATURES, DETAIL_GALLERY, DETAIL_PRICE, DETAIL_ROOT, DETAIL_TITLE, FIELD } from './themes.js';
import { absoluteUrl, blockText } from './text.js';
import { inChrome, matchSet, within } from './chrome.js';
import { readLabels } from './labels.js';
import { siteCountry } from './hosts.js';
import { parsePlace, type FourDigitCountry } from './places.js';
import { statusIn } from './status.js';
import { previousPriceIn } from './struck.js';
import type { ExtractSelectors, ListingDraft } from './types.js';

export type DetailDraft = Partial<Omit<ListingDraft, 'quality'>> & { photos: string[]; features: string[] };

const metaMaps = new WeakMap<CheerioAPI, Map<string, string>>();

/** First non-empty `<meta property|name=…>` content among `names` (all meta tags read once per document). */
function meta($: CheerioAPI, ...names: string[]): string | undefined {
  let map = metaMaps.get($);
  if (!map) {
    map = new Map();
    for (const el of matchSet($, 'meta')) {
      if (!isTag(el)) continue;
      const attrs = el.attribs;
      const key = attrs['property'] ?? attrs['name'];
      const content = attrs['content'];
      if (key && content && content.trim() && !map.has(key.toLowerCase())) map.set(key.toLowerCase(), normalizeSpaces(content));
    }
    metaMaps.set($, map);
  }
  for (const n of names) {
    const v = map.get(n.toLowerCase());
    if (v) return v;
  }
  return undefined;
}

function firstText($: CheerioAPI, selector: string): string | undefined {
  for (const el of matchSet($, selector)) {
    if (inChrome($, el)) continue;
    const t = blockText($, el).replace(/\n/g, ' ').trim();
    if (t) return t;
  }
  return undefined;
}

/** The main region: the first selector of DETAIL_ROOT (in priority order) that matches, else the document. */
function mainRoot($: CheerioAPI): AnyNode {
  // One document query for the whole list, then the priority order among the few candidates.
  const candidates = [...matchSet($, DETAIL_ROOT)];
  if (candidates.length === 0) return $.root()[0]!;
  for (const sel of DETAIL_ROOT.split(', ')) {
    const hit = candidates.find((el) => $(el).is(sel));
    if (hit) return hit;
  }
  return candidates[0]!;
}

/** Text of the main region, without chrome. */
export function mainText($: CheerioAPI): string {
  const root = mainRoot($);
  const skip = new Set<AnyNode>($(CHROME).toArray());
  const parts: string[] = [];
  const walk = (n: AnyNode): void => {
    if (skip.has(n)) return;
    if (isText(n)) {
      parts.push(n.data);
      return;
    }
    if (!isTag(n) && !isDocument(n)) return;
    const name = isTag(n) ? n.name : '';
    if (['script', 'style', 'noscript', 'template', 'svg', 'head'].includes(name)) return;
    const block = !['a', 'span', 'strong', 'b', 'em', 'i', 'small', 'sup', 'sub', 'abbr', 'label', 'font', 'u'].includes(name);
    if (block) parts.push('\n');
    for (const c of n.children) walk(c);
    if (block) parts.push('\n');
  };
  walk(root);
  return parts
    .join('')
    .split('\n')
    .map((l) => normalizeSpaces(l))
    .filter(Boolean)
    .join('\n');
}

function gallery($: CheerioAPI, pageUrl: string): string[] {
  const out: string[] = [];
  matchSet($, DETAIL_GALLERY).forEach((el) => {
    if (inChrome($, el)) return;
    const $el = $(el);
    const src = $el.is('a')
      ? $el.attr('href')
      : ($el.attr('data-src') ??
        $el.attr('data-lazy-src') ??
        $el.attr('data-full') ??
        $el.attr('src') ??
        $el.attr('srcset')?.split(',')[0]?.trim().split(/\s+/)[0]);
    const abs = absoluteUrl(src, pageUrl);
    if (abs && !/logo|icon|sprite|placeholder|avatar|blank\.gif|\.svg/i.test(abs) && !out.includes(abs)) out.push(abs);
  });
  if (out.length === 0) {
    // No known gallery: the content images of the main region (not logos, icons or chrome).
    const root = mainRoot($);
    for (const el of within($, root, 'img')) {
      if (inChrome($, el)) continue;
      const width = Number($(el).attr('width') ?? '0');
      const src = $(el).attr('data-src') ?? $(el).attr('src');
      const abs = absoluteUrl(src, pageUrl);
      if (abs && (width === 0 || width >= 150) && !/logo|icon|sprite|placeholder|avatar|blank\.gif|\.svg|\.gif$/i.test(abs) && !out.includes(abs))
        out.push(abs);
    }
  }
  const og = absoluteUrl(meta($, 'og:image', 'twitter:image'), pageUrl);
  if (og && !out.includes(og)) out.push(og);
  return out.slice(0, 50);
}

/** The longest paragraph of the main region (at least 80 characters), a description when no theme names one. */
function longestParagraph($: CheerioAPI): string | undefined {
  let best = '';
  const root = mainRoot($);
  for (const el of within($, root, 'p, div.texte, div.text')) {
    if (inChrome($, el)) continue;
    const t = normalizeSpaces($(el).text());
    if (t.length > best.length) best = t;
  }
  return best.length >= 80 ? best : undefined;
}

/** Find the first line of the text matching a labelled pattern, e.g. price lines mentioning "prix" or "loyer". */
function labelledLine(text: string, label: RegExp): string | undefined {
  return text.split('\n').find((l) => label.test(l));
}

/** Amounts that are not the listing's price: taxes, charges, fees, deposits, energy costs, weekly rents. */
const NOT_THE_PRICE =
  /(taxe|charges?|honoraires\s*(?:locataire|de location|d['’]agence)?\s*:|frais\s+(?:de|d['’])|d[ée]p[ôo]t|garantie|caution|[ée]nergie|energy|tax\b|fees?|service charges?|deposit|per week|par semaine|\/\s*semaine|r[ée]servation|capital|barème|bar[èe]me|minimum)/i;

/** The first line of the listing's text with a price that is not a tax, a fee or a deposit. */
function firstPriceLine(text: string): string | undefined {
  return text.split('\n').find((l) => !NOT_THE_PRICE.test(l) && parsePriceInfo(l) !== undefined);
}

/** A line that belongs to an agency's own address block (street, phone, legal mentions) rather than to a listing. */
const AGENCY_LINE =
  /(\b\d{1,4}\s*(?:bis|ter)?\s*,?\s*(?:rue|avenue|av\.|bd|boulevard|place|quai|cours|all[ée]e|chemin|impasse|route|square|faubourg)\b|\bt[ée]l\b|\btel\.|t[ée]l[ée]phone|\bphone\b|siret|rcs|carte (?:t|pro)|©|capital|\+33|\b0\d(?:[ .]?\d\d){4}\b)/i;

/** Places in the listing text, the agency's own address lines (and their neighbours) left to the end. */
function placeFromText(text: string, country?: FourDigitCountry): { postalCode?: string; city?: string } | undefined {
  const lines = text.split('\n');
  const near = (i: number): boolean => [i - 1, i + 1].some((j) => j >= 0 && j < lines.length && AGENCY_LINE.test(lines[j]!));
  // An address block: the street or phone line itself, or a bare "21200 BEAUNE" line next to one.
  const agency = (i: number): boolean => AGENCY_LINE.test(lines[i]!) || (lines[i]!.length <= 40 && /^\d{5}\s/.test(lines[i]!) && near(i));
  let fallback: { postalCode?: string; city?: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const p = parsePlace(lines[i], country);
    if (!p.postalCode) continue;
    if (!agency(i)) return p;
    fallback ??= p;
  }
  return fallback;
}

export function readDetail($: CheerioAPI, pageUrl: string, sel: ExtractSelectors = {}): DetailDraft {
  const text = mainText($);
  const root = mainRoot($);
  const labels = readLabels($, root, (el) => inChrome($, el), text);
  const pick = (selector: string | undefined): string | undefined => {
    if (!selector) return undefined;
    try {
      return firstText($, selector);
    } catch {
      return undefined;
    }
  };
  const title = pick(sel.title) ?? pick(DETAIL_TITLE) ?? meta($, 'og:title', 'twitter:title') ?? (normalizeSpaces($('title').first().text()) || undefined);
  const d: DetailDraft = { photos: gallery($, pageUrl), features: [] };
  if (title) d.title = title;

  // The first source that gives a price, or says it is on request, decides: never a page-wide amount after "sur demande".
  const priceLine = labelledLine(text, /\b(prix|loyer|price|tarif)\b/i);
  const sources: Array<[string | undefined, boolean]> = [
    [pick(sel.price), true],
    [pick(DETAIL_PRICE), true],
    [labels.price, true],
    [meta($, 'product:price:amount', 'og:price:amount'), true],
    [priceLine, false],
  ];
  let priceInfo: ReturnType<typeof parsePriceInfo>;
  let onRequest = false;
  for (const [t, bare] of sources) {
    if (!t) continue;
    priceInfo = parsePriceInfo(t, { allowBare: bare });
    if (priceInfo) break;
    if (isPriceOnRequest(t)) {
      onRequest = true;
      break;
    }
  }
  if (!priceInfo && !onRequest) {
    if (text.split('\n').some((l) => l.length <= 60 && isPriceOnRequest(l))) onRequest = true;
    else priceInfo = parsePriceInfo(firstPriceLine(text));
  }
  if (priceInfo) {
    d.price = priceInfo.price;
    if (priceInfo.transaction) d.transaction = priceInfo.transaction;
    if (priceInfo.qualifier) d.priceQualifier = priceInfo.qualifier;
    const was = previousPriceIn($, root, priceInfo.price);
    if (was !== undefined) d.previousPrice = was;
  } else if (onRequest) d.priceQualifier = 'on_request';
  const status = statusIn($, root, text, (el) => inChrome($, el));
  if (status) d.status = status;

  const count = (v: string | undefined): number | undefined => (v && /^\d{1,2}$/.test(v.trim()) ? Number(v.trim()) : undefined);
  const surface =
    parseSurface(pick(sel.surface)) ??
    parseSurface(labels.surface) ??
    (labels.surface ? parseSurface(`${labels.surface} m²`) : undefined) ??
    parseSurface(pick(FIELD.surface)) ??
    parseSurface(text) ??
    parseSurface(title);
  if (surface !== undefined) d.surface = surface;
  const rooms = parseRooms(pick(sel.rooms)) ?? count(labels.rooms) ?? parseRooms(title) ?? parseRooms(labelledLine(text, /pi[eè]ces?\b/i)) ?? parseRooms(text);
  if (rooms !== undefined) d.rooms = rooms;
  const bedrooms = count(labels.bedrooms) ?? parseBedrooms(text);
  if (bedrooms !== undefined) d.bedrooms = bedrooms;
  const bathrooms = parseBathrooms(text);
  if (bathrooms !== undefined) d.bathrooms = bathrooms;

  const description = pick(DETAIL_DESCRIPTION) ?? longestParagraph($) ?? meta($, 'og:description', 'description');
  if (description) d.description = description.slice(0, 8000);

  const type = parsePropertyType(labels.type) ?? parsePropertyType(title) ?? parsePropertyType(pick(FIELD.type)) ?? parsePropertyType(description);
  if (type) d.propertyType = type;

  const country = siteCountry($, pageUrl);
  const address = pick(DETAIL_ADDRESS);
  if (address) d.address = address.slice(0, 300);
  // The listing's own place first (its labels, title, address), the agency's address lines last.
  const labelled = [
    labels.place,
    [labels.city, labels.postalCode].filter(Boolean).join(' '),
    labels.city && labels.postalCode ? `${labels.postalCode} ${labels.city}` : undefined,
  ].map((t) => parsePlace(t, country));
  const fromLabels = labelled.find((p) => p.postalCode && p.city) ?? labelled.find((p) => p.postalCode);
  // French forms over the whole text before a four-digit country's forms.
  const place =
    fromLabels ??
    [title, address].map((t) => parsePlace(t, country)).find((p) => p.postalCode) ??
    placeFromText(text) ??
    (country ? placeFromText(text, country) : undefined);
  if (place?.postalCode) d.postalCode = place.postalCode;
  if (place?.city) d.city = place.city;
  if (!d.city) {
    const locality = meta($, 'og:locality', 'geo.placename');
    if (locality) d.city = locality;
  }

  const features = new Set<string>();
  matchSet($, DETAIL_FEATURES).forEach((el) => {
    if (inChrome($, el)) return;
    const k = featureKey($(el).text());
    if (k) features.add(k);
  });
  for (const f of detectFeatures(`${title ?? ''}\n${description ?? ''}`)) features.add(f);
  d.features = [...features];

  const ref = parseReference(text);
  if (ref) d.externalId = ref;
  // Identity is the URL the page was fetched at (what list-page cards link to), not its canonical.
  d.sourceUrl = pageUrl;
  return d;
}
