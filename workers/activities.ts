/** Builds each family's activities from the process's shared dependencies. */
import { createPlatformActivities } from '../activities/platform/index.js';
import type { Mailer } from '../activities/shared/mail.js';
import { createNotifyActivities } from '../activities/shared/notify.js';
import type { Db } from '../db/client.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Family } from '../core/temporal.js';

export interface WorkerDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer;
}

type ActivityMap = Record<string, (...args: never[]) => Promise<unknown>>;

/** A family's activities plus the shared ones (notifications) every queue serves. */
export function activitiesFor(family: Family, deps: WorkerDeps): ActivityMap {
  return { ...createNotifyActivities(deps), ...familyActivities(family, deps) };
}

function familyActivities(family: Family, deps: WorkerDeps): ActivityMap {
  switch (family) {
    case 'platform':
      return createPlatformActivities(deps);
    // Families register their activities here as they land; a queue with no activities still
    // serves its workflows.
    case 'concierge':
    case 'watches':
    case 'sync':
    case 'audits':
      return {};
  }
}

/** Every family's activities in one map, for a single worker serving one queue (tests, demos). */
export function allActivities(deps: WorkerDeps, families: readonly Family[]): ActivityMap {
  return Object.assign({}, ...families.map((f) => activitiesFor(f, deps)));
}
