/**
 * One worker process serving the watches, sync and audits queues is killed with SIGKILL while an
 * activity of each family is in flight (a listing page held by the agency site, a HubSpot page
 * waiting out 429s, a hosting audit's HTTP probe held by the site, a monitor check on a site that
 * stopped answering), then a fresh worker process is started. Every run completes and no side
 * effect is doubled: listings, listing events, alert notifications and their mails, HubSpot
 * companies / contacts / deals per Sage id, the audit report, the monitor's down and recovery
 * alerts (mail and webhook).
 *
 * The monitor is read through the API (GET /v1/monitors/{id}), whichever workflow checks it (the
 * monitor sweep, or before it the monitor's own workflow).
 *
 * The wait after the kill is Temporal's: an activity lost with its worker is retried when its
 * heartbeat timeout (watches crawl: 1 min, sync pages: 30 s, monitor sweep: 10 s) or
 * start-to-close timeout (audit probes: 60 s) expires; the watches crawl's minute sets the pace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig, type Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { watchSource, WatchSourceStatus } from '../../workflows/watches.js';
import type { crmSync, CrmSyncStatus } from '../../workflows/sync.js';
import { monitorSweepId } from '../../workflows/monitor-sweep.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startHubSpotFake, type HubSpotFake } from '../../sandbox/hubspot/index.js';
import { startSageFake, type SageFake } from '../../sandbox/sage/index.js';
import { startTestSite, startWebhookReceiver, type TestSite, type WebhookReceiver } from '../support/monitor-sites.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { testApp, testClient, testEnv } from '../support/platform.js';
import { customerBody, HUBSPOT_SECRET, HUBSPOT_TOKEN, syncEnv, until } from '../support/sync/harness.js';
import { agencySite, property, startSite, type FixtureSite, type Property } from '../support/watches/sites.js';
import { killHard, startWorkerProcess, writeWorkflowBundle } from '../support/worker-process.js';

const FAMILIES = ['watches', 'sync', 'audits'] as const;
const CUSTOMERS = 120;
const QUOTES = 6;
const HOLD_MS = 30_000; // a held response outlives the kill

let t: TestDb;
let env: Record<string, string>;
let config: Config;
let client: Client;
let call: ReturnType<typeof testApp>['call'];
let dir: string;
let bundlePath: string;
let smtp: MailCatcher;
let monitorHooks: WebhookReceiver;
let agency: FixtureSite;
let auditSite: TestSite;
let monitorSite: TestSite;
let hubspot: HubSpotFake;
let sage: SageFake;
const workers: PeerProcess[] = [];

const listings = new Map<string, Property>([
  ['k1', property('k1', { price: 310_000, surface: 41, rooms: 2 })],
  ['k2', property('k2', { price: 455_000, surface: 70 })],
  ['k3', property('k3', { price: 480_000, surface: 77 })],
  ['k4', property('k4', { price: 990_000, surface: 120, rooms: 5 })],
  ['k5', property('k5', { price: 299_000, surface: 33, rooms: 1 })],
]);
const ALERT_EMAIL = 'crash@example.fr';
const sageCustomers: string[] = [];
const sageQuotes: string[] = [];

let watch: WorkflowHandle<typeof watchSource>;
let sync: WorkflowHandle<typeof crmSync>;
let auditId: string;
let monitorId: string;
let killedAt = 0;

beforeAll(async () => {
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'worker-sigkill-'));
  [smtp, monitorHooks, agency, auditSite, monitorSite, sage] = await Promise.all([
    startMailCatcher(),
    startWebhookReceiver(),
    startSite(agencySite(listings, { flavor: 'wordpress', perPage: 5 })),
    startTestSite(),
    startTestSite(),
    startSageFake(),
  ]);
  hubspot = await startHubSpotFake({ accessToken: HUBSPOT_TOKEN, webhooks: { secret: HUBSPOT_SECRET, sources: ['CRM_UI'] } });
  for (let i = 1; i <= CUSTOMERS; i++) sageCustomers.push(String(sage.direct.create('contacts', customerBody(i)).id));
  for (let i = 0; i < QUOTES; i++) {
    const q = sage.direct.create('sales_quotes', {
      contact_id: sageCustomers[i],
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [{ description: `Site ${i}`, quantity: 1, unit_price: 1000 + i }],
    });
    sageQuotes.push(String(q.id));
  }
  env = testEnv(t.url, {
    SMTP_URL: smtp.url,
    WATCH_POLITENESS_MS: '50',
    WATCH_FETCH_RETRIES: '1',
    WATCH_USER_AGENT: 'AtelierWatchBot/1.0 (+https://atelier.test/bot)',
    AUDIT_TIMEOUT_MS: String(HOLD_MS + 10_000),
    MONITOR_MIN_INTERVAL_SECONDS: '1',
    MONITOR_SWEEP_WINDOW_SECONDS: '2',
    ...syncEnv(hubspot, sage),
    SYNC_PAGE_SIZE: '40',
  });
  config = loadConfig(env);
  client = await testClient(config);
  call = testApp(config, t.db, client).call;
  bundlePath = await writeWorkflowBundle(dir);
  workers.push(await startWorkerProcess({ env, families: FAMILIES, bundlePath }));
}, 120_000);

afterAll(async () => {
  // the monitor's checks run in the sweep (or, before it, in the monitor's own workflow)
  for (const id of [monitorSweepId(config?.TASK_QUEUE_PREFIX ?? '', 0), monitorId])
    if (id)
      await client?.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
  for (const w of workers) await w.stop();
  await client?.connection.close();
  await Promise.all([smtp?.close(), monitorHooks?.close(), agency?.close(), auditSite?.close(), monitorSite?.close(), hubspot?.close(), sage?.close()]);
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await call(path, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

/** The monitor's state as the API shows it. */
type MonitorState = { state: string; pendingDeliveries: number; recentAlerts: Array<{ transition: string }> };
const monitorState = async (): Promise<MonitorState | null> => {
  const res = await call(`/v1/monitors/${monitorId}`);
  return res.status === 200 ? (((await res.json()) as { state: MonitorState | null }).state ?? null) : null;
};
const downSubject = () => `[Alerte] 127.0.0.1:${monitorSite.port} est hors ligne`;
const upSubject = () => `[Rétabli] 127.0.0.1:${monitorSite.port} répond de nouveau`;

