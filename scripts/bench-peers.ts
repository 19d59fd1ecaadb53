/**
 * `npm run bench:peers`: the same recurring page checks done by Atelier, changedetection.io and
 * urlwatch, side by side. N pages on H loopback hosts (127.0.0.11 ...), a `#price` region each;
 * per cycle a changed round (K prices up and K changes outside the region, which must not notify),
 * an unchanged round (nothing may notify) and a revert (K prices back: each must notify). Rounds
 * are interleaved A/B/C; each tool's whole stack is measured from /proc (Atelier: worker, API,
 * Temporal server and PostgreSQL; changedetection.io: its server process tree; urlwatch: each
 * run's process, by GNU time). Only loopback is ever requested.
 *
 *   npm run bench:peers -- [--pages 200] [--hosts 20] [--k 10] [--cycles 2] [--cd-workers 5]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { roundKind } from './lib/peers-fixture.js';
import { startAtelier } from './lib/peers-atelier.js';
import { prepareUrlwatch, startChangeDetection } from './lib/peers-tools.js';
import { cpuSeconds, peakSampler, treeOf } from './lib/proc-tree.js';
import { freePort } from '../core/free-port.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '200' },
    hosts: { type: 'string', default: '20' },
    k: { type: 'string', default: '10' },
    cycles: { type: 'string', default: '2' },
    'cd-workers': { type: 'string', default: '5' },
  },
});
const N = Number(values.pages);
const H = Number(values.hosts);
const K = Number(values.k);
const ROUNDS = 3 * Number(values.cycles);
const log = (m: string) => console.log(`[bench:peers] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'atelier-peers-'));

// the fixture in its own process (charged to no tool)
const fixture = spawn(process.execPath, ['--import', 'tsx', 'scripts/lib/peers-fixture.ts', '--pages', String(N), '--hosts', String(H), '--k', String(K)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const cleanups: Array<() => Promise<unknown>> = [async () => fixture.kill()];
const cleanup = async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
};
process.on('uncaughtException', (err) => {
  console.error(err);
  void cleanup().finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
process.on('unhandledRejection', (err) => {
  console.error(err);
  void cleanup().finally(() => process.exit(1));
});
const { hosts, control } = JSON.parse(await new Promise<string>((r) => createInterface({ input: fixture.stdout }).once('line', r))) as {
  hosts: string[];
  control: string;
};
const urlsFor = (tool: string) => Array.from({ length: N }, (_, i) => `http://${hosts[i % H]}/${tool}/p/${i}`);
const ctl = async (path: string) =>
  (await (await fetch(`${control}${path}`, { method: path.startsWith('/round') ? 'POST' : 'GET' })).json()) as { fetched: number; hooks: number };

interface Round {
  tool: string;
  round: number;
  kind: string;
  wall: number;
  cpu: number;
  peakMb: number;
  notified: number;
}
const results: Round[] = [];

/** Waits until a tool's notification count for the round holds still for `quietMs`. */
async function settledHooks(tool: string, quietMs = 1500): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const { hooks } = await ctl(`/status/${tool}`);
    if (hooks !== last) [last, since] = [hooks, Date.now()];
    else if (Date.now() - since >= quietMs) return hooks;
    await sleep(250);
  }
}

async function measured(tool: string, round: number, roots: () => number[], run: () => Promise<void>) {
  await ctl(`/round/${tool}/${round}`);
  const sampler = peakSampler(roots);
  const cpu0 = cpuSeconds(treeOf(roots()));
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(treeOf(roots())) - cpu0;
  const peakMb = sampler.stop();
  const notified = await settledHooks(tool);
  return { tool, round, kind: roundKind(round), wall, cpu, peakMb, notified };
}

log(
  `fixture: ${N} pages on ${H} hosts, K=${K}, ${ROUNDS} measured rounds per tool; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);

// --- Atelier
const atelier = await startAtelier(mkdtempSync(join(dir, 'atelier-')), { WATCH_POLITENESS_MS: '0' }, log);
cleanups.push(() => atelier.stop());
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${atelier.api}${path}`, { ...init, headers: { authorization: `Bearer ${atelier.key}`, 'content-type': 'application/json', ...init.headers } });
for (const url of urlsFor('atelier')) {
  const res = await api('/v1/watches', {
    method: 'POST',
    body: JSON.stringify({ name: url, url, selector: '#price', intervalMinutes: 10_080, channel: 'webhook', target: `${control}/hook/atelier` }),
  });
  if (res.status !== 201) throw new Error(`create watch: ${res.status} ${await res.text()}`);
}
for (;;) {
  const list = (await (await api('/v1/watches?limit=200')).json()) as { items: Array<{ baselineTaken: boolean }>; total: number };
  if (list.total === N && list.items.every((w) => w.baselineTaken) && N <= 200) break;
  if (N > 200 && (await ctl('/status/atelier')).fetched >= N) break;
  await sleep(500);
}
await sleep(2000);
const atelierRound = async () => {
  const res = await api('/v1/watches/check', { method: 'POST', body: '{}' });
  const { workflowId } = (await res.json()) as { workflowId: string };
  await atelier.temporal.workflow.getHandle(workflowId).result();
};

