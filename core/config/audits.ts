/** The audits family's settings: hosting audits and site monitors. */
import { z } from 'zod';
import { csv } from './fields.js';

export const auditsSettings = {
  /** Hosting audits (activities/audits/hosting): see docs/audits-hosting.md. */
  DNS_SERVERS: csv, // host:port list the audits resolve through (tests: a loopback DNS server); empty = the system's
  AUDIT_EXTRA_CA_FILE: z.string().min(1).optional(), // PEM of extra CAs the audit's TLS checks trust (tests: the fixtures' CA)
  AUDIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000), // per request / handshake / page load
  AUDIT_BROWSER_HOST_RULES: z.string().optional(), // Chromium --host-resolver-rules (tests: "MAP *.audit.test 127.0.0.1")
  AUDIT_BROWSER_MAX_PAGES: z.coerce.number().int().min(1).max(32).default(2), // pages rendered at once per worker (about one per core)

  /** Site monitors (audits family): see docs/audits-monitoring.md. */
  MONITOR_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
  MONITOR_MAX_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** A siteMonitor run continues as new after this many checks (or sooner when Temporal suggests it). */
  MONITOR_CHECKS_PER_RUN: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Monitor sweeps (one long-running workflow per shard), checks in flight per sweep, and how long one sweep activity runs. */
  MONITOR_SWEEP_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
  MONITOR_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(100),
  MONITOR_SWEEP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  /** PEM file of extra CAs the monitor's checks trust, besides the system roots (tests, an intranet CA). */
  MONITOR_EXTRA_CA_PATH: z.string().min(1).optional(),
};
