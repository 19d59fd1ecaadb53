/**
 * `npm run bench:watches`: the watches family's figures on this machine.
 *  1. extraction throughput on 1,000 static fixture pages (pages/s), and 10,000 alerts x 1,000
 *     listings matching (the extraction engineer's scripts/bench-watches-extract.ts);
 *  2. the set-based diff + upsert of a 100,000-listing snapshot against 100,000 stored listings;
 *  3. an end-to-end crawl of 200 loopback fixture agency sites through the real worker (Temporal,
 *     PostgreSQL, politeness per domain held and checked), a few of them JavaScript-rendered in a
 *     Chromium pool of 2; pages/min and the peak RSS of the worker process with its browsers.
 *
 *   npm run bench:watches -- [--listings 100000] [--sites 200] [--spa-sites 4] [--delay-ms 500] [--batch 50] [--parts extract,diff,crawl]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { openRun } from '../activities/watches/store/runs.js';
import { applySnapshot, stageRows, toStagedRow, type StagedRow } from '../activities/watches/store/snapshot.js';
import { loadConfig } from '../core/config.js';
import { taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { listingsByStatus } from '../db/queries/metrics.js';
import { deleteSource, insertSource } from '../db/queries/watch-sources.js';
import type { watchFleet } from '../workflows/watches.js';
import { agencySite, minGap, property, spaSite, startSite, type FixtureSite, type Property } from '../test/support/watches/sites.js';
import { benchExtraction, benchMatching, printExtraction, printMatching } from './bench-watches-extract.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '100000' },
    sites: { type: 'string', default: '200' },
    'spa-sites': { type: 'string', default: '4' },
    'delay-ms': { type: 'string', default: '500' },
    batch: { type: 'string', default: '50' },
    parts: { type: 'string', default: 'extract,diff,crawl' },
    'worker-heap-mb': { type: 'string', default: '384' },
  },
});
const N = Number(values.listings);
const SITES = Number(values.sites);
const SPA = Number(values['spa-sites']);
const DELAY = Number(values['delay-ms']);
const log = (m: string) => console.log(m);

/**
 * Proportional set size (MB, shared pages split between the processes sharing them) of this
 * process and of the processes below it (the Chromium pool), from /proc; the throwaway PostgreSQL
 * and Temporal servers this script also started are not the worker's and are left out.
 */
function memoryMb(root = process.pid): { node: number; browsers: number } {
  const children = new Map<number, number[]>();
  const skip = new Set<number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      if (/^Name:\s+(postgres|temporal|postmaster)/m.test(status)) skip.add(Number(d));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // process gone
    }
  }
  const pss = (pid: number) => {
    try {
      return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  let browsers = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    if (skip.has(p)) continue;
    browsers += pss(p);
    stack.push(...(children.get(p) ?? []));
  }
  return { node: pss(root), browsers };
}

function listingRow(i: number, variant: number): StagedRow {
  const cp = String(75001 + (i % 20));
  return toStagedRow(
    {
      sourceUrl: `https://agence.example/annonce/${i}`,
      title: `Appartement ${(i % 6) + 1} pièces réf ${i}`,
      price: 150_000 + (i % 500) * 2_000 - variant,
      transaction: 'sale',
      surface: 20 + (i % 120),
      rooms: (i % 6) + 1,
      propertyType: i % 5 === 0 ? 'house' : 'apartment',
      postalCode: cp,
      city: 'Paris',
      description: `Bien numéro ${i}, lumineux, proche des transports, cave et parking.`,
      photos: [`https://agence.example/photos/${i}.jpg`],
      features: ['cellar', 'parking'],
      quality: 0.8,
    },
    `fp-${cp}-${i}`,
  );
}

async function benchDiff(databaseUrl: string) {
  const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 4 });
  const src = await insertSource(db, { name: 'bench', website: 'https://agence.example/', selectors: '{}' });
  const first = Array.from({ length: N }, (_, i) => listingRow(i, 0));
  const r1 = await openRun(db, src.id, 'bench-1', 'bench');
  let t = performance.now();
  await stageRows(db, r1, first);
  const stage1 = performance.now() - t;
  t = performance.now();
  const c1 = await applySnapshot(db, r1, { removalMisses: 1, countMisses: true });
  const apply1 = performance.now() - t;
  log(
    `diff: initial load of ${N.toLocaleString('en')} listings: stage ${(stage1 / 1000).toFixed(2)} s + apply ${(apply1 / 1000).toFixed(2)} s (new ${c1.new})`,
  );

  // second snapshot: 5 % price drops, 2 % gone, 2 % new, the rest unchanged
  const second: StagedRow[] = [];
  for (let i = 0; i < N; i++) {
    if (i % 50 === 7) continue;
    second.push(listingRow(i, i % 20 === 3 ? 5_000 : 0));
  }
  for (let i = N; i < N + Math.round(N * 0.02); i++) second.push(listingRow(i, 0));
  const r2 = await openRun(db, src.id, 'bench-2', 'bench');
  t = performance.now();
  await stageRows(db, r2, second);
  const stage2 = performance.now() - t;
  t = performance.now();
  const c2 = await applySnapshot(db, r2, { removalMisses: 1, countMisses: true });
  const apply2 = performance.now() - t;
  log(
    `diff: ${second.length.toLocaleString('en')}-listing snapshot against ${N.toLocaleString('en')} stored: stage ${(stage2 / 1000).toFixed(2)} s + diff/upsert ${(apply2 / 1000).toFixed(2)} s = ${((stage2 + apply2) / 1000).toFixed(2)} s (target <= 10 s); ` +
      `new ${c2.new}, price changes ${c2.priceChanges}, updated ${c2.updated}, removed ${c2.removed}`,
  );
  await deleteSource(db, src.id);
  await db.destroy();
}

