/**
 * Extraction and matching micro-benchmarks of the watches family (pure CPU, no I/O in the timed part).
 *
 *   npm run bench:watches:extract -- [--pages 1000] [--alerts 10000] [--listings 1000]
 *
 * `benchExtraction` extracts N pages cycling over every static HTML fixture page (list and detail
 * pages of the fixture agency sites) and answers pages/s; `benchMatching` compiles A synthetic alerts
 * and matches L synthetic listings against them. `npm run bench:watches` folds both in.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { extractPage } from '../activities/watches/extract/index.js';
import { buildMatcher } from '../activities/watches/match/index.js';
import { randomAlerts, randomListings, rng } from '../test/support/watches-data.js';
import { fixtureFile, fixtureSites } from '../test/support/watches-fixtures.js';

/** Wall-clock figures, plus CPU time of this process: on a shared, loaded machine the CPU figure is the stable one. */
export interface ExtractionFigures {
  pages: number;
  distinctPages: number;
  seconds: number;
  pagesPerSecond: number;
  cpuSeconds: number;
  pagesPerCpuSecond: number;
  listings: number;
}
export interface MatchingFigures {
  alerts: number;
  listings: number;
  buildSeconds: number;
  matchSeconds: number;
  seconds: number;
  cpuSeconds: number;
  matches: number;
  checked: number;
}

/** Every static HTML page of the fixture sites, with the URL it would be fetched at. */
export function fixturePages(): Array<{ url: string; html: string }> {
  const out: Array<{ url: string; html: string }> = [];
  for (const site of fixtureSites()) {
    if (site.needsBrowser) continue;
    const origin = `https://${site.name}.example`;
    for (const path of [...site.listPages, ...site.listings.map((l) => l.path)]) {
      const file = fixtureFile(site.name, path);
      if (file) out.push({ url: origin + path, html: readFileSync(file, 'utf8') });
    }
  }
  return out;
}

export function benchExtraction(pages = 1_000): ExtractionFigures {
  const corpus = fixturePages();
  for (const p of corpus) extractPage(p.html, p.url); // warm-up: JIT, selector compilation
  let listings = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < pages; i++) {
    const p = corpus[i % corpus.length]!;
    listings += extractPage(p.html, p.url).listings.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { pages, distinctPages: corpus.length, seconds, pagesPerSecond: pages / seconds, cpuSeconds, pagesPerCpuSecond: pages / cpuSeconds, listings };
}

export function benchMatching(alertCount = 10_000, listingCount = 1_000): MatchingFigures {
  const rand = rng(2026);
  const alerts = randomAlerts(alertCount, rand);
  const listings = randomListings(listingCount, rand);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const match = buildMatcher(alerts);
  const t1 = performance.now();
  let matches = 0;
  for (const l of listings) matches += match(l).length;
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  return {
    alerts: alertCount,
    listings: listingCount,
    buildSeconds: (t1 - t0) / 1000,
    matchSeconds: (t2 - t1) / 1000,
    seconds: (t2 - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    matches,
    checked: match.stats.checked,
  };
}

export function printExtraction(f: ExtractionFigures): void {
  console.log(
    `extraction: ${f.pages} pages (${f.distinctPages} distinct fixture pages) in ${f.seconds.toFixed(2)} s = ${f.pagesPerSecond.toFixed(0)} pages/s wall, ` +
      `${f.pagesPerCpuSecond.toFixed(0)} pages per CPU-second (target >= 200), ${f.listings} listings; load average ${loadavg()[0]!.toFixed(1)}`,
  );
}

export function printMatching(f: MatchingFigures): void {
  const pairs = f.alerts * f.listings;
  console.log(
    `matching: ${f.alerts} alerts x ${f.listings} listings in ${f.seconds.toFixed(3)} s wall (index ${f.buildSeconds.toFixed(3)} s + match ${f.matchSeconds.toFixed(3)} s), ` +
      `${f.cpuSeconds.toFixed(3)} CPU-seconds (target <= 1 s), ` +
      `${f.matches} matches, ${f.checked} of ${pairs} pairs checked (${((100 * f.checked) / pairs).toFixed(1)} %)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { pages: { type: 'string', default: '1000' }, alerts: { type: 'string', default: '10000' }, listings: { type: 'string', default: '1000' } },
  });
  printExtraction(benchExtraction(Number(values.pages)));
  printMatching(benchMatching(Number(values.alerts), Number(values.listings)));
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
