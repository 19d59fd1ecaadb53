/**
 * Structured data: JSON-LD blocks (tolerating the malformed JSON agency sites ship) and microdata,
 * read into plain schema.org-shaped objects, then mapped to listing drafts.
 */
import { textOf } from '../../../core/text-of.js';
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { detectTransaction, featureKey, mapTypeName, normalizeSpaces, parseAmount, parsePostalCity, parsePrice, parseRooms, parseSurface } from './french.js';
import { absoluteUrl, htmlToText } from './text.js';
import { statusFromAvailability } from './status.js';
import type { ListingDraft, ListingStatus, PriceQualifier, PropertyType, TransactionType } from './types.js';

export type Node = Record<string, unknown>;

const LISTING_TYPES = new Set([
  'realestatelisting',
  'residence',
  'apartment',
  'house',
  'singlefamilyresidence',
  'accommodation',
  'apartmentcomplex',
  'gatedresidencecommunity',
  'product',
  'offer',
  'individualproduct',
]);
const ACCOMMODATION_TYPES = new Set([
  'residence',
  'apartment',
  'house',
  'singlefamilyresidence',
  'accommodation',
  'apartmentcomplex',
  'room',
  'suite',
  'place',
]);

export function typesOf(node: Node): string[] {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : t === undefined ? [] : [t];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^https?:\/\/schema\.org\//i, '').toLowerCase());
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

// ---------------------------------------------------------------- JSON-LD parsing

/** Best-effort repair of the JSON-LD seen in the wild: comments, trailing commas, raw newlines in strings, CDATA. */
export function repairJson(text: string): string {
  let s = text
    .trim()
    .replace(/^<!\[CDATA\[/, '')
    .replace(/\]\]>$/, '')
    .replace(/^<!--/, '')
    .replace(/-->$/, '')
    .trim();
  // Raw control characters inside strings: walk the text once, escaping them only when inside quotes.
  let out = '';
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inString) {
      if (ch === '\\') {
        out += ch + (s[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      if (ch === '\n') {
        out += '\\n';
        continue;
      }
      if (ch === '\r') continue;
      if (ch === '\t') {
        out += '\\t';
        continue;
      }
      out += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    out += ch;
  }
  s = out.replace(/,\s*([}\]])/g, '$1');
  // Several top-level objects pasted one after the other: make them an array.
  if (/^\{[\s\S]*\}\s*\{[\s\S]*\}$/.test(s)) s = `[${s.replace(/\}\s*\{/g, '},{')}]`;
  return s;
}

export function parseJsonLd($: CheerioAPI, warnings: string[]): unknown[] {
  const out: unknown[] = [];
  $('script[type="application/ld+json"], script[type="application/ld+json; charset=utf-8"]').each((_i, el) => {
    const raw = $(el).text();
    if (!raw.trim()) return;
    try {
      out.push(JSON.parse(raw));
    } catch {
      try {
        out.push(JSON.parse(repairJson(raw)));
        warnings.push('repaired malformed JSON-LD block');
      } catch {
        warnings.push('unparseable JSON-LD block skipped');
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------- microdata

function microValue($: CheerioAPI, el: Element): unknown {
  if ($(el).is('[itemscope]')) return readScope($, el);
  const content = $(el).attr('content');
  if (content !== undefined) return content;
  const tag = el.tagName?.toLowerCase();
  if (tag === 'a' || tag === 'link' || tag === 'area') return $(el).attr('href') ?? '';
  if (tag === 'img' || tag === 'source' || tag === 'video' || tag === 'audio' || tag === 'iframe') return $(el).attr('src') ?? $(el).attr('data-src') ?? '';
  if (tag === 'meta') return $(el).attr('content') ?? '';
  if (tag === 'data' || tag === 'meter') return $(el).attr('value') ?? $(el).text();
  if (tag === 'time') return $(el).attr('datetime') ?? $(el).text();
  return normalizeSpaces($(el).text());
}

function readScope($: CheerioAPI, scope: Element): Node {
  const node: Node = {};
  const itemtype = $(scope).attr('itemtype');
  if (itemtype) node['@type'] = itemtype.split(/\s+/).map((t) => t.replace(/^https?:\/\/schema\.org\//i, ''));
  $(scope)
    .find('[itemprop]')
    .each((_i, el) => {
      const owner = $(el).parent().closest('[itemscope]')[0];
      if (owner !== scope) return;
      const value = microValue($, el);
      for (const prop of ($(el).attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
        const prev = node[prop];
        node[prop] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
    });
  return node;
}

/** Top-level microdata items (itemscope without itemprop), as schema.org-shaped objects. */
export function readMicrodata($: CheerioAPI): Node[] {
  const out: Node[] = [];
  $('[itemscope]:not([itemprop])').each((_i, el) => {
    out.push(readScope($, el));
  });
  return out;
}

// ---------------------------------------------------------------- flattening

interface Flattened {
  listings: Node[];
  /** URLs named by an ItemList whose elements carry no details. */
  links: string[];
}

const REF_KEYS = ['about', 'mainEntity', 'itemOffered', 'offers', 'containsPlace', 'containedInPlace'];

/** Walk arrays, @graph, ItemList and WebPage.mainEntity; resolve @id references; keep root listing nodes. */
export function flattenStructured(values: unknown[]): Flattened {
  const all: Node[] = [];
  const links: string[] = [];
  const byId = new Map<string, Node>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isNode(v)) return;
    const id = v['@id'];
    if (typeof id === 'string' && Object.keys(v).length > 1) byId.set(id, v);
    all.push(v);
    if (v['@graph']) visit(v['@graph'], depth + 1);
    const types = typesOf(v);
    if (types.includes('itemlist') || types.includes('searchresultspage') || types.includes('collectionpage')) {
      for (const el of arr(v['itemListElement'] ?? (isNode(v['mainEntity']) ? v['mainEntity']['itemListElement'] : undefined))) {
        if (!isNode(el)) {
          if (typeof el === 'string') links.push(el);
          continue;
        }
        const item = el['item'];
        if (isNode(item)) visit(item, depth + 1);
        else if (typeof item === 'string') links.push(item);
        else if (typesOf(el).includes('listitem') && typeof el['url'] === 'string' && !el['name']) links.push(el['url']);
        else visit(el, depth + 1);
      }
    }
    if (types.includes('webpage') || types.includes('itempage') || types.includes('collectionpage')) visit(v['mainEntity'], depth + 1);
  };
  visit(values, 0);

  const resolve = (v: unknown): unknown => {
    if (isNode(v) && typeof v['@id'] === 'string' && Object.keys(v).length === 1) return byId.get(v['@id']) ?? v;
    return v;
  };
  // Nodes referenced by another listing node are parts of it, not listings of their own.
  const referenced = new Set<Node>();
  const candidates = all.filter((n) => typesOf(n).some((t) => LISTING_TYPES.has(t)));
  for (const n of candidates) {
    for (const key of REF_KEYS) {
      for (const ref of arr(n[key])) {
        const r = resolve(ref);
        if (isNode(r)) {
          referenced.add(r);
          n[key] = Array.isArray(n[key]) ? arr(n[key]).map(resolve) : r;
        }
      }
    }
  }
  const roots = candidates
    .filter((n) => !referenced.has(n))
    .filter((n) => {
      const types = typesOf(n);
      // A bare Offer counts only when it offers something or carries a name.
      if (types.length === 1 && types[0] === 'offer') return isNode(n['itemOffered']) || typeof n['name'] === 'string';
      return true;
    });
  return { listings: roots, links };
}

// ---------------------------------------------------------------- mapping to drafts

function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const s = normalizeSpaces(v);
    return s || undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isNode(v)) return str(v['name'] ?? v['@value'] ?? v['value']);
  if (Array.isArray(v)) return str(v[0]);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const m = /-?\d+(?:[.,]\d+)?/.exec(v.replace(/[\s\u00a0\u202f]/g, ''));
    return m ? Number(m[0].replace(',', '.')) : undefined;
  }
  if (isNode(v)) return num(v['value'] ?? v['@value'] ?? v['minValue']);
  if (Array.isArray(v)) return num(v[0]);
  return undefined;
}

function priceNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.round(v) : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    // Machine formats: "450000", "450000.00"; otherwise the French parser.
    if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t)) || undefined;
    return parsePrice(t, { allowBare: true }) ?? (parseAmount(t.replace(/[^\d.,\s]/g, '').trim()) || undefined);
  }
  return undefined;
}

function floorSize(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return parseSurface(v) ?? num(v);
  const n = num(v);
  if (n === undefined || n <= 0) return undefined;
  if (isNode(v)) {
    const unit = textOf(v['unitCode'] ?? v['unitText']).toLowerCase();
    if (unit === 'ftk' || unit.includes('ft') || unit.includes('sq f')) return Math.round(n * 0.092903 * 10) / 10;
    if (unit === 'har' || unit === 'hectare') return n * 10_000;
  }
  return Math.round(n * 10) / 10;
}

function images(v: unknown, base: string): string[] {
  const out: string[] = [];
  for (const x of arr(v)) {
    const u = typeof x === 'string' ? x : isNode(x) ? str(x['url'] ?? x['contentUrl']) : undefined;
    const abs = u ? absoluteUrl(u, base) : undefined;
    if (abs) out.push(abs);
  }
  return out;
}

interface OfferInfo {
  price?: number;
  transaction?: TransactionType;
  qualifier?: PriceQualifier;
  status?: ListingStatus;
}

function offerInfo(v: unknown): OfferInfo {
  let status: ListingStatus | undefined;
  for (const o of arr(v)) {
    if (!isNode(o)) continue;
    status ??= statusFromAvailability(str(o['availability']));
    const spec = arr(o['priceSpecification']).find(isNode);
    const exact = priceNum(o['price']) ?? (spec ? priceNum(spec['price']) : undefined);
    const low = exact === undefined ? priceNum(o['lowPrice']) : undefined;
    const price = exact ?? low;
    if (price === undefined) continue;
    const currency = str(o['priceCurrency'] ?? spec?.['priceCurrency']);
    if (currency && currency.toUpperCase() !== 'EUR') continue;
    const fn = textOf(o['businessFunction']).toLowerCase();
    const unit = textOf(spec?.['unitText'] ?? spec?.['unitCode']).toLowerCase();
    let transaction: TransactionType | undefined;
    if (fn.includes('leaseout') || /mon|month|mois/.test(unit)) transaction = 'rent';
    else if (fn.includes('sell')) transaction = 'sale';
    const out: OfferInfo = transaction ? { price, transaction } : { price };
    if (low !== undefined) out.qualifier = 'from';
    if (status) out.status = status;
    return out;
  }
  return status ? { status } : {};
}

/** The accommodation part of a listing node (about / mainEntity / itemOffered), or the node itself. */
function accommodationOf(node: Node): Node {
  for (const key of ['about', 'mainEntity', 'itemOffered']) {
    const v = arr(node[key]).find(isNode);
    if (v && typesOf(v).some((t) => ACCOMMODATION_TYPES.has(t) || t === 'product')) return v;
  }
  const offers = arr(node['offers']).find(isNode);
  const offered = offers ? arr(offers['itemOffered']).find(isNode) : undefined;
  return offered ?? node;
}

function pick<T>(...vals: Array<T | undefined>): T | undefined {
  for (const v of vals) if (v !== undefined && v !== null && v !== '') return v;
  return undefined;
}

function additionalProperty(nodes: Node[], names: RegExp): unknown {
  for (const n of nodes) {
    for (const p of arr(n['additionalProperty'])) {
      if (isNode(p) && names.test(textOf(p['name'] ?? p['propertyID']))) return p['value'];
    }
  }
  return undefined;
}

/** A structured listing node → the fields it carries (title may be empty; the caller merges). */
export function nodeToDraft(node: Node, pageUrl: string): Partial<ListingDraft> & { photos: string[]; features: string[] } {
  const acc = accommodationOf(node);
  const parts = acc === node ? [node] : [node, acc];
  const get = (k: string): unknown => pick(...parts.map((p) => p[k]));
  const offers = offerInfo(pick(node['offers'], acc['offers'], node));
  const nodeTypes = [...typesOf(node), ...typesOf(acc)];

  const addr = get('address');
  let address: string | undefined;
  let postalCode: string | undefined;
  let city: string | undefined;
  if (isNode(addr)) {
    postalCode = str(addr['postalCode']);
    city = str(addr['addressLocality']);
    address = [str(addr['streetAddress']), [postalCode, city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || undefined;
  } else if (typeof addr === 'string') {
    address = normalizeSpaces(addr);
    ({ postalCode, city } = parsePostalCity(address));
  }

  let propertyType: PropertyType | undefined;
  for (const t of nodeTypes) {
    if (t === 'apartment' || t === 'house' || t === 'singlefamilyresidence') {
      propertyType = mapTypeName(t);
      break;
    }
  }
  propertyType ??= mapTypeName(str(get('category')) ?? str(additionalProperty(parts, /type/i))) ?? mapTypeName(str(get('name')));

  const features: string[] = [];
  for (const f of arr(get('amenityFeature'))) {
    if (isNode(f)) {
      if (f['value'] === false || f['value'] === 'false') continue;
      const k = featureKey(textOf(f['name']));
      if (k) features.push(k);
    } else if (typeof f === 'string') {
      const k = featureKey(f);
      if (k) features.push(k);
    }
  }

  const url = str(node['url']) ?? str(acc['url']) ?? (typeof node['@id'] === 'string' && /^https?:/.test(node['@id']) ? node['@id'] : undefined);
  const descriptionRaw = str(get('description'));
  const price = offers.price ?? priceNum(get('price'));
  const rooms = num(get('numberOfRooms')) ?? parseRooms(str(additionalProperty(parts, /pi[eè]ces|rooms/i)));
  const out: Partial<ListingDraft> & { photos: string[]; features: string[] } = {
    sourceUrl: url ? absoluteUrl(url, pageUrl) : undefined,
    externalId: str(get('sku')) ?? str(get('productID')) ?? str(get('identifier')) ?? str(get('mpn')),
    title: str(get('name')) ?? str(get('headline')),
    price,
    transaction: offers.transaction ?? (price !== undefined ? detectTransaction(descriptionRaw ?? '', price) : undefined),
    surface: floorSize(get('floorSize')) ?? floorSize(additionalProperty(parts, /surface|floor/i)),
    rooms: rooms !== undefined ? Math.round(rooms) : undefined,
    bedrooms: num(get('numberOfBedrooms')),
    bathrooms: num(get('numberOfBathroomsTotal')) ?? num(get('numberOfFullBathrooms')) ?? num(get('numberOfBathrooms')),
    propertyType,
    address,
    postalCode,
    city,
    description: descriptionRaw ? htmlToText(descriptionRaw) : undefined,
    photos: images(get('image') ?? get('photo'), pageUrl),
    features,
  };
  if (offers.qualifier) out.priceQualifier = offers.qualifier;
  const status = offers.status ?? statusFromAvailability(str(get('availability')));
  if (status) out.status = status;
  return out;
}