async function benchCrawl(databaseUrl: string, temporalAddress: string, chromiumPath: string | undefined) {
  const workerEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '20',
    TEMPORAL_ADDRESS: temporalAddress,
    TASK_QUEUE_PREFIX: 'benchwatch',
    OUTBOUND_ALLOWLIST: '127.0.0.0/8',
    WATCH_POLITENESS_MS: String(DELAY),
    WATCH_BROWSER_POOL_SIZE: '2',
    WATCH_MAX_CONCURRENT_FETCHES: '32',
    ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : {}),
    // The heap a memory-bounded watches worker would be given (see docs/watches.md): V8 otherwise
    // sizes its heap from the machine's 24 GB and collects late.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${values['worker-heap-mb']}`.trim(),
  };
  const config = loadConfig(workerEnv);
  const db = createDb({ ...config, DATABASE_POOL_MAX: 4 });
  const sites: FixtureSite[] = [];
  for (let s = 0; s < SITES; s++) {
    const listings = new Map<string, Property>();
    for (let i = 0; i < 5; i++)
      listings.set(
        `s${s}x${i}`,
        property(`s${s}x${i}`, { price: 200_000 + s * 1000 + i * 17_000, surface: 30 + i * 11, postalCode: String(75001 + (s % 20)) }),
      );
    sites.push(await startSite(s < SPA ? spaSite(listings) : agencySite(listings, { flavor: s % 2 ? 'wix' : 'wordpress' })));
  }
  for (const [i, s] of sites.entries()) await insertSource(db, { name: `Agence ${i}`, website: s.url, selectors: '{}' });
  // The worker runs in its own process so its memory is measured apart from the fixture sites.
  const worker = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./lib/bench-watches-worker.ts', import.meta.url))], {
    env: workerEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => reject(new Error(`the bench worker exited with ${code}`)));
    worker.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const peak = { node: 0, browsers: 0, total: 0 };
  const sample = () => {
    const m = memoryMb(worker.pid);
    peak.node = Math.max(peak.node, m.node);
    peak.browsers = Math.max(peak.browsers, m.browsers);
    peak.total = Math.max(peak.total, m.node + m.browsers);
  };
  sample();
  const sampler = setInterval(sample, 250);
  const t = performance.now();
  const totals = await client.workflow.execute<typeof watchFleet>('watchFleet', {
    workflowId: `bench-fleet-${Date.now()}`,
    taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
    args: [{ scope: 'all', batchSize: Number(values.batch) }],
  });
  const secs = (performance.now() - t) / 1000;
  clearInterval(sampler);
  const pages = sites.reduce((n, s) => n + s.requests.filter((r) => !/\.(js|json)$/.test(r.path)).length, 0);
  const gaps = sites.slice(SPA).map((s) => minGap(s));
  const listings = { n: (await listingsByStatus(db)).reduce((n, c) => n + c.n, 0) };
  log(
    `crawl: ${SITES} sites (${SPA} JS-rendered) in ${secs.toFixed(1)} s: ${pages} pages = ${((pages / secs) * 60).toFixed(0)} pages/min ` +
      `with a ${DELAY} ms politeness delay per domain (smallest gap seen on any site: ${Math.min(...gaps)} ms); ` +
      `${totals.ok}/${totals.sources} sources ok, ${listings.n} listings`,
  );
  log(
    `worker peak memory (PSS sampled every 250 ms): ${peak.total.toFixed(0)} MB total (target <= 1024 MB) = node process ${peak.node.toFixed(0)} MB ` +
      `(the worker process alone; the ${SITES} fixture sites run in the bench process) + its Chromium pool of 2 ${peak.browsers.toFixed(0)} MB`,
  );
  worker.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGTERM');
  });
  await connection.close();
  await Promise.all(sites.map((s) => s.close()));
  await db.destroy();
}

const parts = new Set(values.parts.split(','));
if (parts.has('extract')) {
  printExtraction(benchExtraction(1_000));
  printMatching(benchMatching(10_000, 1_000));
}
const env = await startThrowawayEnv((m) => console.error(`[bench] ${m}`));
try {
  if (parts.has('diff')) await benchDiff(env.databaseUrl);
  if (parts.has('crawl')) await benchCrawl(env.databaseUrl, env.temporalAddress, env.chromiumPath);
} finally {
  await env.stop();
}
