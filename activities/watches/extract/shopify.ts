/** Shopify stores publish their catalogue at /products.json; agencies on Shopify list one property per product. */
import { detectFeatures } from './french/features.js';
import { normalizeSpaces } from './french/fold.js';
import { parsePostalCity } from './french/postal.js';
import { detectTransaction, parsePrice } from './french/prices.js';
import { mapTypeName, parsePropertyType } from './french/property-types.js';
import { parseBathrooms, parseBedrooms, parseRooms, parseSurface } from './french/surface-rooms.js';
import { qualityScore } from './quality.js';
import { statusWord } from './status.js';
import { absoluteUrl, htmlToText } from './text.js';
import type { ListingDraft } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function shopPrice(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 0 ? Math.round(v) : undefined;
  if (typeof v !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) {
    const n = Math.round(Number(v));
    return n > 0 ? n : undefined;
  }
  return parsePrice(v, { allowBare: true });
}

function product(p: Obj, shopUrl: string): ListingDraft | undefined {
  const handle = s(p['handle']);
  const title = s(p['title']);
  if (!handle || !title) return undefined;
  const sourceUrl = absoluteUrl(`/products/${encodeURIComponent(handle)}`, shopUrl);
  if (!sourceUrl) return undefined;
  const tags = Array.isArray(p['tags']) ? p['tags'].map(String) : typeof p['tags'] === 'string' ? p['tags'].split(',') : [];
  const tagText = tags
    .map((t) => normalizeSpaces(t))
    .filter(Boolean)
    .join(' · ');
  const body = typeof p['body_html'] === 'string' ? htmlToText(p['body_html']) : '';
  const variants = Array.isArray(p['variants']) ? p['variants'].filter(isObj) : [];
  const variant = variants[0];
  const price = variants.map((v) => shopPrice(v['price'])).find((x) => x !== undefined);
  const productType = s(p['product_type']) ?? '';
  // Services and fees sold through the shop (a free estimation, application fees) are not listings.
  if (/\b(service|services|frais|fees?|honoraires|estimation|diagnostics?|abonnement|gift|carte cadeau)\b/i.test(productType)) return undefined;
  const all = `${title}\n${tagText}\n${body}`;
  const place = [tagText, title, body].map((t) => parsePostalCity(t)).find((x) => x.postalCode) ?? {};
  const photos = (Array.isArray(p['images']) ? p['images'] : [])
    .map((i) => (isObj(i) ? absoluteUrl(s(i['src']), shopUrl) : undefined))
    .filter((u): u is string => !!u);
  const draft: Omit<ListingDraft, 'quality'> = { sourceUrl, title, photos, features: detectFeatures(`${tagText}\n${body}`) };
  const externalId = s(variant?.['sku']) ?? s(p['id']);
  if (externalId) draft.externalId = externalId;
  if (price !== undefined) {
    draft.price = price;
    const t = detectTransaction(`${title} ${tagText}`, price);
    if (t) draft.transaction = t;
  }
  const compareAt = variant ? shopPrice(variant['compare_at_price']) : undefined;
  if (price !== undefined && compareAt !== undefined && compareAt > price) draft.previousPrice = compareAt;
  const tagStatus = tags.map((t) => statusWord(t)).find((x) => x !== undefined);
  draft.status = tagStatus ?? (variants.length > 0 && variants.every((v) => v['available'] === false) ? 'sold' : 'active');
  const surface = parseSurface(tagText) ?? parseSurface(title) ?? parseSurface(body);
  if (surface !== undefined) draft.surface = surface;
  const rooms = parseRooms(tagText) ?? parseRooms(title) ?? parseRooms(body);
  if (rooms !== undefined) draft.rooms = rooms;
  const bedrooms = parseBedrooms(all);
  if (bedrooms !== undefined) draft.bedrooms = bedrooms;
  const bathrooms = parseBathrooms(all);
  if (bathrooms !== undefined) draft.bathrooms = bathrooms;
  const type = mapTypeName(s(p['product_type'])) ?? parsePropertyType(title) ?? parsePropertyType(tagText);
  if (type) draft.propertyType = type;
  if (place.postalCode) draft.postalCode = place.postalCode;
  if (place.city) draft.city = place.city;
  if (body) draft.description = body.slice(0, 8000);
  // A product with nothing of a property (no type, surface or rooms) and no price is not a listing.
  if (draft.propertyType === undefined && draft.surface === undefined && draft.rooms === undefined) return undefined;
  return { ...draft, quality: qualityScore(draft) };
}

/** `/products.json` → listing drafts. Anything that is not a products document yields []. */
export function extractShopifyProducts(json: unknown, shopUrl: string): ListingDraft[] {
  const list = isObj(json) && Array.isArray(json['products']) ? json['products'] : Array.isArray(json) ? json : [];
  const out: ListingDraft[] = [];
  for (const p of list) {
    if (!isObj(p)) continue;
    try {
      const d = product(p, shopUrl);
      if (d) out.push(d);
    } catch {
      // One malformed product never hides the others.
    }
  }
  return out;
}
