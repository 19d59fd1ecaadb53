/**
 * `npm run history:record`: records a representative history of every workflow type by driving
 * real runs (test/record/<family>.record.ts, one a family, on the tests' own throwaway Temporal dev server and
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
  // the recorder file of each family and the workflow types it records; naming types runs only their files
  const RECORDERS: Record<string, string[]> = {
    'test/record/audits.record.ts': ['hostingAudit', 'siteMonitor', 'monitorSweep'],
    'test/record/concierge.record.ts': ['certificateRenewal'],
    'test/record/sync.record.ts': ['crmSync', 'hubspotEvents'],
    'test/record/watches.record.ts': ['watchSource', 'watchFleet', 'marketStats', 'duplicateCleanup', 'alertDigest', 'genericWatch', 'genericWatchSweep'],
  };
  const known = new Set(Object.values(RECORDERS).flat());
  const unknown = args.filter((t) => !known.has(t));
  if (unknown.length) {
    console.error(`no recorder for ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    process.exit(2);
  }
  const files = Object.entries(RECORDERS)
    .filter(([, types]) => args.length === 0 || types.some((t) => args.includes(t)))
    .map(([file]) => file);
  const res = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/record/vitest.config.ts', ...files], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.exit(res.status ?? 1);
}
