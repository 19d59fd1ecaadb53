/**
 * `npm run bench:scale`, watches phase: agency sources crawled on a few loopback hosts, several
 * sources per host (test/support/shared-limits/watch-load.ts), with 1 and 2 watches worker
 * processes, then with one of two killed with SIGKILL when a third of the pages are fetched. The
 * per-host politeness interval is held in PostgreSQL: the hosts note when each request started,
 * and the smallest gap per host is printed against the interval. Every run must complete with each
 * listing, `new` event and alert notification once.
 */
import { startMailCatcher } from './mail-catcher.js';
import type { Db } from '../../db/client.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { spread } from '../../test/support/shared-limits/measure.js';
import { politeness, requestMarks, startCrawls, startWatchLoad, watchOutcome, type WatchLoadShape } from '../../test/support/shared-limits/watch-load.js';
import { activityWorkers } from '../../test/support/shared-limits/workers-seen.js';
import { killHard, startWorkerProcess } from '../../test/support/worker-process.js';
import { cpuMeter, formatCpu, whenReady } from './bench-scale-cpu.js';
import type { ScaleContext } from './bench-scale-sync.js';

export async function benchWatchesScale(ctx: ScaleContext, db: Db, opts: { shape: WatchLoadShape; politenessMs: number; workers: number[] }): Promise<void> {
  const { shape, politenessMs } = opts;
  const smtp = await startMailCatcher();
  const env = { ...ctx.workerEnv, SMTP_URL: smtp.url, WATCH_POLITENESS_MS: String(politenessMs), WATCH_FETCH_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' };
  const sources = shape.hosts * shape.agencies;
  console.log(
    `\nwatches: ${sources} agency sources on ${shape.hosts} loopback hosts (${shape.agencies} per host, ${shape.listings} listings each), politeness ${politenessMs} ms per host`,
  );
  let baseRate = 0;
  const runs = [...opts.workers.map((n) => ({ n, kill: false })), { n: 2, kill: true }];
  for (const [k, { n, kill }] of runs.entries()) {
    const ws: PeerProcess[] = [];
    for (let i = 0; i < n; i++) ws.push(await startWorkerProcess({ env, families: ['watches'], bundlePath: ctx.bundlePath }));
    // warm-up: one small source per process (listings of their own variant, never duplicates of the measured ones)
    const warm = await startWatchLoad(db, { hosts: n, agencies: 1, listings: 1 }, `bench-scale-warm-${k}@example.fr`, 3 + k);
    await Promise.all((await startCrawls(ctx.client, ctx.taskQueuePrefix, [...warm.hostOf.keys()], `bench-scale-warm-${k}`)).map((h) => h.result()));
    await warm.close();
    const load = await startWatchLoad(db, shape, `bench-scale-${k}@example.fr`, k);
    const marks = requestMarks(load);
    const meter = cpuMeter(
      ctx.roots,
      ws.map((w) => w.child.pid!),
    );
    const t0 = performance.now();
    const crawls = await startCrawls(ctx.client, ctx.taskQueuePrefix, [...load.hostOf.keys()], `bench-scale-${k}`);
    let killNote = '';
    if (kill) {
      // a source's pages: robots.txt once per host and process, 2 list pages, one per listing
      const pages = sources * (2 + shape.listings);
      await whenReady(() => politeness(load).requests >= pages / 3);
      await killHard(ws[0]!);
      killNote = `kill -9 of 1 of 2 at ${((performance.now() - t0) / 1000).toFixed(1)} s (${politeness(load).requests} pages fetched): `;
    }
    const results = await Promise.all(crawls.map((h) => h.result()));
    const secs = (performance.now() - t0) / 1000;
    const cpu = meter.stop();
    let out = await watchOutcome(db, load);
    const deadline = Date.now() + 60_000;
    while (out.sent < load.listings && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      out = await watchOutcome(db, load);
    }
    const { requests, gaps } = politeness(load, marks);
    const min = gaps.reduce((a, g) => Math.min(a, g.min), Infinity);
    const hostOfRun = new Map(crawls.map((h, i) => [h.workflowId, load.hostOf.get([...load.hostOf.keys()][i]!)!]));
    const shared = [...spread((await activityWorkers(crawls, 'crawlPages')).map(([wf, who]) => [hostOfRun.get(wf)!, who] as const)).values()].filter(
      (w) => w.size > 1,
    ).length;
    const rate = requests / secs;
    if (!kill) baseRate ||= rate;
    const ok = results.filter((r) => r.status === 'ok').length;
    const failed = results.reduce((a, r) => a + r.notifications.failed, 0);
    const once = ok === sources && out.listings === load.listings && out.events === load.listings && out.sent === load.listings && out.duplicates.length === 0;
    console.log(
      `${killNote}${n} worker process${n > 1 ? 'es' : '  '}: ${rate.toFixed(1).padStart(5)} pages/s${kill ? '' : `  ×${(rate / baseRate).toFixed(2)}`}  ${requests} pages in ${secs.toFixed(1)} s` +
        ` | politeness: smallest gap on a host ${min} ms (interval ${politenessMs} ms; per host ${gaps.map((g) => g.min).join(', ')}), hosts crawled by both processes ${n > 1 ? `${shared}/${shape.hosts}` : '-'}` +
        ` | ${ok}/${sources} runs ok, ${out.listings} listings, ${out.events} events, ${out.sent} notifications sent for ${load.listings} listings ${once ? '(each once)' : `(MISMATCH: ${out.notifications} queued, ${failed} failed in the runs, ${out.duplicates.length} duplicated)`}`,
    );
    console.log(`  ${formatCpu(cpu, 'bench (API, fixture hosts)')}`);
    await Promise.all(ws.slice(kill ? 1 : 0).map((w) => w.stop()));
    await load.close();
  }
  await smtp.close();
}
