/**
 * Queries a workflow within a time budget. The budget is a gRPC deadline set through the client's
 * `withDeadline` (never later than the caller's own deadline), so a query nobody answers is
 * cancelled on the wire too, not just abandoned as a `Promise.race` would leave it.
 */
import { Connection, type Client } from '@temporalio/client';

export type QueryOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

export async function queryWithin<T>(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  query: string,
  timeoutMs: number,
): Promise<QueryOutcome<T>> {
  const conn = client.connection;
  const outer = conn instanceof Connection ? conn.callContextStorage.getStore()?.deadline : undefined;
  const mine = Date.now() + timeoutMs;
  const deadline = outer === undefined ? mine : Math.min(mine, new Date(outer).getTime());
  try {
    const value = await conn.withDeadline(deadline, () => client.workflow.getHandle(workflowId, runId).query<T>(query));
    return { ok: true, value };
  } catch (err) {
    const timedOut = Date.now() >= deadline;
    return { ok: false, error: timedOut ? `the workflow did not answer its ${query} query within ${timeoutMs} ms` : (err as Error).message };
  }
}
