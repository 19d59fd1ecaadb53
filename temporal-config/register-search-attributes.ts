/** `npm run temporal:setup`: the namespace (if missing) and the search attributes on TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE. */
import { loadConfig } from '../core/config.js';
import { SEARCH_ATTRIBUTES } from '../core/temporal.js';
import { Connection } from '@temporalio/client';
import { connectionOptions } from '../core/temporal-connection.js';
import { ensureNamespace, registerSearchAttributes } from './search-attributes.js';

const config = loadConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
const connection = await Connection.connect(connectionOptions(config));
try {
  // a fresh cluster (compose, start:cluster) has no namespace yet
  if ((await ensureNamespace(connection, config.TEMPORAL_NAMESPACE)) === 'created')
    console.log(`namespace ${config.TEMPORAL_NAMESPACE} registered (3 days' retention)`);
  const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  console.log(
    added.length
      ? `registered on ${config.TEMPORAL_NAMESPACE}: ${added.join(', ')}`
      : `all ${SEARCH_ATTRIBUTES.length} search attributes already registered on ${config.TEMPORAL_NAMESPACE}`,
  );
} finally {
  await connection.close();
}
