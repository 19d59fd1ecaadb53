/**
 * Registers the platform's custom search attributes on a Temporal cluster, idempotently: already
 * registered names are left alone. Used by `npm start` on the dev server and by
 * `npm run temporal:setup` against a production cluster.
 */
import { Connection } from '@temporalio/client';
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
