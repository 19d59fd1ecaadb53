/**
 * Request and response shapes of /v1/sources: a source's fields with their bounds (JSON body, patch
 * and CSV line), its selectors, and `sourceJson` mapping a stored source to its answer.
 */
import { z } from '@hono/zod-openapi';
import type { WatchSource } from '../../db/schema/watches.js';
import { cssSelector, safeText } from './common.js';

const Selectors = z
  .object({
    item: cssSelector().optional(),
    title: cssSelector().optional(),
    price: cssSelector().optional(),
    surface: cssSelector().optional(),
    rooms: cssSelector().optional(),
    link: cssSelector().optional(),
    nextPage: cssSelector().optional(),
  })
  .strict()
  .openapi('SourceSelectors');

const SourceFields = {
  name: safeText(200, { min: 1 }).openapi({ example: 'Agence du Parc' }),
  website: safeText(1000, { min: 1 }).openapi({ example: 'https://agence-du-parc.fr' }),
  postalCodes: z
    .array(z.string().regex(/^\d{5}$/, 'a 5-digit postal code'))
    .max(200)
    .default([]),
  priority: z.number().int().min(0).max(10).default(0).openapi({ description: '>= 1: also crawled every 6 h' }),
  forceBrowser: z.boolean().default(false).openapi({ description: 'Always render pages in Chromium' }),
  selectors: Selectors.default({}),
  listingUrls: z
    .array(safeText(2000, { min: 1 }))
    .max(50)
    .default([])
    .openapi({ description: 'Listing pages to start from; found from the sitemap and a bounded crawl when empty' }),
  active: z.boolean().default(true),
};

export const SourceInput = z.object(SourceFields).strict().openapi('SourceInput');
/** A CSV line holds the same fields as a JSON source, within the same bounds. */
export const CsvRow = z.object({ name: SourceFields.name, website: SourceFields.website, listingUrls: SourceFields.listingUrls });
export const SourcePatch = z
  .object({
    name: SourceFields.name.optional(),
    website: SourceFields.website.optional(),
    postalCodes: z
      .array(z.string().regex(/^\d{5}$/))
      .max(200)
      .optional(),
    priority: z.number().int().min(0).max(10).optional(),
    forceBrowser: z.boolean().optional(),
    selectors: Selectors.optional(),
    listingUrls: SourceFields.listingUrls.unwrap().optional(),
    active: z.boolean().optional(),
    needsBrowser: z.boolean().optional().openapi({ description: 'Reset the remembered "needs JavaScript" flag' }),
    flagged: z.literal(false).optional().openapi({ description: 'false clears the failure flag' }),
  })
  .strict()
  .openapi('SourcePatch');

export const SourceOut = z
  .object({
    id: z.number(),
    name: z.string(),
    website: z.string(),
    postalCodes: z.array(z.string()),
    priority: z.number(),
    forceBrowser: z.boolean(),
    selectors: z.record(z.string(), z.unknown()),
    listingUrls: z.array(z.string()),
    needsBrowser: z.boolean(),
    detectedFormat: z.string().nullable(),
    active: z.boolean(),
    consecutiveFailures: z.number(),
    flaggedAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Source');

export function sourceJson(s: WatchSource) {
  return {
    id: s.id,
    name: s.name,
    website: s.website,
    postalCodes: s.postal_codes,
    priority: s.priority,
    forceBrowser: s.force_browser,
    selectors: s.selectors as Record<string, unknown>,
    listingUrls: s.listing_urls,
    needsBrowser: s.needs_browser,
    detectedFormat: s.detected_format,
    active: s.active,
    consecutiveFailures: s.consecutive_failures,
    flaggedAt: s.flagged_at?.toISOString() ?? null,
    lastRunAt: s.last_run_at?.toISOString() ?? null,
    lastError: s.last_error,
    createdAt: s.created_at.toISOString(),
  };
}
