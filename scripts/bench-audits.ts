/**
 * `npm run bench:audits`: hosting audits of the loopback fixtures through the HTTP API, run by a
 * real worker process (WORKER_QUEUES=audits), first without the browser probe, then with it.
 * Prints audits per second, p50 / p95 of one audit (POST to the report read back through the API,
 * completion awaited with Temporal's long poll)
 * and the worker's peak RSS (VmHWM) plus the peak RSS of its Chromium processes.
 *
 *   npm run bench:audits -- [--n 100] [--concurrency 32] [--browser-concurrency 2] [--samples 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { loadConfig } from '../core/config.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { createDb } from '../db/client.js';
import { WORKFLOWS_PATH } from '../workers/bundle.js';
import { startAuditFixtures } from '../test/support/audits/fixtures.js';
import { startThrowawayEnv } from './lib/throwaway-env.js';
import { runPool, summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    'browser-concurrency': { type: 'string', default: '2' },
    samples: { type: 'string', default: '3' },
  },
});
const N = Number(values.n);
const KEY = 'bench-key-0123456789abcdef';
const log = (m: string) => console.log(`[bench] ${m}`);

const env = await startThrowawayEnv(log);
const fx = await startAuditFixtures();
const prefix = `benchaudits${Date.now().toString(36)}`;
const sharedEnv = {
  DATABASE_URL: env.databaseUrl,
  TEMPORAL_ADDRESS: env.temporalAddress,
  TASK_QUEUE_PREFIX: prefix,
  OUTBOUND_ALLOWLIST: '127.0.0.0/8',
  LOG_LEVEL: 'warn',
  ...(env.chromiumPath ? { CHROMIUM_PATH: env.chromiumPath } : {}),
  ...fx.env,
};
const config = loadConfig({ ...sharedEnv, API_KEYS: KEY, LOG_LEVEL: 'silent' });

// the workflow bundle built beforehand, as in production (npm run build:workflows): the worker
// process then does not carry webpack's memory
const bundleDir = mkdtempSync(join(tmpdir(), 'atelier-bench-bundle-'));
const bundlePath = join(bundleDir, 'workflow-bundle.js');
log('bundling the workflows');
writeFileSync(
  bundlePath,
  (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } })).code,
);

// the worker in its own process, so its memory is its own
const worker = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
  // info: the bench waits for its "worker ready" line
  env: { ...process.env, ...sharedEnv, WORKER_QUEUES: 'audits', LOG_LEVEL: 'info', WORKFLOW_BUNDLE_PATH: bundlePath },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  worker.stdout.on('data', (d: Buffer) => {
    if (/worker ready/.test(d.toString())) resolve();
  });
  log('worker starting');
});
const baselineRssMb = (() => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
})();
log(`worker ${worker.pid} ready (RSS ${baselineRssMb.toFixed(0)} MB)`);
/** CPU seconds a process has used so far (utime + stime). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
const workerCpuSeconds = () => cpuSeconds(worker.pid!);
/** The Temporal dev server this bench started (a child of this process), when it did. */
const temporalPids = () =>
  descendants(process.pid).filter((p) => {
    try {
      return /temporal.*start-dev/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      return false;
    }
  });
const temporalCpuSeconds = () => temporalPids().reduce((s, p) => s + cpuSeconds(p), 0);

const kb = (pid: number, field: string): number => {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}
let chromiumPeakKb = 0;
const sampler = setInterval(() => {
  const sum = descendants(worker.pid!).reduce((s, p) => s + kb(p, 'VmRSS'), 0);
  chromiumPeakKb = Math.max(chromiumPeakKb, sum);
}, 200);

const db = createDb(config);
const temporal = await connectTemporal(config);
const app = createApp({ config, db, temporal, logger: pino({ level: 'silent' }) });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

