/** Builds each family's activities from the process's shared dependencies. */
import { createPlatformActivities } from '../activities/platform/index.js';
import { createMonitorActivities } from '../activities/audits/monitor/index.js';
import { createHostingAuditActivities } from '../activities/audits/hosting/index.js';
import type { Mailer } from '../activities/shared/mail.js';
import { createNotifyActivities } from '../activities/shared/notify.js';
import { createConciergeActivities } from '../activities/concierge/index.js';
import { conciergePortsFromConfig } from '../activities/concierge/providers.js';
import type { BrowserPool } from '../activities/shared/browser-pool.js';
import { createWatchesActivities } from '../activities/watches/index.js';
import { createSyncActivities } from '../activities/sync/index.js';
import type { Db } from '../db/client.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Family } from '../core/temporal.js';

export interface WorkerDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer;
  /** Shared Chromium pool (watches renders JS pages); optional: without it no page is rendered. */
  browserPool?: BrowserPool;
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
    case 'sync':
      return createSyncActivities(deps);
    case 'concierge':
      return createConciergeActivities({ ...deps, ports: conciergePortsFromConfig(deps.config, deps.db) });
    case 'watches':
      return createWatchesActivities(deps);
    case 'audits':
      return { ...createHostingAuditActivities(deps), ...createMonitorActivities(deps) };
  }
}

/** Every family's activities in one map, for a single worker serving one queue (tests, demos). */
export function allActivities(deps: WorkerDeps, families: readonly Family[]): ActivityMap {
  return Object.assign({}, ...families.map((f) => activitiesFor(f, deps)));
}
