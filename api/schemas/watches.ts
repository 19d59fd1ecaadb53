/**
 * Response shapes of the watches routes that carry listings and their events: a listing, a
 * listing event (the feed, run reports), a source run and its page errors; each with the function
 * that maps its stored row to it.
 */
import { z } from '@hono/zod-openapi';
import { NOT_ERRORS } from '../../activities/watches/store/runs.js';
import { LISTING_EVENTS, type ListingEvent } from '../../db/schema/watches.js';

export const LISTING_STATUSES = ['active', 'under_offer', 'sold', 'removed'] as const;

export const ListingOut = z
  .object({
    id: z.number().int(),
    sourceId: z.number().int().nullable(),
    sourceUrl: z.string(),
    externalId: z.string().nullable(),
    title: z.string(),
    price: z.number().nullable().openapi({ description: 'EUR; null when the price is on request or not shown' }),
    priceQualifier: z
      .enum(['from', 'on_request'])
      .nullable()
      .openapi({ description: '"from": a starting price ("à partir de"); "on_request": no price given ("prix sur demande")' }),
    previousPrice: z.number().nullable().openapi({ description: 'The price before the last price change (or the struck-through price the page shows)' }),
    pricePerSqm: z.number().nullable(),
    transaction: z.enum(['sale', 'rent']).nullable(),
    surface: z.number().nullable(),
    rooms: z.number().int().nullable(),
    bedrooms: z.number().int().nullable(),
    bathrooms: z.number().int().nullable(),
    propertyType: z.string().nullable(),
    propertySubtype: z.string().nullable().openapi({ description: 'A finer type than propertyType, e.g. "studio"' }),
    address: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    description: z.string().nullable(),
    photos: z.array(z.string()),
    features: z.array(z.string()),
    quality: z.number(),
    status: z
      .enum(LISTING_STATUSES)
      .nullable()
      .openapi({ description: 'active, under_offer (sous compromis), sold (vendu), removed (gone from the site for K runs)' }),
    duplicateOf: z.number().int().nullable(),
    firstSeenAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
  })
  .openapi('Listing');

const Change = z.object({ old: z.unknown(), new: z.unknown() });

export const ListingEventOut = z
  .object({
    id: z.number().int(),
    type: z.enum(LISTING_EVENTS),
    at: z.string(),
    listingId: z.number().int(),
    sourceId: z.number().int(),
    runId: z.number().int().nullable(),
    sourceUrl: z.string(),
    title: z.string(),
    status: z.enum(LISTING_STATUSES).openapi({ description: "The listing's status now" }),
    price: z.number().nullable().openapi({ description: "The listing's price now" }),
    priceOld: z.number().nullable(),
    priceNew: z.number().nullable(),
    changes: z.record(z.string(), Change).openapi({ description: 'field -> {old, new} for every field that changed (status included)' }),
  })
  .openapi('ListingEvent');

export interface EventRow {
  id: number;
  event: ListingEvent;
  listing_id: number;
  run_id: number | null;
  changes: Record<string, { old: unknown; new: unknown }>;
  price_old: number | null;
  price_new: number | null;
  at: Date;
  source_id: number;
  source_url: string;
  title: string;
  status: (typeof LISTING_STATUSES)[number];
  price: number | null;
}

export function eventJson(r: EventRow): z.infer<typeof ListingEventOut> {
  return {
    id: r.id,
    type: r.event,
    at: r.at.toISOString(),
    listingId: r.listing_id,
    sourceId: r.source_id,
    runId: r.run_id,
    sourceUrl: r.source_url,
    title: r.title,
    status: r.status,
    price: r.price,
    priceOld: r.price_old,
    priceNew: r.price_new,
    changes: r.changes,
  };
}

export const CrawlErrorOut = z
  .object({
    id: z.number().int(),
    url: z.string(),
    kind: z.string().openapi({ description: 'http-<status>, fetch-error, robots-unavailable, retry-after-too-long, too-many-redirects, …' }),
    httpStatus: z.number().int().nullable(),
    counted: z
      .boolean()
      .openapi({ description: "false for what is logged but is no failure (robots.txt refusals, pages without listings): not in the run's errors count" }),
    message: z.string(),
    at: z.string(),
  })
  .openapi('CrawlError');

export function crawlErrorJson(r: {
  id: number;
  url: string;
  kind: string;
  http_status: number | null;
  message: string;
  at: Date;
}): z.infer<typeof CrawlErrorOut> {
  return { id: r.id, url: r.url, kind: r.kind, httpStatus: r.http_status, counted: !NOT_ERRORS.includes(r.kind), message: r.message, at: r.at.toISOString() };
}

export const RunOut = z
  .object({
    id: z.number().int(),
    workflowId: z.string(),
    status: z.enum(['running', 'ok', 'partial', 'failed', 'cancelled']),
    pages: z.number().int(),
    found: z.number().int(),
    new: z.number().int(),
    updated: z.number().int().openapi({ description: 'Listings changed other than by price or sale (under offer included)' }),
    priceChanges: z.number().int(),
    sold: z.number().int(),
    removed: z.number().int(),
    reactivated: z.number().int(),
    errors: z.number().int().openapi({ description: 'Pages that failed (robots refusals and pages without listings are not errors)' }),
    errorMessage: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
  })
  .openapi('SourceRun');

export function runJson(r: {
  id: number;
  workflow_id: string;
  status: z.infer<typeof RunOut>['status'];
  pages: number;
  found: number;
  new: number;
  updated: number;
  price_changes: number;
  sold: number;
  removed: number;
  reactivated: number;
  errors: number;
  error_message: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}): z.infer<typeof RunOut> {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    status: r.status,
    pages: r.pages,
    found: r.found,
    new: r.new,
    updated: r.updated,
    priceChanges: r.price_changes,
    sold: r.sold,
    removed: r.removed,
    reactivated: r.reactivated,
    errors: r.errors,
    errorMessage: r.error_message,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.duration_ms,
  };
}
