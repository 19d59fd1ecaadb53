/**
 * Platform activities: the diagnostics a operator (or a smoke test) runs to prove the worker can
 * reach its dependencies and write to PostgreSQL.
 */
import type { Db } from '../../db/client.js';
import { recordDiagnosticsRun, serverVersion } from '../../db/queries/diagnostics.js';
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
        const version = await serverVersion(db);
        return { name: 'postgresql', ok: true, ms: Math.round(performance.now() - started), detail: `PostgreSQL ${version ?? '?'}` };
      } catch (err) {
        return { name: 'postgresql', ok: false, ms: Math.round(performance.now() - started), detail: (err as Error).message };
      }
    },

    /** Stores the run's findings; an upsert by workflow id, so a retried activity writes once. */
    async recordDiagnostics(input: { workflowId: string; requestedBy: string | null; checks: DiagnosticCheck[] }): Promise<void> {
      await recordDiagnosticsRun(db, input);
    },
  };
}

export type PlatformActivities = ReturnType<typeof createPlatformActivities>;
