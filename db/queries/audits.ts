/**
 * Queries over the hosting audits: `audit_reports` (one row per audit: running, then completed
 * with its verdict, score and report, or failed) and `audit_screenshots`. Writes are upserts by
 * audit id, so a retried activity writes once and the API's `running` row never overwrites a
 * report.
 */
import { sql } from 'kysely';
import type { AuditReportRow } from '../schema/audit-reports.js';
import { beforeTimeId, countOf, micros } from './keyset.js';
import type { Queryable } from './types.js';

/** The API's row for an audit it is about to start (nothing if the workflow has written first). */
export async function insertRunningAudit(db: Queryable, a: { id: string; url: string; domain: string }): Promise<void> {
  await db
    .insertInto('audit_reports')
    .values({ ...a, status: 'running' })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Removes the `running` row of an audit whose workflow never started. */
export async function deleteRunningAudit(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('audit_reports').where('id', '=', id).where('status', '=', 'running').execute();
}

export async function getAudit(db: Queryable, id: string): Promise<AuditReportRow | undefined> {
  return db.selectFrom('audit_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Audits (of `domain` when given), newest first, before the cursor [micros, id], `limit + 1` rows; and their total. */
export async function listAudits(db: Queryable, q: { domain?: string; before: unknown[] | null; limit: number }) {
  let base = db.selectFrom('audit_reports');
  if (q.domain) base = base.where('domain', '=', q.domain);
  const [rows, total] = await Promise.all([
    (q.before ? base.where(beforeTimeId('created_at', 'id', q.before)) : base)
      .select(['id', 'url', 'domain', 'status', 'verdict', 'score', 'created_at', 'completed_at', micros('created_at').as('us')])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    countOf(base.select((eb) => eb.fn.countAll<string>().as('n'))),
  ]);
  return { rows, total };
}

export async function completeAudit(
  db: Queryable,
  r: { id: string; url: string; domain: string; verdict: string; score: number; report: string; completedAt: string },
): Promise<void> {
  const done = { status: 'completed' as const, verdict: r.verdict, score: r.score, report: r.report, completed_at: r.completedAt };
  await db
    .insertInto('audit_reports')
    .values({ id: r.id, url: r.url, domain: r.domain, ...done })
    .onConflict((oc) => oc.column('id').doUpdateSet(done))
    .execute();
}

export async function failAudit(db: Queryable, a: { id: string; url: string; domain: string; report: string }): Promise<void> {
  await db
    .insertInto('audit_reports')
    .values({ ...a, status: 'failed', completed_at: sql<string>`now()` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ status: 'failed', report: a.report, completed_at: sql<string>`now()` }))
    .execute();
}

export async function saveScreenshot(db: Queryable, auditId: string, png: Buffer): Promise<void> {
  await db
    .insertInto('audit_screenshots')
    .values({ audit_id: auditId, png })
    .onConflict((oc) => oc.column('audit_id').doUpdateSet({ png }))
    .execute();
}

export async function screenshotOf(db: Queryable, auditId: string): Promise<Buffer | null> {
  return (await db.selectFrom('audit_screenshots').select('png').where('audit_id', '=', auditId).executeTakeFirst())?.png ?? null;
}

/** The status of each of these audits (running, completed, failed); absent ids are left out. */
export async function auditStatuses(db: Queryable, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('audit_reports').select(['id', 'status']).where('id', 'in', ids).execute();
}
