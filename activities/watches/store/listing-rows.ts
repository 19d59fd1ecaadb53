/** Stored listing rows back to the extractor's ListingDraft shape (for matching and comparison). */
import type { ListingDraft, ListingStatus, PropertyType } from '../extract/types.js';

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
  status?: string;
  price_qualifier?: string | null;
  previous_price?: number | string | null;
  property_subtype?: string | null;
}

const STATUSES = ['active', 'under_offer', 'sold', 'removed'] as const;
const QUALIFIERS = ['from', 'on_request'] as const;
const TRANSACTIONS = ['sale', 'rent'] as const;
/** `v` when it is one of `allowed`, else null (a stored text column read back as its union type). */
function oneOf<T extends string>(v: string | null | undefined, allowed: readonly T[]): T | null {
  return v !== null && v !== undefined && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

/** A stored listing as a draft: its status may also be `removed` (gone from the site). */
export type StoredDraft = Omit<ListingDraft, 'status'> & { status?: ListingStatus | 'removed' };

const num = (v: number | string | null): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function rowToDraft(r: ListingRowLike): StoredDraft {
  return {
    sourceUrl: r.source_url,
    externalId: opt(r.external_id),
    title: r.title,
    price: num(r.price),
    transaction: oneOf(r.transaction, TRANSACTIONS) ?? undefined,
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
    status: oneOf(r.status, STATUSES) ?? undefined,
    priceQualifier: oneOf(r.price_qualifier, QUALIFIERS) ?? undefined,
    previousPrice: r.previous_price === undefined ? undefined : num(r.previous_price),
    propertySubtype: r.property_subtype === 'studio' ? 'studio' : undefined,
  };
}

/** The public JSON shape of a listing (API answers, webhook bodies). */
export function listingJson(r: ListingRowLike & { source_id?: number; duplicate_of?: number | null; first_seen_at?: Date; last_seen_at?: Date }) {
  return {
    id: r.id,
    sourceId: r.source_id ?? null,
    sourceUrl: r.source_url,
    externalId: r.external_id,
    title: r.title,
    price: num(r.price) ?? null,
    pricePerSqm: r.price !== null && r.surface !== null && Number(r.surface) > 0 ? Math.round(Number(r.price) / Number(r.surface)) : null,
    transaction: oneOf(r.transaction, TRANSACTIONS),
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
    status: oneOf(r.status, STATUSES),
    priceQualifier: oneOf(r.price_qualifier, QUALIFIERS),
    previousPrice: num(r.previous_price ?? null) ?? null,
    propertySubtype: r.property_subtype ?? null,
    duplicateOf: r.duplicate_of ?? null,
    firstSeenAt: r.first_seen_at?.toISOString() ?? null,
    lastSeenAt: r.last_seen_at?.toISOString() ?? null,
  };
}
