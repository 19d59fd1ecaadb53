/**
 * The tour of `npm run demo` (and of the launcher's sandbox test): each family's README example
 * run through the public API of a running platform, its artefacts kept under `<dataDir>/demo/`
 * (order timeline, emails as .eml and .html, live-check screenshot, sync reports, audit report).
 * Every step returns what it saw; nothing here reaches past the API but the files `npm start`
 * itself writes (the mail catcher's .eml files, the live check's screenshot, the sandbox's notes).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { payInSandbox } from '../../sandbox/pay.js';

export interface TourOptions {
  apiUrl: string;
  key: string;
  dataDir: string;
  log(msg: string): void;
  /** Per step; the order takes longest (payment, registration, DNS, ACME, live check). */
  timeoutMs?: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TourResult {
  order: { id: string; phase: string; liveUrl: string | null; timeline: Json[]; emails: string[]; screenshot: string | null };
  sync: { dryRun: Json; run: Json; webhookRun: Json; editedCompany: string };
  audit: { id: string; verdict: unknown; reportPath: string };
  monitor: { id: string; status: number };
  watch: { sourceId: number; run: Json; listings: number };
  demoDir: string;
}

export async function runTour(o: TourOptions): Promise<TourResult> {
  const timeoutMs = o.timeoutMs ?? 180_000;
  const demoDir = join(o.dataDir, 'demo');
  mkdirSync(join(demoDir, 'emails'), { recursive: true });
  const api = async (path: string, init: { method?: string; body?: unknown; accept?: string } = {}) => {
    const res = await fetch(`${o.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${o.key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.accept ? { accept: init.accept } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      json = { text };
    }
    return { status: res.status, json, text };
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`tour: ${what} did not happen within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const expect = (what: string, res: { status: number; text: string }, ok: number[]) => {
    if (!ok.includes(res.status)) throw new Error(`tour: ${what} answered ${res.status}: ${res.text.slice(0, 500)}`);
  };
  const stamp = Date.now().toString(36);

  // 1. concierge: the README's order, paid in the sandbox, until it is live
  const contactEmail = `claire.${stamp}@boulangerie-martin.example`;
  const placed = await api('/v1/concierge/orders', {
    method: 'POST',
    body: { ...EXAMPLE_ORDER, contactEmail, desiredDomain: `boulangerie-martin-${stamp}.fr` },
  });
  expect('the order', placed, [202]);
  const orderId = String(placed.json.orderId);
  o.log(`order ${orderId} placed (202); paying it in the sandbox once its Checkout Session exists`);
  await until('the Checkout Session', async () => {
    const r = await api(`/v1/concierge/orders/${orderId}`);
    if (['cancelled', 'refunded', 'expired'].includes(r.json.phase)) throw new Error(`tour: order ${orderId} ended ${r.json.phase}: ${r.json.failure ?? ''}`);
    return r.json.phase === 'awaiting-payment' && r.json.checkoutUrl ? true : undefined;
  });
  const paid = await payInSandbox({ dataDir: o.dataDir, orderId });
  if (paid.status !== 200) throw new Error(`tour: the sandbox payment was refused: ${paid.status} ${paid.body}`);
  const order = await until('the order going live', async () => {
    const r = await api(`/v1/concierge/orders/${orderId}`);
    if (['cancelled', 'refunded', 'expired'].includes(r.json.phase)) throw new Error(`tour: order ${orderId} ended ${r.json.phase}: ${r.json.failure ?? ''}`);
    // the timeline's `live` entry is recorded a moment after the phase turns live: wait for both
    const timelineLive = Array.isArray(r.json.timeline) && r.json.timeline.some((e: { phase?: unknown }) => e.phase === 'live');
    return r.json.phase === 'live' && r.json.liveUrl && timelineLive ? r.json : undefined;
  });
  writeFileSync(join(demoDir, `order-${orderId}.json`), `${JSON.stringify(order, null, 2)}\n`);
  const shot = join(o.dataDir, 'concierge', 'screenshots', `${orderId}.png`);
  const screenshot = existsSync(shot) ? join(demoDir, `order-${orderId}-live-check.png`) : null;
  if (screenshot) copyFileSync(shot, screenshot);
  // the delivery email (the fifth: received, payment link, paid, in progress, live) follows the live phase by a moment
  const mailDeadline = Date.now() + 20_000;
  let emails = await customerEmails(join(o.dataDir, 'mail'), contactEmail, join(demoDir, 'emails'), orderId);
  while (emails.length < 5 && Date.now() < mailDeadline) {
    await new Promise((r) => setTimeout(r, 500));
    emails = await customerEmails(join(o.dataDir, 'mail'), contactEmail, join(demoDir, 'emails'), orderId);
  }

  // 2. sync: a dry run, then a real run filling the sandbox HubSpot
  const syncRun = async (dryRun: boolean) => {
    const started = await api('/v1/sync/runs', { method: 'POST', body: { mode: 'full', dryRun } });
    expect(`the sync run (dryRun ${dryRun})`, started, [202]);
    const run = await until(`sync run ${started.json.runId}`, async () => {
      const r = await api(`/v1/sync/runs/${started.json.runId}`);
      return r.status === 200 && r.json.status !== 'running' ? r.json : undefined;
    });
    writeFileSync(join(demoDir, `sync-${dryRun ? 'dry-run' : 'run'}-${run.id}.json`), `${JSON.stringify(run, null, 2)}\n`);
    return run;
  };
  const dry = await syncRun(true);
  const real = await syncRun(false);
  // an edit "in HubSpot" (the sandbox's UI) reaches Sage through HubSpot's signed webhook
  const hubspotUi = (JSON.parse(readFileSync(join(o.dataDir, 'sandbox', 'hubspot-ui.json'), 'utf8')) as { url: string }).url;
  const companies = (await (await fetch(`${hubspotUi}/companies`)).json()) as { results: Json[] };
  const company = companies.results.find((c) => c.properties?.sage_id) ?? companies.results[0];
  if (!company) throw new Error('tour: the sandbox HubSpot has no company after the sync run');
  const editedAt = Date.now();
  const note = `Préfère être appelé le matin (${stamp})`;
  const edit = await fetch(`${hubspotUi}/companies/${company.id}`, {
    method: 'PATCH',
    body: JSON.stringify({ description: note }),
    headers: { 'content-type': 'application/json' },
  });
  if (!edit.ok) throw new Error(`tour: the HubSpot edit was refused: ${edit.status} ${await edit.text()}`);
  const webhookRun = await until('the HubSpot edit reaching Sage', async () => {
    const runs = ((await api('/v1/sync/runs')).json.runs ?? []) as Json[];
    const run = runs.find((r) => r.trigger === 'hubspot-webhook' && Date.parse(r.startedAt) >= editedAt - 1000 && r.status !== 'running');
    return run ? (await api(`/v1/sync/runs/${run.id}`)).json : undefined;
  });
  writeFileSync(join(demoDir, `sync-webhook-run-${webhookRun.id}.json`), `${JSON.stringify(webhookRun, null, 2)}\n`);

  // 3. audits: a hosting audit and a monitor of a demo site on loopback
  const sites = JSON.parse(readFileSync(join(o.dataDir, 'sandbox', 'sites.json'), 'utf8')) as Array<{ name: string; url: string }>;
  const site = sites[0]!;
  const audit = await api('/v1/audits', { method: 'POST', body: { url: site.url, options: { browser: true, samples: 1 } } });
  expect('the audit', audit, [202]);
  const auditDone = await until(`audit ${audit.json.id}`, async () => {
    const r = await api(`/v1/audits/${audit.json.id}`);
    return r.status === 200 ? r.json : undefined;
  });
  const html = await api(`/v1/audits/${audit.json.id}/report`, { accept: 'text/html' });
  expect('the audit report', html, [200]);
  const reportPath = join(demoDir, `audit-${audit.json.id}.html`);
  writeFileSync(reportPath, html.text);
  const monitor = await api('/v1/monitors', { method: 'POST', body: { url: site.url, intervalSeconds: 60, alertEmail: 'ops@atelier.localhost' } });
  expect('the monitor', monitor, [201, 409]);

  // 4. watches: both demo agency sites as sources, a run of the first, its listings
  let sourceId = 0;
  for (const s of sites) {
    const created = await api('/v1/sources', { method: 'POST', body: { name: s.name, website: s.url, priority: 1 } });
    expect(`the source ${s.url}`, created, [201, 409]);
    if (s === site)
      sourceId =
        created.status === 201
          ? Number(created.json.id)
          : Number(((await api('/v1/sources?limit=100')).json.items as Json[]).find((x) => x.website === s.url || x.website === s.url.replace(/\/$/, ''))?.id);
  }
  const started = await api(`/v1/sources/${sourceId}/run`, { method: 'POST', body: {} });
  expect('the source run', started, [202]);
  const crawl = await until(`the crawl of ${site.url}`, async () => {
    const r = await api(`/v1/sources/${sourceId}/runs`);
    const last = (r.json.items as Json[] | undefined)?.[0];
    return last && last.finishedAt ? last : undefined;
  });
  const listings = await api(`/v1/listings?source_id=${sourceId}&limit=100`);
  writeFileSync(join(demoDir, `watch-source-${sourceId}.json`), `${JSON.stringify({ run: crawl, listings: listings.json }, null, 2)}\n`);

  return {
    order: { id: orderId, phase: order.phase, liveUrl: order.liveUrl, timeline: order.timeline, emails, screenshot },
    sync: { dryRun: dry, run: real, webhookRun, editedCompany: String(company.properties?.name ?? company.id) },
    audit: { id: String(audit.json.id), verdict: auditDone.report?.verdict ?? auditDone.verdict ?? null, reportPath },
    monitor: { id: String(monitor.json.id ?? ''), status: monitor.status },
    watch: { sourceId, run: crawl, listings: ((listings.json.items as Json[] | undefined) ?? []).length },
    demoDir,
  };
}

/** The catcher's .eml files sent to `to`, copied as .eml and .html into `out`; their subjects. */
async function customerEmails(mailDir: string, to: string, out: string, prefix: string): Promise<string[]> {
  if (!existsSync(mailDir)) return [];
  const subjects: string[] = [];
  for (const f of readdirSync(mailDir)
    .filter((n) => n.endsWith('.eml'))
    .sort()) {
    const raw = readFileSync(join(mailDir, f));
    if (!raw.includes(to)) continue;
    const mail = await simpleParser(raw);
    const n = String(subjects.length + 1).padStart(2, '0');
    copyFileSync(join(mailDir, f), join(out, `${prefix}-${n}.eml`));
    writeFileSync(join(out, `${prefix}-${n}.html`), typeof mail.html === 'string' ? mail.html : `<pre>${mail.text ?? ''}</pre>`);
    subjects.push(mail.subject ?? '(no subject)');
  }
  return subjects;
}
