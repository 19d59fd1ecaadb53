/**
 * `npm run history:record`: records a representative history of every workflow type by driving
 * real runs (test/record/histories.record.ts, on the tests' own throwaway Temporal dev server and
 * PostgreSQL, with the loopback fixtures and fakes) into test/fixtures/histories/<type>-<label>.json,
 * where the replay test (test/workflows/replay.test.ts) replays them against the current workflow
 * code. `npm run history:record -- <type> […]` records only those types' runs.
 *
 * `npm run history:record -- --ids <workflowId> […]` saves existing workflows' histories from
 * TEMPORAL_ADDRESS instead (e.g. a run of the embedded platform).
 */
import { spawnSync } from 'node:child_process';
import { Connection, Client } from '@temporalio/client';
import { recordHistory } from './lib/histories.js';
import { ROOT } from './lib/paths.js';

const args = process.argv.slice(2);
if (args[0] === '--ids') {
  const ids = args.slice(1);
  if (ids.length === 0) {
    console.error('usage: npm run history:record -- --ids <workflowId> [...]');
    process.exit(2);
  }
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  for (const id of ids) {
    const r = await recordHistory(client, id);
    console.log(`${id} -> ${r.file} (${r.events} events)`);
  }
  await connection.close();
} else {
  const res = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/record/vitest.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, RECORD_TYPES: args.join(',') },
  });
  process.exit(res.status ?? 1);
}
