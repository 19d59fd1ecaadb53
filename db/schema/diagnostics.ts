import type { ColumnType, Insertable, Selectable } from 'kysely';

/** One row per diagnostics run: what the platform checked and what it found. */
export interface DiagnosticsRunsTable {
  workflow_id: string;
  requested_by: string | null;
  checks: ColumnType<DiagnosticCheck[], string, string>;
  ok: boolean;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, string | undefined, string>;
}

export interface DiagnosticCheck {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

export type DiagnosticsRun = Selectable<DiagnosticsRunsTable>;
export type NewDiagnosticsRun = Insertable<DiagnosticsRunsTable>;
