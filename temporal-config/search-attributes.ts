/**
 * Registers the platform's custom search attributes on a Temporal cluster, idempotently: already
 * registered names are left alone. Used by `npm start` on the dev server and by
 * `npm run temporal:setup` against a production cluster.
 */
import { type Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { SEARCH_ATTRIBUTES } from '../core/temporal.js';

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = SEARCH_ATTRIBUTES.filter((sa) => !have.has(sa.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((sa) => [sa.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return missing.map((sa) => sa.name);
}

/**
 * Registers the namespace (3 days' retention) unless it exists, then waits until the frontend
 * serves it (its namespace registry picks a new one up within its refresh interval). A fresh
 * production cluster has no `default` namespace: `npm run temporal:setup` and start:cluster call it.
 */
export async function ensureNamespace(connection: Connection, namespace: string, timeoutMs = 60_000): Promise<'created' | 'present'> {
  const exists = await connection.workflowService.describeNamespace({ namespace }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }).catch((err: Error) => {
      if (!/already exists/i.test(err.message)) throw err;
    });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return exists ? 'present' : 'created';
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
