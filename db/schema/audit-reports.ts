import type { ColumnType, Selectable } from 'kysely';

/** One row per hosting audit (id = workflow id): created 'running' by the API, completed by the workflow. */
export interface AuditReportsTable {
  id: string;
  url: string;
  domain: string;
  status: 'running' | 'completed' | 'failed';
  verdict: string | null;
  score: number | null;
  /** The full AuditReport (activities/audits/hosting/report.ts). */
  report: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  completed_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/** The page's screenshot, apart from the report so listing reports does not read images. */
export interface AuditScreenshotsTable {
  audit_id: string;
  png: Buffer;
  created_at: ColumnType<Date, never, never>;
}

export type AuditReportRow = Selectable<AuditReportsTable>;
