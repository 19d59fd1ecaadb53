/** Queries of the platform diagnostics: the server's version, and `diagnostics_runs` (one row per run). */
import { sql } from 'kysely';
import type { DiagnosticCheck } from '../schema/diagnostics.js';
import type { Queryable } from './types.js';

/** The PostgreSQL server's version (a round trip). */
export async function serverVersion(db: Queryable): Promise<string | undefined> {
  const { rows } = await sql<{ version: string }>`select current_setting('server_version') as version`.execute(db);
  return rows[0]?.version;
}

/** Stores a run's findings; an upsert by workflow id, so a retried write writes once. */
export async function recordDiagnosticsRun(db: Queryable, run: { workflowId: string; requestedBy: string | null; checks: DiagnosticCheck[] }): Promise<void> {
  const ok = run.checks.every((c) => c.ok);
  const checks = JSON.stringify(run.checks);
  await db
    .insertInto('diagnostics_runs')
    .values({ workflow_id: run.workflowId, requested_by: run.requestedBy, checks, ok })
    .onConflict((oc) => oc.column('workflow_id').doUpdateSet({ checks, ok, updated_at: sql<string>`now()` }))
    .execute();
}
