/** Stored listing rows back to the extractor's ListingDraft shape (for matching and comparison). */
import type { ListingDraft, PropertyType, TransactionType } from '../extract/types.js';

export interface ListingRowLike {
  id: number;
  source_url: string;
  external_id: string | null;
  title: string;
  price: number | string | null;
  transaction: string | null;
  surface: number | string | null;
  rooms: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  property_type: string | null;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  description: string | null;
  photos: unknown;
  features: unknown;
  quality: number;
}

const num = (v: number | string | null): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function rowToDraft(r: ListingRowLike): ListingDraft {
  return {
    sourceUrl: r.source_url,
    externalId: opt(r.external_id),
    title: r.title,
    price: num(r.price),
    transaction: opt(r.transaction) as TransactionType | undefined,
    surface: num(r.surface),
    rooms: opt(r.rooms),
    bedrooms: opt(r.bedrooms),
    bathrooms: opt(r.bathrooms),
    propertyType: opt(r.property_type) as PropertyType | undefined,
    address: opt(r.address),
    postalCode: opt(r.postal_code),
    city: opt(r.city),
    description: opt(r.description),
    photos: Array.isArray(r.photos) ? (r.photos as string[]) : [],
    features: Array.isArray(r.features) ? (r.features as string[]) : [],
    quality: r.quality,
  };
}

/** The public JSON shape of a listing (API answers, webhook bodies). */
export function listingJson(r: ListingRowLike & { source_id?: number; status?: string; duplicate_of?: number | null; first_seen_at?: Date; last_seen_at?: Date }) {
  return {
    id: r.id,
    sourceId: r.source_id ?? null,
    sourceUrl: r.source_url,
    externalId: r.external_id,
    title: r.title,
    price: num(r.price) ?? null,
    pricePerSqm: r.price !== null && r.surface !== null && Number(r.surface) > 0 ? Math.round(Number(r.price) / Number(r.surface)) : null,
    transaction: r.transaction,
    surface: num(r.surface) ?? null,
    rooms: r.rooms,
    bedrooms: r.bedrooms,
    bathrooms: r.bathrooms,
    propertyType: r.property_type,
    address: r.address,
    postalCode: r.postal_code,
    city: r.city,
    description: r.description,
    photos: Array.isArray(r.photos) ? (r.photos as string[]) : [],
    features: Array.isArray(r.features) ? (r.features as string[]) : [],
    quality: r.quality,
    status: r.status ?? null,
    duplicateOf: r.duplicate_of ?? null,
    firstSeenAt: r.first_seen_at?.toISOString() ?? null,
    lastSeenAt: r.last_seen_at?.toISOString() ?? null,
  };
}
