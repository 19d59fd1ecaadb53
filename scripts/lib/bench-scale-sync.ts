/**
 * `npm run bench:scale`, sync phase: Sage customers (each with a second contact person) synced to
 * the HubSpot stand-in by concurrent `records` runs, with 1 and 2 sync worker processes, then with
 * one of two killed with SIGKILL when a third of the companies exist. The stand-in enforces
 * `limit` requests per rolling 10 s (429 past it) and the workers' shared bucket is set to the same
 * limit: the bucket bounds the run (HubSpot requests/s), so a second process adds no throughput; what is shown is that
 * the two together stay under the limit. Each worker reaches HubSpot through its own pass-through,
 * so the requests of each process are counted apart.
 */
import type { Client } from '@temporalio/client';
import { startHubSpotFake } from '../../sandbox/hubspot/index.js';
import { startSageFake } from '../../sandbox/sage/index.js';
import { syncSandboxEnv } from '../../sandbox/sync.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { startHttpTap } from '../../test/support/shared-limits/http-tap.js';
import { maxPerWindow } from '../../test/support/shared-limits/measure.js';
import { HUBSPOT_WINDOW_MS, hubspotOutcome, hubspotRate, seedCustomers, startRecordSyncs } from '../../test/support/shared-limits/sync-load.js';
import { killHard, startWorkerProcess } from '../../test/support/worker-process.js';
import { cpuMeter, formatCpu, stallWatch, whenReady, type CpuRoots } from './bench-scale-cpu.js';

export interface ScaleContext {
  client: Client;
  workerEnv: Record<string, string>;
  bundlePath: string;
  taskQueuePrefix: string;
  roots: CpuRoots;
}

const TOKEN = 'pat-bench-scale';
const SECRET = 'bench-scale-hubspot-secret';

export async function benchSyncScale(ctx: ScaleContext, opts: { limit: number; customers: number; perRun: number; workers: number[] }): Promise<void> {
  const { limit, customers, perRun } = opts;
  const hubspot = await startHubSpotFake({ accessToken: TOKEN, rateLimit: { max: limit, windowMs: HUBSPOT_WINDOW_MS } });
  const sage = await startSageFake();
  const taps = await Promise.all([startHttpTap(hubspot.url), startHttpTap(hubspot.url)]);
  const env = {
    ...ctx.workerEnv,
    ...syncSandboxEnv(hubspot, sage, { token: TOKEN, secret: SECRET }),
    HUBSPOT_RATE_PER_10S: String(limit),
    SYNC_SAGE_RATE_PER_MINUTE: '100000',
    SYNC_SAGE_DAILY_BUDGET: '10000000',
    LOG_LEVEL: 'warn',
  };
  console.log(
    `\nsync: ${customers} Sage customers (+ ${customers} other contact persons) per run, ${Math.ceil(customers / perRun)} concurrent records runs of ${perRun}; HubSpot stand-in and shared bucket at ${limit} requests / 10 s`,
  );
  let from = 1;
  let baseRate = 0;
  const runs = [...opts.workers.map((n) => ({ n, kill: false })), { n: 2, kill: true }];
  for (const { n, kill } of runs) {
    const ws: PeerProcess[] = [];
    for (const tap of taps.slice(0, n))
      ws.push(await startWorkerProcess({ env: { ...env, HUBSPOT_BASE_URL: tap.url }, families: ['sync'], bundlePath: ctx.bundlePath }));
    // warm-up: each process makes sure of the HubSpot properties once (a run of one customer each)
    const warm = seedCustomers(sage, from, n);
    from += n;
    await Promise.all(
      (await startRecordSyncs(ctx.client, ctx.taskQueuePrefix, warm.sageIds, 1, `bench-scale-warm-${n}${kill ? '-kill' : ''}`)).map((h) => h.result()),
    );
    const seed = seedCustomers(sage, from, customers);
    from += customers;
    const marks = taps.map((x) => x.ats.length);
    hubspot.resetStats();
    const stalls = stallWatch();
    const meter = cpuMeter(
      ctx.roots,
      ws.map((w) => w.child.pid!),
    );
    const t0 = performance.now();
    const handles = await startRecordSyncs(ctx.client, ctx.taskQueuePrefix, seed.sageIds, perRun, `bench-scale-${n}${kill ? '-kill' : ''}`);
    let killNote = '';
    if (kill) {
      await whenReady(() => hubspotOutcome(hubspot, seed).companies >= customers / 3);
      await killHard(ws[0]!);
      killNote = `kill -9 of 1 of 2 at ${((performance.now() - t0) / 1000).toFixed(1)} s (${hubspotOutcome(hubspot, seed).companies} companies written): `;
    }
    const phases = (await Promise.all(handles.map((h) => h.result()))).map((r) => r.phase);
    const secs = (performance.now() - t0) / 1000;
    const cpu = meter.stop();
    const stalled = stalls.stop();
    const rate = hubspotRate(hubspot);
    const afterStall = hubspot
      .stats()
      .log.filter((r) => r.status === 429)
      .filter((r) => stalled.some(([end]) => r.at >= end - 50 && r.at - end < 1000)).length;
    const out = hubspotOutcome(hubspot, seed);
    const byProcess = taps.slice(0, n).map((x, i) => {
      const ats = x.ats.slice(marks[i]);
      return `${ats.length} (busiest ${maxPerWindow(ats, HUBSPOT_WINDOW_MS)})`;
    });
    const floor = (rate.requests - rate.throttled) / (limit / 10);
    // HubSpot requests/s is the throughput the bucket bounds (a process's first run also makes
    // sure of the properties, so customers/s differs with the requests a run needed)
    const throughput = rate.requests / secs;
    if (!kill) baseRate ||= throughput;
    const completed = phases.filter((p) => p === 'completed').length;
    const once = completed === handles.length && out.missing === 0 && out.misassociated === 0 && out.duplicates.length === 0;
    console.log(
      `${killNote}${n} worker process${n > 1 ? 'es' : '  '}: ${throughput.toFixed(1).padStart(5)} HubSpot requests/s${kill ? '' : `  ×${(throughput / baseRate).toFixed(2)}`} (${(customers / secs).toFixed(1)} customers/s)  ${secs.toFixed(1)} s vs the limit's floor ${floor.toFixed(1)} s (${(secs / floor).toFixed(2)}×)` +
        ` | HubSpot: ${rate.requests} requests, busiest 10 s window ${rate.busiestWindow} of ${limit} allowed, ${rate.throttled} × 429; by process ${byProcess.join(' + ')}` +
        ` | ${completed}/${handles.length} runs completed, ${out.companies} companies, ${out.contacts} contacts, ${out.associations} associations for ${customers} customers ${once ? '(each once)' : `(MISMATCH: ${out.missing} missing, ${out.misassociated} misassociated, ${out.duplicates.length} duplicated)`}`,
    );
    console.log(
      `  stand-in's process (this one): ${stalled.length} event-loop stalls over 100 ms, longest ${Math.max(0, ...stalled.map(([, ms]) => ms))} ms; ${afterStall} of the ${rate.throttled} × 429 within 1 s after one`,
    );
    console.log(`  ${formatCpu(cpu, 'bench (API, stand-ins)')}`);
    await Promise.all(ws.slice(kill ? 1 : 0).map((w) => w.stop()));
  }
  await Promise.all([hubspot.close(), sage.close(), ...taps.map((x) => x.close())]);
}