// the quick fixtures (the 2.1 s one would only measure its own sleep)
const targets = [
  fx.urls.litespeed,
  fx.urls.hostgator,
  fx.urls.cloudflare,
  fx.urls.tls10,
  fx.urls.expired,
  fx.urls.selfsigned,
  fx.urls.error500,
  fx.urls.unreachable,
];
const verdicts = new Map<string, number>();

async function audit(i: number, browser: boolean) {
  const res = await fetch(`${base}/v1/audits`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: targets[i % targets.length], options: { browser, samples: Number(values.samples) } }),
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  // completion by Temporal's long poll (polling GET /v1/audits/:id would add a status query per poll)
  await temporal.workflow.getHandle(id).result();
  const r = await fetch(`${base}/v1/audits/${id}`, { headers });
  if (r.status !== 200) throw new Error(`GET answered ${r.status}: ${await r.text()}`);
  const { verdict } = (await r.json()) as { verdict: string };
  verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
}

async function round(browser: boolean, concurrency: number) {
  verdicts.clear();
  await runPool(Math.min(8, N), concurrency, (i) => audit(i, browser)); // warm-up (browser launch, JIT)
  verdicts.clear();
  const cpu0 = workerCpuSeconds();
  const tcpu0 = temporalCpuSeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const lat = await runPool(N, concurrency, (i) => audit(i, browser));
  const secs = (performance.now() - t0) / 1000;
  const workerCpu = workerCpuSeconds() - cpu0;
  const temporalCpu = temporalCpuSeconds() - tcpu0;
  const own = process.cpuUsage(own0);
  const s = summarize(lat);
  console.log(
    `browser ${browser ? 'on ' : 'off'}  ${N} audits, concurrency ${String(concurrency).padStart(2)}: ${secs.toFixed(2)} s = ${(N / secs).toFixed(1).padStart(5)} audits/s   ` +
      `p50 ${(s.p50 / 1000).toFixed(2)} s   p95 ${(s.p95 / 1000).toFixed(2)} s   max ${(s.max / 1000).toFixed(2)} s   verdicts ${JSON.stringify(Object.fromEntries(verdicts))}`,
  );
  console.log(
    `             CPU per audit: worker ${((workerCpu * 1000) / N).toFixed(0)} ms, API + fixtures + DNS (this process) ${((own.user + own.system) / 1000 / N).toFixed(0)} ms, Temporal dev server ${((temporalCpu * 1000) / N).toFixed(0)} ms;  machine load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  return { rate: N / secs, p95: s.p95 };
}

console.log(`\nbench:audits  N=${N} samples=${values.samples}  (Temporal ${env.temporalAddress}, Chromium ${env.chromiumPath ?? 'none'})`);
const off = await round(false, Number(values.concurrency));
const on = await round(true, Number(values['browser-concurrency']));
clearInterval(sampler);
const workerPeakMb = kb(worker.pid!, 'VmHWM') / 1024;
console.log(
  `\nworker peak RSS ${workerPeakMb.toFixed(0)} MB (VmHWM; ${baselineRssMb.toFixed(0)} MB when ready; child processes (Chromium, tsx's esbuild) peak ${(chromiumPeakKb / 1024).toFixed(0)} MB on top, shared pages counted per process)`,
);
console.log(
  `targets: >= 10 audits/s without browser: ${off.rate >= 10 ? 'met' : 'MISSED'} (${off.rate.toFixed(1)});  p95 <= 3 s with browser: ${on.p95 <= 3000 ? 'met' : 'MISSED'} (${(on.p95 / 1000).toFixed(2)} s);  peak RSS <= 600 MB: ${workerPeakMb <= 600 ? 'met' : 'MISSED'}`,
);

worker.kill('SIGTERM');
await new Promise((r) => worker.once('exit', r));
server.close();
await temporal.connection.close();
await db.destroy();
await fx.close();
await env.stop();
rmSync(bundleDir, { recursive: true, force: true });
process.exit(0);
