/**
 * Extraction accuracy over the fixture agency sites (the original six and the agencies corpus in
 * test/fixtures/watches/corpus/): each site crawled offline as a run would crawl it, then scored
 * against its ground truth. Prints precision, recall and per-field accuracy for the whole corpus,
 * each corpus and each site; `--verbose` lists every miss. (Throughput is `npm run bench:watches:extract`.)
 *
 *   npm run bench:extract -- [--corpus all|original|agencies] [--verbose] [--json]
 */
import { parseArgs } from 'node:util';
import { corpusSites, scoreCorpus, SCORED_FIELDS, summarize, type CorpusScore } from '../test/support/watches-corpus.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function printTotals(label: string, s: CorpusScore): void {
  console.log(
    `${label}: ${s.sites.length} sites, ${s.expected} listings expected, ${s.extracted} extracted, ${s.matched} matched; ` +
      `precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`,
  );
  const fields = SCORED_FIELDS.filter((f) => s.fields[f]).map((f) => `${f} ${pct(s.fields[f]!.accuracy)} (${s.fields[f]!.right}/${s.fields[f]!.total})`);
  console.log(`  fields: ${fields.join(', ')}`);
}

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: 'all' }, verbose: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});
const which = values.corpus as 'all' | 'original' | 'agencies';
const all = await scoreCorpus(corpusSites(which));
if (values.json) {
  console.log(JSON.stringify(all, null, 2));
} else {
  console.log('site'.padEnd(28), 'corpus'.padEnd(9), 'exp'.padStart(4), 'got'.padStart(4), 'prec'.padStart(6), 'recall'.padStart(7), ' fields right');
  for (const s of all.sites) {
    const right = Object.values(s.fields).reduce((a, f) => a + f.right, 0);
    const total = Object.values(s.fields).reduce((a, f) => a + f.total, 0);
    console.log(
      s.name.padEnd(28),
      s.corpus.padEnd(9),
      String(s.expected).padStart(4),
      String(s.extracted).padStart(4),
      s.precision.toFixed(2).padStart(6),
      s.recall.toFixed(2).padStart(7),
      ` ${total ? pct(right / total) : '-'}`,
    );
    if (values.verbose) for (const m of s.misses) console.log(`    ${m}`);
  }
  console.log('');
  for (const c of ['original', 'agencies'] as const) {
    const sites = all.sites.filter((s) => s.corpus === c);
    if (sites.length && which === 'all') printTotals(c, summarize(sites));
  }
  printTotals('corpus', all);
}
