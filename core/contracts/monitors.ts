/**
 * The monitor contract: shapes shared by the monitor sweep and siteMonitor workflows, their
 * activities, the API and the `monitors` table (thresholds, check results, the state machine's
 * state, the workflow input). Pure: safe to import from workflow code, and from db/ (no import runs
 * back up a floor).
 */
/** Alert thresholds, per monitor. Defaults follow the brief (seeds/001: "Temps de réponse > 2s"). */
export interface Thresholds {
  /** Consecutive failed checks before the site is declared down. */
  failuresBeforeDown: number;
  /** A check slower than this (ms) counts as slow. */
  latencyMs: number;
  /** Consecutive slow checks before the latency alert. */
  slowChecksBeforeAlert: number;
  /** Alert when the certificate expires in fewer days than this. */
  certificateDays: number;
  /** A check that takes longer than this (ms) fails. */
  timeoutMs: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  failuresBeforeDown: 3,
  latencyMs: 2000,
  slowChecksBeforeAlert: 3,
  certificateDays: 14,
  timeoutMs: 10_000,
});

/** Bounds every threshold must respect (shared by the API schema and the workflow's update validator). */
export const THRESHOLD_BOUNDS: Record<keyof Thresholds, [number, number]> = {
  failuresBeforeDown: [1, 100],
  latencyMs: [1, 120_000],
  slowChecksBeforeAlert: [1, 100],
  certificateDays: [0, 365],
  timeoutMs: [100, 120_000],
};

/** What one check of the site found. */
export interface CheckResult {
  /** The site answered 2xx/3xx within the timeout over a trusted connection. */
  ok: boolean;
  statusCode: number | null;
  /** Time from the start of the request to the end of the response (ms); null when it never answered. */
  latencyMs: number | null;
  /** Whole days until the certificate expires (negative once expired); null over plain HTTP. */
  certDaysLeft: number | null;
  certValidTo: string | null;
  /** Why the check failed (timeout, refused, TLS error, HTTP 503...). */
  error: string | null;
  /** ISO time the check started. */
  checkedAt: string;
}

export type Availability = 'unknown' | 'up' | 'down';

/** The four alerting transitions of the brief, plus the silent ones that close an incident. */
export type AlertTransition = 'down' | 'recovered' | 'certificate-expiring' | 'slow';
export type SilentTransition = 'latency-normal' | 'certificate-renewed';
export type Transition = AlertTransition | SilentTransition;

export const ALERTING: ReadonlySet<Transition> = new Set<Transition>(['down', 'recovered', 'certificate-expiring', 'slow']);

export type IncidentKind = 'down' | 'slow' | 'certificate';

export interface Incident {
  kind: IncidentKind;
  /** Sequence number of the check that opened it. */
  sinceSeq: number;
  since: string;
}

export type Language = 'fr' | 'en';

/** The state machine (activities/audits/monitor/transitions.ts) after a check. */
export interface MachineState {
  availability: Availability;
  consecutiveFailures: number;
  consecutiveSlow: number;
  slow: boolean;
  certificateExpiring: boolean;
  openIncidents: Incident[];
  /** The first failed check of the current streak (absent in state carried by older runs). */
  firstFailure?: { seq: number; at: string } | null;
}

/** An alert a monitor sent, kept in its recent history. */
export interface AlertRecord {
  transition: AlertTransition;
  seq: number;
  at: string;
}

/** One hour or day of rolling aggregates (activities/audits/monitor/stats.ts). */
export interface Bucket {
  /** Start of the hour / day, epoch ms (UTC). */
  start: number;
  checks: number;
  up: number;
  /** Sparse histogram of successful checks' latencies: bin index -> count. */
  hist: Record<string, number>;
}

export interface RollingStats {
  hours: Bucket[];
  days: Bucket[];
}

/** What one siteMonitor run hands the next through continueAsNew. */
export interface CarriedState {
  nextSeq: number;
  machine: MachineState;
  stats: RollingStats;
  lastCheck: (CheckResult & { seq: number }) | null;
  /** When the next check is due (workflow clock, epoch ms); null: now. */
  nextDueAt: number | null;
  pendingDeliveries: string[];
  recentAlerts: AlertRecord[];
  runNumber: number;
}

/** The `siteMonitor` workflow's input (workflows/site-monitor.ts). */
export interface SiteMonitorInput {
  monitorId: string;
  url: string;
  host: string;
  intervalSeconds: number;
  thresholds: Thresholds;
  paused?: boolean;
  /** Continue as new after this many checks in one run. */
  checksPerRun: number;
  /** [min, max] interval the `configure` update accepts. */
  intervalBounds: [number, number];
  carried?: CarriedState;
}

/** Uptime and p95 over one window (activities/audits/monitor/stats.ts computes it). */
export interface WindowStats {
  checks: number;
  /** Percentage of successful checks, two decimals; null with no checks. */
  uptimePercent: number | null;
  /** 95th percentile of successful checks' latency (ms); null with none. */
  p95LatencyMs: number | null;
}

/** What the monitor's `status` query answers (the API's GET /v1/monitors/{id} `state` keeps the shape). */
export type MonitorState = 'unknown' | 'up' | 'down' | 'paused' | 'stopped';

export interface SiteMonitorStatus {
  monitorId: string;
  url: string;
  state: MonitorState;
  paused: boolean;
  intervalSeconds: number;
  thresholds: Thresholds;
  lastCheck: (CheckResult & { seq: number }) | null;
  openIncidents: Incident[];
  consecutiveFailures: number;
  consecutiveSlowChecks: number;
  /** As of the workflow's clock (its last task: at most one interval old while it runs, frozen while paused). */
  stats: { asOf: string; last24h: WindowStats; last30d: WindowStats };
  recentAlerts: AlertRecord[];
  pendingDeliveries: number;
  run: { number: number; checks: number; checksPerRun: number };
}
