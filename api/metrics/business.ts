/**
 * Business metrics, read from PostgreSQL when Prometheus scrapes: one gauge per question of
 * db/queries/metrics.ts. Values are cached METRICS_CACHE_MS; a read that fails or outlasts
 * METRICS_DB_TIMEOUT_MS leaves the last values in place and sets atelier_metrics_scrape_error to 1,
 * so a slow database never hangs a scrape.
 */
import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { withTimeout } from '../../core/timeout.js';
import type { Db } from '../../db/client.js';
import * as q from '../../db/queries/metrics.js';
import type { Counted } from '../../db/queries/metrics.js';
import type { Queryable } from '../../db/queries/types.js';

interface Source {
  name: string;
  help: string;
  labels: readonly string[];
  read: (db: Queryable) => Promise<Array<Counted<string>>>;
}

/** Every business gauge: the names the Grafana dashboard (ops/grafana) queries. */
export const BUSINESS_GAUGES: readonly Source[] = [
  { name: 'atelier_orders_by_phase', help: 'Concierge orders by current phase', labels: ['phase'], read: q.ordersByPhase },
  { name: 'atelier_listings', help: 'Listings seen by the watches, by status', labels: ['status'], read: q.listingsByStatus },
  { name: 'atelier_listing_events', help: 'Listing events recorded, by type', labels: ['event'], read: q.listingEventsByType },
  {
    name: 'atelier_notifications',
    help: 'Alerts and other notifications in the outbox, by source, channel and status',
    labels: ['source', 'channel', 'status'],
    read: q.notificationsByStatus,
  },
  { name: 'atelier_sync_record_writes', help: 'Records the sync wrote, by entity', labels: ['entity'], read: q.syncRecordWritesByEntity },
  { name: 'atelier_sync_conflicts', help: 'Sync conflicts by status', labels: ['status'], read: q.syncConflictsByStatus },
  { name: 'atelier_audits_by_verdict', help: 'Hosting audits by status and verdict', labels: ['status', 'verdict'], read: q.auditsByVerdict },
  { name: 'atelier_monitors', help: 'Live site monitors by state (up, down, unknown, paused)', labels: ['state'], read: q.monitorsByState },
];

export interface BusinessMetrics {
  /** Brings the gauges up to date (or leaves them, on error or timeout); never rejects. */
  refresh(): Promise<void>;
}

export function businessMetrics(registry: Registry, db: Db, opts: { cacheMs: number; timeoutMs: number }): BusinessMetrics {
  const gauges = BUSINESS_GAUGES.map((s) => ({ source: s, gauge: new Gauge({ name: s.name, help: s.help, labelNames: s.labels, registers: [registry] }) }));
  const scrapeError = new Gauge({
    name: 'atelier_metrics_scrape_error',
    help: '1 when the last read of the business metrics failed or timed out (the values shown are older)',
    registers: [registry],
  });
  const readSeconds = new Gauge({ name: 'atelier_metrics_read_seconds', help: 'How long the last read of the business metrics took', registers: [registry] });
  scrapeError.set(0);
  let freshUntil = 0;
  let inFlight: Promise<void> | undefined;

  const read = async () => {
    const started = performance.now();
    // The database gives up on its own too, so an abandoned read does not hold a connection long.
    const results = await db.transaction().execute(async (trx) => {
      await sql.raw(`set local statement_timeout = ${Math.floor(opts.timeoutMs)}`).execute(trx);
      const out = [];
      for (const g of gauges) out.push(await g.source.read(trx));
      return out;
    });
    gauges.forEach((g, i) => {
      g.gauge.reset();
      for (const r of results[i]!) g.gauge.set(r.labels, r.n);
    });
    readSeconds.set((performance.now() - started) / 1000);
  };

  return {
    async refresh() {
      if (Date.now() < freshUntil) return;
      inFlight ??= read()
        .then(() => {
          scrapeError.set(0);
          freshUntil = Date.now() + opts.cacheMs;
        })
        .catch(() => scrapeError.set(1))
        .finally(() => (inFlight = undefined));
      // past the budget the scrape answers with the last values; the read stops at its statement_timeout
      if (!(await withTimeout(inFlight, opts.timeoutMs)).done) scrapeError.set(1);
    },
  };
}
