/**
 * `npm run bench:worker-rss`: a worker process's memory at rest per WORKER_QUEUES (each process
 * imports only the families it serves), started the production way (`node --import tsx
 * workers/main.ts` on a prebuilt workflow bundle) against a throwaway PostgreSQL and Temporal
 * server, measured 5 s after it is ready. Prints the worker's own RSS and, apart, its child
 * processes (tsx's esbuild service); no Chromium is started at rest.
 *
 *   npm run bench:worker-rss -- [--queues "watches;sync;"] [--node-options "--max-semi-space-size=2"]
 *   (queues ";"-separated, empty = every queue; node options given to the worker as NODE_OPTIONS)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../workers/bundle.js';
import { nodeScript } from './lib/peers-atelier.js';
import { rssMb, treeOf } from './lib/proc-tree.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';

const { values } = parseArgs({ options: { queues: { type: 'string', default: 'watches;sync;audits;' }, 'node-options': { type: 'string', default: '' } } });
const env = await startThrowawayEnv((m) => console.log(`[bench] ${m}`));
const dir = mkdtempSync(join(tmpdir(), 'atelier-rss-'));
const bundlePath = join(dir, 'workflow-bundle.js');
writeFileSync(
  bundlePath,
  (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } })).code,
);
console.log(
  `bench:worker-rss  NODE_OPTIONS=${values['node-options'] || '(none)'}  load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log('| WORKER_QUEUES | worker RSS at rest | + child processes |');
console.log('|---|---|---|');
for (const queues of values.queues.split(';')) {
  const worker = await nodeScript(
    'workers/main.ts',
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: env.databaseUrl,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TASK_QUEUE_PREFIX: 'rss',
      WORKER_QUEUES: queues,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {}),
      WEBHOOK_SIGNING_SECRET: 'rss-bench-signing-secret-0123456789abcdef',
    },
    /worker ready/,
  );
  await new Promise((r) => setTimeout(r, 5000));
  const own = rssMb([worker.pid!]);
  const kids = rssMb(treeOf([worker.pid!]).filter((p) => p !== worker.pid));
  console.log(`| ${queues || '(all)'} | ${own.toFixed(0)} MB | ${kids.toFixed(0)} MB |`);
  const gone = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  await gone;
}
rmSync(dir, { recursive: true, force: true });
await env.stop();
process.exit(0);