// --- changedetection.io
const cdPort = await freePort();
const cdStart = Math.floor(Date.now() / 1000);
await ctl('/round/cd/0');
const cd = await startChangeDetection({
  dir: mkdtempSync(join(dir, 'cd-')),
  port: cdPort,
  urls: urlsFor('cd'),
  hook: `json://${control.slice('http://'.length)}/hook/cd`,
  workers: Number(values['cd-workers']),
  log,
});
cleanups.push(() => cd.stop());
await cd.waitChecked(cdStart, N); // a new watch is checked at once: the baseline
await sleep(2000);
const cdRoots = () => [cd.process.pid!];

// --- urlwatch
const uw = prepareUrlwatch({ dir: mkdtempSync(join(dir, 'urlwatch-')), urls: urlsFor('uw'), log });
await ctl('/round/uw/0');
await uw.run(); // baseline: every job "NEW"

for (let r = 1; r <= ROUNDS; r++) {
  results.push(await measured('atelier', r, () => atelier.roots(), atelierRound));
  results.push(
    await measured('cd', r, cdRoots, async () => {
      const since = Math.floor(Date.now() / 1000); // its last_checked is in whole seconds
      await cd.recheckAll();
      await cd.waitChecked(since, N);
    }),
  );
  await ctl(`/round/uw/${r}`);
  const u = await uw.run();
  results.push({ tool: 'uw', round: r, kind: roundKind(r), wall: u.wall, cpu: u.cpu, peakMb: u.peakRssMb, notified: u.changed });
  const last = results.slice(-3);
  log(
    `round ${r} (${roundKind(r)}): ${last.map((x) => `${x.tool} ${x.wall.toFixed(2)} s, ${((x.cpu / N) * 100).toFixed(2)} CPU s/100, ${x.notified} notified`).join(' | ')}`,
  );
}

const workerRss =
  Number(/VmRSS:\s+(\d+)/.exec(await import('node:fs').then((fs) => fs.readFileSync(`/proc/${atelier.workerPid()}/status`, 'utf8')))?.[1] ?? 0) / 1024;
await cleanup();

// --- report
const names: Record<string, string> = { atelier: 'Atelier', cd: 'changedetection.io', uw: 'urlwatch' };
const expected = (kind: string) => (kind === 'unchanged' ? 0 : K);
const stats = (tool: string) => {
  const rs = results.filter((x) => x.tool === tool);
  const walls = rs.map((x) => x.wall).sort((a, b) => a - b);
  const cpu100 = (rs.reduce((s, x) => s + x.cpu, 0) / (rs.length * N)) * 100;
  return {
    tool,
    rs,
    cpu100,
    wallMedian: walls[Math.floor(walls.length / 2)]!,
    wallMin: walls[0]!,
    wallMax: walls[walls.length - 1]!,
    peak: Math.max(...rs.map((x) => x.peakMb)),
    notifyOk: rs.every((x) => x.notified === expected(x.kind)),
  };
};
const all = ['atelier', 'cd', 'uw'].map(stats);
console.log(
  `\nbench:peers  ${N} pages, ${H} hosts, K=${K}, ${ROUNDS} rounds per tool interleaved; load average at the end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| tool | wall per round (median, min-max) | CPU s per 100 checks (whole stack) | peak RSS | notifications per round (changed / unchanged / revert; expected K / 0 / K) |',
);
console.log('|---|---|---|---|---|');
for (const s of all) {
  const per = s.rs.map((x) => `${x.notified}`).join(' ');
  console.log(
    `| ${names[s.tool]} | ${s.wallMedian.toFixed(2)} s (${s.wallMin.toFixed(2)}-${s.wallMax.toFixed(2)}) | ${s.cpu100.toFixed(2)} | ${s.peak.toFixed(0)} MB | ${per} ${s.notifyOk ? '(all as expected)' : '(NOT as expected)'} |`,
  );
}
const [a, c, u] = all as [ReturnType<typeof stats>, ReturnType<typeof stats>, ReturnType<typeof stats>];
console.log(`\nAtelier worker RSS after the rounds: ${workerRss.toFixed(0)} MB`);
console.log(
  `CPU per check: Atelier / changedetection.io = ${(a.cpu100 / c.cpu100).toFixed(2)} (target <= 0.5); Atelier / urlwatch = ${(a.cpu100 / u.cpu100).toFixed(2)} (target <= 1.5)`,
);
console.log(
  `wall per round: Atelier / changedetection.io = ${(a.wallMedian / c.wallMedian).toFixed(2)} (target <= 1); Atelier / urlwatch = ${(a.wallMedian / u.wallMedian).toFixed(2)}`,
);
process.exit(0);
