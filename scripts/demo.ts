/**
 * `npm run demo`: the tour of every family through the public API of the platform `npm start` is
 * running (sandbox by default): a concierge order until it is live, a sync dry run then a real run,
 * an audit and a monitor of a demo site, a watch of the demo agency sites. Prints what happened
 * with links; every artefact is kept under .data/demo/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTour } from './lib/tour.js';
import { DATA_DIR } from './lib/paths.js';

const apiUrl = `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;
const keyFile = join(DATA_DIR, 'dev-api-key');
const key = process.env.API_KEYS?.split(',')[0] ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
if (
  !(await fetch(`${apiUrl}/healthz`).then(
    (r) => r.ok,
    () => false,
  )) ||
  !key
) {
  console.error(`[demo] no platform at ${apiUrl} (or no API key): start it first with npm start`);
  process.exit(1);
}
const log = (m: string) => console.log(`[demo] ${m}`);
const t0 = Date.now();
try {
  const r = await runTour({ apiUrl, key, dataDir: DATA_DIR, log });
  const at = (iso: string) => `+${((Date.parse(iso) - Date.parse(r.order.timeline[0]!.at)) / 1000).toFixed(1)} s`;
  console.log(`
Concierge  order ${r.order.id}: ${r.order.phase} at ${r.order.liveUrl}
           ${apiUrl}/v1/concierge/orders/${r.order.id}
${r.order.timeline.map((e) => `             ${at(e.at).padStart(9)}  ${e.phase}${e.detail ? `  (${e.detail})` : ''}`).join('\n')}
           emails: ${r.order.emails.join(' | ')}   (${r.demoDir}/emails/)
           live-check screenshot: ${r.order.screenshot ?? '(none)'}
Sync       dry run ${r.sync.dryRun.id}: ${r.sync.dryRun.status}; run ${r.sync.run.id}: ${r.sync.run.status}
           ${apiUrl}/v1/sync/runs/${r.sync.run.id}
           HubSpot edit of ${r.sync.editedCompany} -> signed webhook -> run ${r.sync.webhookRun.id}: ${r.sync.webhookRun.status}
Audit      ${r.audit.id}: verdict ${JSON.stringify(r.audit.verdict)}   report ${r.audit.reportPath}
           ${apiUrl}/v1/audits/${r.audit.id}/report
Monitor    ${r.monitor.status === 201 ? 'created' : 'already there'}: ${apiUrl}/v1/monitors
Watch      source ${r.watch.sourceId}: run ${r.watch.run.status}, ${r.watch.run.found} found, ${r.watch.listings} listings
           ${apiUrl}/v1/listings?source_id=${r.watch.sourceId}

Done in ${((Date.now() - t0) / 1000).toFixed(0)} s; artefacts in ${r.demoDir}/
`);
} catch (err) {
  console.error(`[demo] ${(err as Error).message}`);
  process.exit(1);
}
