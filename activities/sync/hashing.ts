/**
 * Canonical hashes of one side of a synced record. The id map keeps, per side, the hash of what
 * that side held right after our last sync (including what we wrote there). Reading the same
 * content back (our own write echoing through a webhook or a poll) gives the same hash, so it is
 * never taken for a new change; any real edit changes it.
 */
import { createHash } from 'node:crypto';
import type { CanonRecord } from './mapping/project.js';

/** JSON with sorted keys and no undefined, so equal records serialize equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** The hash of a side's mapped fields under a mapping version (a new version re-syncs everything). */
export function sideHash(version: number, values: CanonRecord): string {
  return createHash('sha256')
    .update(`v${version}:${canonicalJson(values)}`)
    .digest('hex')
    .slice(0, 32);
}
