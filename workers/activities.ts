/**
 * Builds each family's activities from the process's shared dependencies. Each family's code is
 * imported only when a worker serves it (`await import()`), so a process serving one queue loads
 * one family's modules and libraries, not all of them.
 */
import type { Mailer } from '../activities/shared/mail.js';
import type { BrowserPool } from '../activities/shared/browser-pool.js';
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
export async function activitiesFor(family: Family, deps: WorkerDeps): Promise<ActivityMap> {
  const { createNotifyActivities } = await import('../activities/shared/notify.js');
  return { ...createNotifyActivities(deps), ...(await familyActivities(family, deps)) };
}

async function familyActivities(family: Family, deps: WorkerDeps): Promise<ActivityMap> {
  switch (family) {
    case 'platform':
      return (await import('../activities/platform/index.js')).createPlatformActivities(deps);
    case 'sync':
      return (await import('../activities/sync/index.js')).createSyncActivities(deps);
    case 'concierge': {
      const [{ createConciergeActivities }, { conciergePortsFromConfig }] = await Promise.all([
        import('../activities/concierge/index.js'),
        import('../activities/concierge/providers.js'),
      ]);
      return createConciergeActivities({ ...deps, ports: conciergePortsFromConfig(deps.config, deps.db) });
    }
    case 'watches':
      return (await import('../activities/watches/index.js')).createWatchesActivities(deps);
    case 'audits': {
      const [hosting, monitor] = await Promise.all([import('../activities/audits/hosting/index.js'), import('../activities/audits/monitor/index.js')]);
      return { ...hosting.createHostingAuditActivities(deps), ...monitor.createMonitorActivities(deps) };
    }
  }
}

/** Every family's activities in one map, for a single worker serving one queue (tests, demos). */
export async function allActivities(deps: WorkerDeps, families: readonly Family[]): Promise<ActivityMap> {
  return Object.assign({}, ...(await Promise.all(families.map((f) => activitiesFor(f, deps)))));
}

/** Families whose activities render pages in the shared Chromium pool. */
export const BROWSER_FAMILIES: readonly Family[] = ['watches'];