describe('worker process killed with SIGKILL mid-activity (watches, sync, audits)', () => {
  it('is killed while a listing page, a HubSpot page, an audit probe and a monitor check are in flight', async () => {
    const t0 = Date.now();
    // a watched source with an alert, and a monitor that is up
    const source = await post('/v1/sources', { name: 'Agence Crash', website: agency.url, postalCodes: ['75015'] });
    await post('/v1/alerts', { ownerEmail: ALERT_EMAIL, name: '75015 < 500k', criteria: { postalCodes: ['75015'], priceMax: 500_000 } });
    const monitor = await post('/v1/monitors', {
      url: monitorSite.url,
      intervalSeconds: 1,
      alertEmail: 'ops@agence.test',
      webhookUrl: monitorHooks.url,
      thresholds: { failuresBeforeDown: 1, timeoutMs: 1000 },
    });
    monitorId = monitor.id as string;
    expect((await until(monitorState, (s) => s?.state === 'up', 30_000, 100))?.state).toBe('up');

    // hold what each family is about to ask for
    agency.slow = { pattern: /^\/annonce\//, ms: HOLD_MS };
    auditSite.set({ kind: 'slow', delayMs: HOLD_MS });

    watch = await client.workflow.start<typeof watchSource>('watchSource', {
      workflowId: `crash-watch-${Date.now()}`,
      taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
      args: [{ sourceId: source.id as number }],
    });
    sync = await client.workflow.start<typeof crmSync>('crmSync', {
      workflowId: `crash-sync-${Date.now()}`,
      taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX),
      args: [{ mode: 'full', trigger: 'test' }],
    });
    auditId = (await post('/v1/audits', { url: auditSite.url, options: { browser: false, samples: 1 } })).id as string;
    // HubSpot starts throttling once the run reads Sage pages (its setup steps go through at full speed)
    await until(
      () => sync.query<CrmSyncStatus>('status'),
      (s) => s.phase === 'sage',
      20_000,
      10,
    );
    hubspot.setRateLimit({ max: 2, windowMs: 4000 });

    const listingHeld = () => agency.requests.some((r) => r.path.startsWith('/annonce/'));
    const syncThrottled = async () => hubspot.stats().throttled > 0 && (await sync.query<CrmSyncStatus>('status')).phase === 'sage';
    const probeHeld = () => auditSite.hits > 0;
    await until(async () => listingHeld() && probeHeld() && (await syncThrottled()), Boolean, 30_000, 50);
    console.log(`[worker-sigkill] all in flight after ${Date.now() - t0} ms`);

    // the monitor's site stops answering: the very next check is the one that finds it down
    monitorSite.set({ kind: 'slow', delayMs: HOLD_MS });
    const hits = monitorSite.hits;
    await until(
      () => monitorSite.hits,
      (h) => h > hits,
      10_000,
      5,
    );
    await killHard(workers[0]!);
    killedAt = Date.now();
    console.log(`[worker-sigkill] killed after ${killedAt - t0} ms`);

    // what the dead worker had started is still unfinished
    const audit = await t.db.selectFrom('audit_reports').select('status').where('id', '=', auditId).executeTakeFirst();
    const downMails = smtp.messages.filter((m) => m.subject === downSubject()).length;
    const companies = hubspot.objects('companies').length;
    const run = await t.db.selectFrom('watch_crawl_runs').select(['status', 'applied_at']).where('workflow_id', '=', watch.workflowId).executeTakeFirst();

    // the sites answer again, HubSpot stops throttling (the monitor's site stays down for now),
    // and a new worker process starts
    agency.slow = { pattern: null, ms: 0 };
    auditSite.set({ kind: 'up' });
    hubspot.setRateLimit(undefined);
    workers.push(await startWorkerProcess({ env, families: FAMILIES, bundlePath }));

    console.log(`[worker-sigkill] new worker ready ${Date.now() - killedAt} ms after the kill`);
    expect(audit?.status).not.toBe('completed');
    expect(downMails).toBe(0);
    expect(companies).toBeLessThan(CUSTOMERS);
    expect(run).toMatchObject({ applied_at: null });
  }, 90_000);

  it('watches: the run completes with each listing, listing event and notification once', async () => {
    const result: WatchSourceStatus = await watch.result();
    expect(result).toMatchObject({ status: 'ok', counts: { found: 5, new: 5, updated: 0, removed: 0 } });
    const rows = await t.db.selectFrom('watch_listings').select(['id', 'source_url']).execute();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.source_url)).size).toBe(5);
    const events = await t.db.selectFrom('watch_listing_history').select(['listing_id', 'event']).execute();
    expect(events.map((e) => e.event)).toEqual(['new', 'new', 'new', 'new', 'new']);
    expect(new Set(events.map((e) => e.listing_id)).size).toBe(5);
    // 75015 under 500 000 €: k1, k2, k3, k5
    const outbox = await t.db.selectFrom('outbox').select(['dedupe_key', 'status']).where('dedupe_key', 'like', 'watch:alert:%').execute();
    expect(outbox).toHaveLength(4);
    expect(outbox.every((o) => o.status === 'sent')).toBe(true);
    const mails = await smtp.waitFor(4, (m) => m.to.includes(ALERT_EMAIL));
    expect(new Set(mails.map((m) => m.subject)).size).toBe(4);
  }, 120_000);

  it('sync: the run completes with one company, contact and deal per Sage record', async () => {
    const result = await sync.result();
    expect(result.phase).toBe('completed');
    const companies = hubspot.objects('companies');
    expect(companies).toHaveLength(CUSTOMERS);
    expect(new Set(companies.map((c) => c.properties.sage_id))).toEqual(new Set(sageCustomers));
    const contacts = hubspot.objects('contacts');
    expect(contacts).toHaveLength(CUSTOMERS);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(CUSTOMERS);
    const deals = hubspot.objects('deals');
    expect(new Set(deals.map((d) => d.properties.sage_id))).toEqual(new Set(sageQuotes));
    expect(deals).toHaveLength(QUOTES);
    for (const q of sageQuotes) expect(hubspot.associations('deals', hubspot.findBy('deals', 'sage_id', q)[0]!.id, 'companies')).toHaveLength(1);
    const map = await t.db.selectFrom('sync_id_map').select(['entity', 'sage_id']).where('deleted_at', 'is', null).execute();
    expect(map.filter((m) => m.entity === 'customer')).toHaveLength(CUSTOMERS);
    expect(map.filter((m) => m.entity === 'quote')).toHaveLength(QUOTES);
    // nothing was created in Sage (it is the source of every record here)
    const sageWrites = Object.entries(sage.stats().byRoute).filter(([route]) => route.startsWith('POST ') && !route.includes('token'));
    expect(sageWrites).toEqual([]);
  }, 120_000);

  it('audits: the hosting audit completes with one report', async () => {
    await client.workflow.getHandle(auditId).result();
    const reports = await t.db.selectFrom('audit_reports').select(['id', 'status', 'report']).where('id', '=', auditId).execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.status).toBe('completed');
    const report = (typeof reports[0]!.report === 'string' ? JSON.parse(reports[0]!.report) : reports[0]!.report) as { probes: { http: { ok: boolean } } };
    expect(report.probes.http.ok).toBe(true);
  }, 120_000);

  it('monitors: the down transition found by the interrupted check is alerted once, and the recovery once', async () => {
    await smtp.waitFor(1, (m) => m.subject === downSubject(), 60_000);
    monitorSite.set({ kind: 'up' });
    await smtp.waitFor(1, (m) => m.subject === upSubject(), 30_000);
    const after = (await until(monitorState, (s) => s?.state === 'up' && s.pendingDeliveries === 0, 30_000, 200))!;
    await monitorHooks.waitFor(2, (r) => r.body.includes(`"monitorId":"${monitorId}"`), 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate would have arrived by now
    expect(smtp.messages.filter((m) => m.subject === downSubject())).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.subject === upSubject())).toHaveLength(1);
    const hooks = monitorHooks.received.filter((r) => r.body.includes(`"monitorId":"${monitorId}"`));
    expect(hooks.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['monitor.down', 'monitor.recovered']);
    expect(new Set(hooks.map((r) => r.delivery)).size).toBe(2);
    expect(after.recentAlerts.map((a) => a.transition)).toEqual(['down', 'recovered']);
    // check numbers stay a gapless sequence, each recorded once
    const checks = await t.db.selectFrom('monitor_checks').select('seq').where('monitor_id', '=', monitorId).orderBy('seq').execute();
    expect(checks.map((c) => Number(c.seq))).toEqual(checks.map((_, i) => i + 1));
    console.log(`[worker-sigkill] every family done ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`);
  }, 120_000);
});
