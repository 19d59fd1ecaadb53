/**
 * `npm run history:record -- <workflowId> [<workflowId>…]`: saves released workflows' histories
 * from TEMPORAL_ADDRESS into test/fixtures/histories/<type>-<label>.json, where the replay test
 * (test/workflows/replay.test.ts) replays them against the current workflow code. Record a
 * history for every released workflow shape before changing its code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ROOT } from './lib/paths.js';

const ids = process.argv.slice(2);
if (ids.length === 0) {
  console.error('usage: npm run history:record -- <workflowId> [...]');
  process.exit(2);
}
const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
for (const id of ids) {
  const handle = client.workflow.getHandle(id);
  const desc = await handle.describe();
  const history = await handle.fetchHistory();
  const file = join(ROOT, 'test', 'fixtures', 'histories', `${desc.type}-${desc.status.name.toLowerCase()}-${id.slice(-8)}.json`);
  writeFileSync(file, historyToJSON(history));
  console.log(`${id} -> ${file} (${history.events?.length ?? 0} events)`);
}
await connection.close();
