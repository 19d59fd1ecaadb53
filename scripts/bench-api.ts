/**
 * `npm run bench:api`: the API's overhead on starting workflows. Starts N workflows through the
 * HTTP API (auth, validation, JSON, problem handling) and N through the Temporal client directly,
 * against the same dev server, and prints both rates, their ratio and the p50/p99 latency of a start.
 * The API is measured with a bootstrap key (API_KEYS) and with a stored scoped key, whose requests
 * also pay the key lookup (cached), the shared rate counter's upsert and the audit log insert.
 *
 *   npm run bench:api -- [--n 1000] [--concurrency 32] [--rounds 5]   (N starts per way, split over the rounds)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { loadConfig } from '../core/config.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { insertApiKey } from '../db/queries/api-keys.js';
import { newSecret } from '../api/access/secrets.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';
import { runPool, summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '32' }, rounds: { type: 'string', default: '5' } },
});
const N = Number(values.n);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const KEY = 'bench-key-0123456789abcdef';

const env = await startThrowawayEnv((m) => console.log(`[bench] ${m}`));
const config = loadConfig({
  DATABASE_URL: env.databaseUrl,
  TEMPORAL_ADDRESS: env.temporalAddress,
  API_KEYS: KEY,
  LOG_LEVEL: 'silent',
  TASK_QUEUE_PREFIX: 'bench',
});
const db = createDb(config);
const temporal = await connectTemporal(config);
const app = createApp({ config, db, temporal, logger: pino({ level: 'silent' }) });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
// No worker: this measures starting workflows, not running them.
const taskQueue = taskQueueFor('platform', config.TASK_QUEUE_PREFIX);

const stored = newSecret();
await insertApiKey(db, { name: 'bench', prefix: stored.prefix, hash: stored.hash, scopes: ['operate'], rateLimit: 10_000_000, rateWindowSeconds: 60 });

async function viaApi(key = KEY) {
  const res = await fetch(`${base}/v1/diagnostics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ requestedBy: 'bench' }),
  });
  if (res.status !== 202) throw new Error(`API answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}
async function direct() {
  await temporal.workflow.start('diagnostics', { taskQueue, workflowId: `diagnostics-${randomUUID()}`, args: [{ requestedBy: 'bench' }] });
}

async function measure(name: string, fn: () => Promise<void>, n: number) {
  const t0 = performance.now();
  const lat = await runPool(n, C, fn);
  const secs = (performance.now() - t0) / 1000;
  const s = summarize(lat);
  console.log(
    `${name.padEnd(16)} ${String(n).padStart(6)} starts in ${secs.toFixed(2)} s = ${(n / secs).toFixed(0).padStart(5)} starts/s   p50 ${s.p50.toFixed(1)} ms   p99 ${s.p99.toFixed(1)} ms`,
  );
  return n / secs;
}

const ways = [
  { name: 'temporal client', fn: direct },
  { name: 'HTTP API', fn: () => viaApi() },
  { name: 'API stored key', fn: () => viaApi(stored.key) },
];
console.log(`\nbench:api  N=${N} concurrency=${C} rounds=${ROUNDS}  (Temporal dev server ${env.temporalAddress})`);
for (const w of ways) await runPool(Math.min(100, N), C, w.fn); // warm-up
// On a shared machine the load drifts between measurements: each round measures the three ways
// back to back (in a rotating order) and the figure is the median, over rounds, of each way's rate
// relative to the direct client's in the same round.
const perRound = Math.max(1, Math.round(N / ROUNDS));
const ratios: number[][] = [[], []];
for (let r = 0; r < ROUNDS; r++) {
  const rates = new Map<string, number>();
  for (let i = 0; i < ways.length; i++) {
    const w = ways[(i + r) % ways.length]!;
    rates.set(w.name, await measure(w.name, w.fn, perRound));
  }
  ratios[0]!.push(rates.get('HTTP API')! / rates.get('temporal client')!);
  ratios[1]!.push(rates.get('API stored key')! / rates.get('temporal client')!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const report = (label: string, ratio: number) =>
  console.log(`${label} rate / direct rate = ${ratio.toFixed(3)}   (API overhead ${((1 - ratio) * 100).toFixed(1)} %; target <= 15 %)`);
console.log('');
report('API (bootstrap key)', median(ratios[0]!));
report('API (stored key: lookup, rate counter, audit row)', median(ratios[1]!));

server.close();
await temporal.connection.close();
await db.destroy();
await env.stop();
process.exit(0);
