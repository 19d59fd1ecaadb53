/**
 * Request and response shapes of /v1/watches (generic watches): a watch's fields with their bounds,
 * its change events, the started sweep, and the functions mapping stored rows to answers.
 */
import { z } from '@hono/zod-openapi';
import type { WatchGeneric } from '../../db/schema/watches.js';
import { cssSelector, safeText } from './common.js';

export const Tag = safeText(50, { min: 1 }).regex(/^[\p{L}\p{N}._:-]+$/u, 'letters, digits, . _ : -');
const Fields = {
  name: safeText(200, { min: 1 }).openapi({ example: 'Tarifs du concurrent' }),
  url: safeText(2000, { min: 1 }).openapi({ example: 'https://example.fr/tarifs' }),
  selector: cssSelector(500).openapi({ description: 'CSS selector of the region to watch', example: '#prices' }),
  textContains: safeText(500, { min: 1 }).openapi({ description: 'Watch the block whose text contains this' }),
  intervalMinutes: z.number().int().min(5).max(10_080),
  channel: z.enum(['email', 'webhook']),
  target: safeText(2000, { min: 3 }).openapi({ description: 'Email address or webhook URL' }),
  tags: z
    .array(Tag)
    .max(20)
    .openapi({ example: ['concurrents'] }),
};
export const WatchInput = z
  .object({
    ...Fields,
    selector: Fields.selector.optional(),
    textContains: Fields.textContains.optional(),
    intervalMinutes: Fields.intervalMinutes.default(60),
    channel: Fields.channel.default('email'),
    tags: Fields.tags.default([]),
    ownerEmail: z.string().trim().email().max(320).optional(),
  })
  .strict()
  .openapi('GenericWatchInput');
export const WatchPatch = z
  .object({
    name: Fields.name.optional(),
    selector: Fields.selector.nullable().optional(),
    textContains: Fields.textContains.nullable().optional(),
    intervalMinutes: Fields.intervalMinutes.optional(),
    channel: Fields.channel.optional(),
    target: Fields.target.optional(),
    tags: Fields.tags.optional(),
    paused: z.boolean().optional(),
  })
  .strict()
  .openapi('GenericWatchPatch');

export const WatchOut = z
  .object({
    id: z.number(),
    name: z.string(),
    url: z.string(),
    selector: z.string().nullable(),
    textContains: z.string().nullable(),
    intervalMinutes: z.number(),
    channel: z.string(),
    target: z.string(),
    ownerEmail: z.string().nullable(),
    tags: z.array(z.string()),
    paused: z.boolean(),
    changes: z.number().openapi({ description: 'change events so far (the last one has this sequence number)' }),
    baselineTaken: z.boolean(),
    nextCheckAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    lastChangedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('GenericWatch');
export const ChangeOut = z
  .object({ seq: z.number(), summary: z.string(), added: z.array(z.string()), removed: z.array(z.string()), at: z.string() })
  .openapi('GenericWatchChange');
export const Started = z.object({ workflowId: z.string(), runId: z.string(), statusUrl: z.string() });

export function genericWatchJson(w: WatchGeneric) {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    selector: w.selector,
    textContains: w.text_contains,
    intervalMinutes: w.interval_minutes,
    channel: w.channel,
    target: w.target,
    ownerEmail: w.owner_email,
    tags: w.tags,
    paused: w.paused,
    changes: w.seq,
    baselineTaken: w.last_text !== null,
    nextCheckAt: w.paused ? null : w.next_check_at.toISOString(),
    lastCheckedAt: w.last_checked_at?.toISOString() ?? null,
    lastChangedAt: w.last_changed_at?.toISOString() ?? null,
    lastError: w.last_error,
  };
}

export function changeJson(ch: { seq: number; summary: string; added: unknown; removed: unknown; at: Date }) {
  return { seq: ch.seq, summary: ch.summary, added: ch.added as string[], removed: ch.removed as string[], at: ch.at.toISOString() };
}
