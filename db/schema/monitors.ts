import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { AlertRecord, Language, MachineState, Thresholds } from '../../core/contracts/monitors.js';

/**
 * One row per monitored site (id = the siteMonitor workflow id). The API keeps it in step with the
 * workflow; it holds the alert recipients so they never enter workflow history.
 */
export interface MonitorsTable {
  id: string;
  url: string;
  host: string;
  interval_seconds: number;
  /** null: webhook only (the row's check constraint keeps at least one channel). */
  alert_email: string | null;
  webhook_url: string | null;
  language: Language;
  thresholds: ColumnType<Thresholds, string, string>;
  paused: boolean;
  created_at: ColumnType<Date, string | undefined, string>;
  updated_at: ColumnType<Date, string | undefined, string>;
  /** Set when the monitor is deleted (its checks are kept). */
  deleted_at: ColumnType<Date | null, string | null | undefined, string | null>;
  /** Sequence number of the last recorded check (a re-created monitor continues after it). */
  last_seq: ColumnType<number, number | undefined, number>;
  /** The state machine (transitions.ts) after the last check; null before the first. */
  machine: ColumnType<MachineState | null, string | null | undefined, string | null>;
  recent_alerts: ColumnType<AlertRecord[], string | undefined, string>;
  next_check_at: ColumnType<Date, string | undefined, string>;
  /** The sweep checking the monitor now, until when (a killed sweep's lease expires). */
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** Every check of every monitor, keyed by (monitor, sequence number) so a retried insert is a no-op. */
export interface MonitorChecksTable {
  monitor_id: string;
  seq: number;
  checked_at: ColumnType<Date, string, string>;
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  cert_days_left: number | null;
  error: string | null;
}

/** One incident of a monitor, keyed by the check that started it; end columns null while it is open. */
export interface MonitorIncidentsTable {
  monitor_id: string;
  kind: 'down' | 'slow' | 'certificate';
  start_seq: ColumnType<number, number, number>;
  started_at: ColumnType<Date, string, string>;
  end_seq: number | null;
  ended_at: ColumnType<Date | null, string | null | undefined, string | null>;
  cause: string | null;
  checks_failed: ColumnType<number, number | undefined, number>;
}

export type Monitor = Selectable<MonitorsTable>;
export type NewMonitor = Insertable<MonitorsTable>;
export type MonitorCheckRow = Selectable<MonitorChecksTable>;
