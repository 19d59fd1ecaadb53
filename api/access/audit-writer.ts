/**
 * Writes audit log rows by group commit: at most one insert in flight per API process, and the
 * entries of the calls that end meanwhile go together in the next one. A quiet API writes each
 * row at once; a busy one writes one row set per round trip instead of one statement per call.
 * A failed insert is logged with the request ids it carried, never thrown to the request.
 */
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import { insertAuditEntries, type NewAuditEntry } from '../../db/queries/audit-log.js';

const MAX_BATCH = 500;
/** Entries kept while PostgreSQL does not answer; past it the oldest are dropped (and logged). */
const MAX_QUEUED = 20_000;

export type AuditWriter = (entry: NewAuditEntry) => Promise<void>;

export function auditWriter(db: Db, logger: Logger): AuditWriter {
  const queue: Array<{ entry: NewAuditEntry; done: () => void }> = [];
  let writing = false;

  const pump = async () => {
    if (writing || !queue.length) return;
    writing = true;
    const batch = queue.splice(0, MAX_BATCH);
    try {
      await insertAuditEntries(
        db,
        batch.map((b) => b.entry),
      );
    } catch (err) {
      logger.error({ err: (err as Error).message, requestIds: batch.map((b) => b.entry.request_id) }, `audit log write failed: ${batch.length} entries lost`);
    } finally {
      writing = false;
      for (const b of batch) b.done();
      void pump();
    }
  };

  return (entry) =>
    new Promise<void>((resolve) => {
      if (queue.length >= MAX_QUEUED) {
        const dropped = queue.splice(0, queue.length - MAX_QUEUED + 1);
        logger.error({ requestIds: dropped.map((d) => d.entry.request_id) }, `audit log queue full: ${dropped.length} entries dropped`);
        for (const d of dropped) d.done();
      }
      queue.push({ entry, done: resolve });
      void pump();
    });
}
