import type { Migration } from 'kysely';
import * as platform from './2026-11-21T0900_platform.js';
import * as outbox from './2026-11-21T0910_outbox.js';

/**
 * Every migration, by its dated name. Listed statically (not read from the folder) so the set is
 * the same under tsx, a bundler or compiled output. Names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-21T0900_platform': platform,
  '2026-11-21T0910_outbox': outbox,
};
