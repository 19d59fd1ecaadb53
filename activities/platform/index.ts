/**
 * Platform activities: the diagnostics a operator (or a smoke test) runs to prove the worker can
 * reach its dependencies and write to PostgreSQL.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import type { DiagnosticCheck } from '../../db/schema/diagnostics.js';

export interface PlatformDeps {
  db: Db;
}

export function createPlatformActivities({ db }: PlatformDeps) {
  return {
    /** Times a round trip to PostgreSQL and reports the server version. */
    async checkDatabase(): Promise<DiagnosticCheck> {
      const started = performance.now();
      try {
        const { rows } = await sql<{ version: string }>`select current_setting('server_version') as version`.execute(db);
        return { name: 'postgresql', ok: true, ms: Math.round(performance.now() - started), detail: `PostgreSQL ${rows[0]?.version ?? '?'}` };
      } catch (err) {
        return { name: 'postgresql', ok: false, ms: Math.round(performance.now() - started), detail: (err as Error).message };
      }
    },

    /** Stores the run's findings; an upsert by workflow id, so a retried activity writes once. */
    async recordDiagnostics(input: { workflowId: string; requestedBy: string | null; checks: DiagnosticCheck[] }): Promise<void> {
      const ok = input.checks.every((c) => c.ok);
      const checks = JSON.stringify(input.checks);
      await db
        .insertInto('diagnostics_runs')
        .values({ workflow_id: input.workflowId, requested_by: input.requestedBy, checks, ok })
        .onConflict((oc) => oc.column('workflow_id').doUpdateSet({ checks, ok, updated_at: sql<string>`now()` }))
        .execute();
    },
  };
}

export type PlatformActivities = ReturnType<typeof createPlatformActivities>;
