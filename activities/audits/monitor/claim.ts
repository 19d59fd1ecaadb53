/**
 * Claiming a site's monitor, for the API (POST /v1/monitors) and a concierge order alike: one
 * monitor per site (its id derived from the URL), created due at once, or a deleted one revived
 * with fresh state; an active one is left as it is.
 */
import type { Language, Thresholds } from '../../../core/contracts/monitors.js';
import { createMonitorRow } from '../../../db/queries/monitors.js';
import type { Queryable } from '../../../db/queries/types.js';
import type { Monitor } from '../../../db/schema/monitors.js';
import { monitorIdFor, normalizeMonitorUrl } from './site-id.js';

export interface MonitorSettings {
  intervalSeconds: number;
  alertEmail: string | null;
  webhookUrl: string | null;
  language: Language;
  thresholds: Thresholds;
  paused: boolean;
}

export interface MonitorClaim {
  id: string;
  host: string;
  /** The URL the monitor checks. */
  url: string;
  /** The row written; null when an active monitor already holds the site (left unchanged). */
  row: Monitor | null;
}

export async function claimMonitor(db: Queryable, target: URL, s: MonitorSettings): Promise<MonitorClaim> {
  const id = monitorIdFor(target);
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const url = normalizeMonitorUrl(target);
  const row = await createMonitorRow(db, id, {
    url,
    host,
    interval_seconds: s.intervalSeconds,
    alert_email: s.alertEmail,
    webhook_url: s.webhookUrl,
    language: s.language,
    thresholds: JSON.stringify(s.thresholds),
    paused: s.paused,
  });
  return { id, host, url, row };
}
