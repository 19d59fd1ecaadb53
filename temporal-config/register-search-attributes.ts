/** `npm run temporal:setup`: registers the search attributes on TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE. */
import { loadConfig } from '../core/config.js';
import { SEARCH_ATTRIBUTES } from '../core/temporal.js';
import { Connection } from '@temporalio/client';
import { connectionOptions } from '../core/temporal-connection.js';
import { registerSearchAttributes } from './search-attributes.js';

const config = loadConfig({ DATABASE_URL: 'postgres://unused/unused', ...process.env });
const connection = await Connection.connect(connectionOptions(config));
try {
  const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  console.log(
    added.length
      ? `registered on ${config.TEMPORAL_NAMESPACE}: ${added.join(', ')}`
      : `all ${SEARCH_ATTRIBUTES.length} search attributes already registered on ${config.TEMPORAL_NAMESPACE}`,
  );
} finally {
  await connection.close();
}
