/**
 * The last line of defence of the error handler: errors from PostgreSQL and Temporal that reach it
 * are classified into the problem the client gets, instead of a 500.
 *
 * - PostgreSQL refusing a value (SQLSTATE class 22 data exceptions, 23502 / 23514 / 23503
 *   constraints, 54000 program limits such as an index row too large) is the client's input: 422.
 *   It also means a request schema let the value through: it is logged as a bug (`schema-gap`).
 * - PostgreSQL unreachable, restarting, shutting down or out of connections (connection refused or
 *   reset, class 08, 57P01-57P03, class 53, pool timeouts, "Connection terminated") is 503 with
 *   Retry-After: the request can be retried as it is.
 * - Temporal: INVALID_ARGUMENT is 422, NOT_FOUND 404, ALREADY_EXISTS 409, anything else (UNAVAILABLE,
 *   DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED...) 503 with Retry-After; so is an update no worker answered.
 *
 * Pure: no I/O, so the mapping is unit-tested on its own.
 */
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import pg from 'pg';
import type { ProblemSlug } from './problem.js';

export const RETRY_AFTER_SECONDS = 5;

export interface Classified {
  status: 404 | 409 | 422 | 503;
  slug: ProblemSlug;
  detail: string;
  /** Seconds for the Retry-After header (503 only). */
  retryAfter?: number;
  /** How the error handler logs it: a schema gap is a bug, an outage a warning. */
  log: 'schema-gap' | 'dependency-down' | 'none';
}

/** Errno codes of a socket that could not reach, or lost, its server. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** Messages of pg / pg-pool / kysely when the connection is gone or cannot be had. */
const PG_DOWN_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end/i,
  /driver has already been destroyed/i,
];

const down = (what: string, detail: string): Classified => ({
  status: 503,
  slug: 'service-unavailable',
  detail: `${what} is not reachable (${detail}); retry later.`,
  retryAfter: RETRY_AFTER_SECONDS,
  log: 'dependency-down',
});

function classifyPostgres(err: pg.DatabaseError): Classified | null {
  const code = err.code ?? '';
  const cls = code.slice(0, 2);
  if (cls === '22' || ['23502', '23503', '23514', '54000'].includes(code)) {
    return { status: 422, slug: 'validation-error', detail: `A value was refused by the database: ${err.message}`, log: 'schema-gap' };
  }
  if (code === '23505') return { status: 409, slug: 'conflict', detail: 'A resource with the same unique value already exists.', log: 'none' };
  if (cls === '08' || cls === '53' || cls === '57' || code === '40001' || code === '40P01' || cls === '3D' || cls === '28') {
    return down('PostgreSQL', `SQLSTATE ${code}`);
  }
  return null;
}

const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause && cause !== err ? grpcCode(cause) : undefined;
}

function classifyTemporal(err: Error): Classified {
  const code = grpcCode(err);
  if (code === GRPC.INVALID_ARGUMENT) return { status: 422, slug: 'validation-error', detail: `Temporal refused the request: ${err.message}`, log: 'none' };
  if (code === GRPC.NOT_FOUND) return { status: 404, slug: 'not-found', detail: err.message, log: 'none' };
  if (code === GRPC.ALREADY_EXISTS) return { status: 409, slug: 'conflict', detail: err.message, log: 'none' };
  return down('Temporal', code === undefined ? err.message : `gRPC status ${code}`);
}

/** The problem for an error from PostgreSQL or Temporal, or null when it is neither. */
export function classifyDependencyError(err: unknown): Classified | null {
  if (!(err instanceof Error)) return null;
  if (err instanceof pg.DatabaseError) return classifyPostgres(err);
  if (err instanceof ServiceError) return classifyTemporal(err);
  // an update nobody answered in time: the run exists, but no worker has taken its task (yet)
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return {
      status: 503,
      slug: 'service-unavailable',
      detail: 'The workflow did not answer in time: no worker has picked up its task (is the worker running?); retry later.',
      retryAfter: RETRY_AFTER_SECONDS,
      log: 'dependency-down',
    };
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NET_CODES.has(code)) return down('A dependency (PostgreSQL or Temporal)', code);
  if (PG_DOWN_MESSAGES.some((re) => re.test(err.message))) return down('PostgreSQL', err.message);
  // a raw gRPC error from the Temporal connection (UNAVAILABLE, DEADLINE_EXCEEDED...)
  if (typeof code === 'number' && 'details' in err && 'metadata' in err) return classifyTemporal(err);
  return null;
}
