/**
 * Hosting providers the audit recognises, with the fingerprints that identify them and the class
 * the rubric judges them by. Covers every provider of the brief's compatibility matrix and its
 * blacklist (seeds/000), the VPS providers of seeds/001, and the common others.
 *
 * Fingerprints are suffixes of host names (nameservers, reverse DNS) and response headers (a name,
 * optionally a pattern its value must match). Pure data: safe to import anywhere. The shapes are in
 * provider-types.ts; the table in one file a group (providers-brief, providers-others, providers-cdn).
 */
import type { Provider } from './provider-types.js';
import { BLACKLISTED_HOSTS, MATRIX_HOSTS } from './providers-brief.js';
import { CDNS } from './providers-cdn.js';
import { OTHER_HOSTS } from './providers-others.js';

/** In this order: the brief's matrix, its blacklist, the others, the CDNs. */
export const PROVIDERS: readonly Provider[] = [...MATRIX_HOSTS, ...BLACKLISTED_HOSTS, ...OTHER_HOSTS, ...CDNS];

export const PROVIDERS_BY_ID: ReadonlyMap<string, Provider> = new Map(PROVIDERS.map((p) => [p.id, p]));

/** The recommended hosts of the brief's matrix, in the order it lists them (for migration advice). */
export const RECOMMENDED_HOSTS: readonly Provider[] = PROVIDERS.filter((p) => p.matrix?.length);
