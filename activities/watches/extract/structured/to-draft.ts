/** A structured listing node (JSON-LD or microdata, flattened) mapped to the fields of a listing draft. */
import { textOf } from '../../../../core/text-of.js';
import { featureKey } from '../french/features.js';
import { normalizeSpaces } from '../french/fold.js';
import { parsePostalCity } from '../french/postal.js';
import { detectTransaction } from '../french/prices.js';
import { mapTypeName } from '../french/property-types.js';
import { parseRooms, parseSurface } from '../french/surface-rooms.js';
import { statusFromAvailability } from '../status.js';
import { absoluteUrl, htmlToText } from '../text.js';
import type { ListingDraft, PropertyType } from '../types.js';
import { arr, DWELLING_TYPES, isNode, num, str, typesOf, type Node } from './nodes.js';
import { offerInfo, priceNum } from './offers.js';

const ACCOMMODATION_TYPES = new Set([...DWELLING_TYPES, 'room', 'suite', 'place']);

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
