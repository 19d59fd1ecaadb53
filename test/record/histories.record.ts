/**
 * Drives one short, real run of each workflow type through its main path (the real worker and
 * activities, the loopback fixtures and fakes of the e2e tests) and saves its history into
 * test/fixtures/histories/ for the replay test. Run by `npm run history:record` (RECORD_TYPES, a
 * comma list of workflow types, records only those); not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../core/config.js';
import { taskQueueFor, type Family } from '../../core/temporal.js';
import { recordHistory } from '../../scripts/lib/histories.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import * as workflows from '../../workflows/index.js';
import type { CertificateRenewalStatus } from '../../workflows/certificate-renewal.js';
import type { SiteMonitorInput, SiteMonitorStatus } from '../../core/contracts/monitors.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { hubspotEventsWorkflowId, type HubSpotEventsStatus } from '../../workflows/sync.js';
import { startAuditFixtures } from '../support/audits/fixtures.js';
import { freshDb, type TestDb } from '../support/db.js';
import { createTestCa, startTestSite, startWebhookReceiver } from '../support/monitor-sites.js';
import { OTHER_API_KEY, startTestWorkers, TEST_API_KEY, testApp, testClient, testEnv, workflowBundle } from '../support/platform.js';
import { customerBody, HUBSPOT_SECRET, HUBSPOT_TOKEN, startSyncHarness, until } from '../support/sync/harness.js';
import { agencySite, property, startSite, type Property } from '../support/watches/sites.js';

const wanted = (process.env.RECORD_TYPES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const want = (...types: string[]) => wanted.length === 0 || types.some((t) => wanted.includes(t));
// HISTORY_DIR: somewhere else than test/fixtures/histories (a trial run)
const dir = process.env.HISTORY_DIR || undefined;
const DAY = 86_400_000;
/** The workflow types the bundle registers (the async functions workflows/index.ts exports). */
const types = new Set(
  Object.entries(workflows)
    .filter(([, v]) => typeof v === 'function' && v.constructor.name === 'AsyncFunction')
    .map(([k]) => k),
);

/** A family's world: database, config, client, in-process worker, API, mail catcher. */
async function world(families: Family[], env: Record<string, string>) {
  const t: TestDb = await freshDb();
  const smtp: MailCatcher = await startMailCatcher();
  const config: Config = loadConfig(testEnv(t.url, { SMTP_URL: smtp.url, ...env }));
  const client: Client = await testClient(config);
  const workers = await startTestWorkers(config, t.db, families);
  const { call } = testApp(config, t.db, client);
  const post = async (path: string, body: unknown) => {
    const res = await call(path, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  const secrets = [TEST_API_KEY, OTHER_API_KEY, config.WEBHOOK_SIGNING_SECRET, HUBSPOT_TOKEN, HUBSPOT_SECRET];
  const record = async (workflowId: string, label: string, runId?: string) => {
    const r = await recordHistory(client, workflowId, { label, secrets, dir, ...(runId ? { runId } : {}) });
    console.log(`[history] ${r.type}-${label}: ${r.events} events, ${Math.round(r.bytes / 1024)} KB`);
    return r;
  };
  const close = async () => {
    await workers.shutdown();
    await client.connection.close();
    await smtp.close();
    await t.drop();
  };
  return { t, smtp, config, client, post, call, record, close, queue: (f: Family) => taskQueueFor(f, config.TASK_QUEUE_PREFIX) };
}

if (want('watchSource', 'watchFleet', 'marketStats', 'duplicateCleanup', 'alertDigest', 'genericWatch', 'genericWatchSweep')) {
  describe('watches', () => {
    it('records watchFleet, watchSource, marketStats, duplicateCleanup, alertDigest and the generic watches', async () => {
      const listings = new Map<string, Property>([
        ['h1', property('h1', { price: 320_000, surface: 45, rooms: 2 })],
        ['h2', property('h2', { price: 455_000, surface: 70 })],
        ['h3', property('h3', { price: 990_000, surface: 120, rooms: 5 })],
      ]);
      const agency = await startSite(agencySite(listings, { flavor: 'wordpress' }));
      let prices = '<ul><li>Audit : 490 €</li></ul>';
      const page = await startSite((path) =>
        path === '/tarifs'
          ? { body: `<!doctype html><title>Tarifs</title><div id="prix">${prices}</div>` }
          : path === '/robots.txt'
            ? { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' }
            : null,
      );
      const w = await world(['watches'], { WATCH_POLITENESS_MS: '50', WATCH_FETCH_RETRIES: '1', PUBLIC_BASE_URL: 'https://atelier.test' });
      try {
        const source = await w.post('/v1/sources', { name: 'Agence Historique', website: agency.url, postalCodes: ['75015'] });
        await w.post('/v1/alerts', { ownerEmail: 'now@example.fr', name: 'Paris 15e < 500k', criteria: { postalCodes: ['75015'], priceMax: 500_000 } });
        await w.post('/v1/alerts', { ownerEmail: 'daily@example.fr', name: 'Tout Paris 15e', frequency: 'daily', criteria: { postalCodes: ['75015'] } });

        const fleetId = `history-fleet-${Date.now()}`;
        const totals = await w.client.workflow.execute('watchFleet', {
          workflowId: fleetId,
          taskQueue: w.queue('watches'),
          args: [{ scope: 'all', batchSize: 2 }],
        });
        expect(totals).toEqual({ sources: 1, ok: 1, failed: 0 });
        await w.record(fleetId, 'fleet-one-source');
        await w.record(`${fleetId}-source-${source.id}`, 'new-listings-alerted');

        const run = async (type: string, label: string, args: unknown[] = []) => {
          const id = `history-${type}-${Date.now()}`;
          const result = await w.client.workflow.execute(type, { workflowId: id, taskQueue: w.queue('watches'), args });
          await w.record(id, label);
          return result;
        };
        expect(await run('marketStats', 'one-postal-code')).toMatchObject({ postalCodes: 1 });
        await run('duplicateCleanup', 'completed');
        expect(await run('alertDigest', 'one-digest', [{ day: new Date().toISOString().slice(0, 10) }])).toMatchObject({ sent: 1 });

        // a generic watch: its baseline, then a change notified
        const watch = await w.post('/v1/watches', { name: 'Tarifs', url: `${page.url}tarifs`, selector: '#prix', target: 'ops@example.fr' });
        const baseline = watch.baseline as { workflowId: string } | undefined;
        if (baseline) await w.client.workflow.getHandle(baseline.workflowId).result();
        if (types.has('genericWatch'))
          await w.client.workflow.execute('genericWatch', {
            workflowId: `history-generic-${Date.now()}`,
            taskQueue: w.queue('watches'),
            args: [{ watchId: watch.id }],
          });
        prices = '<ul><li>Audit : 590 €</li></ul>';
        if (types.has('genericWatchSweep')) {
          const sweep = await w.post(`/v1/watches/${watch.id}/check`, {});
          expect(await w.client.workflow.getHandle(sweep.workflowId as string).result()).toMatchObject({ changed: 1 });
          await w.record(sweep.workflowId as string, 'one-change-notified');
          await w.smtp.waitFor(1, (m) => m.subject.includes('Tarifs'));
          prices = '<ul><li>Audit : 650 €</li></ul>';
        }
        if (types.has('genericWatch')) {
          expect(await run('genericWatch', 'change-notified', [{ watchId: watch.id }])).toMatchObject({ phase: 'completed', changed: true });
        }
      } finally {
        await w.close();
        await agency.close();
        await page.close();
      }
    });
  });
}

if (want('crmSync', 'hubspotEvents')) {
  describe('sync', () => {
    it('records a small full crmSync and a debounced hubspotEvents batch', async () => {
      const h = await startSyncHarness();
      try {
        const ids = [1, 2, 3, 4].map((i) => String(h.sage.direct.create('contacts', customerBody(i)).id));
        h.sage.direct.create('sales_quotes', {
          contact_id: ids[0],
          date: '2026-11-20',
          expiry_date: '2026-12-20',
          quote_lines: [{ description: 'Site vitrine', quantity: 1, unit_price: 1500 }],
        });
        const secrets = [HUBSPOT_TOKEN, HUBSPOT_SECRET, h.sage.clientSecret, h.sage.currentRefreshToken(), TEST_API_KEY, h.config.WEBHOOK_SIGNING_SECRET];
        const syncId = `history-sync-${Date.now()}`;
        const res = await h.client.workflow.execute('crmSync', {
          workflowId: syncId,
          taskQueue: taskQueueFor('sync', h.config.TASK_QUEUE_PREFIX),
          args: [{ mode: 'full', trigger: 'history' }],
        });
        expect(res).toMatchObject({ phase: 'completed' });
        const full = await recordHistory(h.client, syncId, { label: 'full-small', secrets, dir });
        console.log(`[history] crmSync-full-small: ${full.events} events`);

        // two changes in HubSpot's UI -> signed webhooks -> one debounced batch to Sage
        const contactOf = (sageId: string) => h.hubspot.findBy('contacts', 'sage_id', sageId)[0]!.id;
        h.hubspot.ui.update('contacts', contactOf(ids[1]!), { phone: '06 00 00 00 02' });
        h.hubspot.ui.update('contacts', contactOf(ids[2]!), { phone: '06 00 00 00 03' });
        const batcher = h.client.workflow.getHandle(hubspotEventsWorkflowId(h.config.TASK_QUEUE_PREFIX));
        const st = await until(
          () => batcher.query<HubSpotEventsStatus>('status').catch(() => null),
          (s) => (s?.batches ?? 0) >= 1 && s!.lastBatchAt !== null,
          20_000,
          100,
        );
        expect(st).toMatchObject({ batches: 1, records: 2 });
        const events = await recordHistory(h.client, batcher.workflowId, { label: 'one-debounced-batch', secrets, dir });
        console.log(`[history] hubspotEvents-one-debounced-batch: ${events.events} events`);
      } finally {
        await h.close();
      }
    });
  });
}

if (want('hostingAudit', 'siteMonitor', 'monitorSweep')) {
  describe('audits', () => {
    it('records a hostingAudit, a siteMonitor through down, recovery and continueAsNew, and a monitorSweep', async () => {
      const fx = await startAuditFixtures();
      const ca = createTestCa();
      const caDir = mkdtempSync(join(tmpdir(), 'history-audits-'));
      writeFileSync(join(caDir, 'ca.pem'), ca.certPem);
      const site = await startTestSite();
      const hooks = await startWebhookReceiver();
      const w = await world(['audits'], {
        ...fx.env,
        MONITOR_MIN_INTERVAL_SECONDS: '1',
        MONITOR_CHECKS_PER_RUN: '4',
        MONITOR_EXTRA_CA_PATH: join(caDir, 'ca.pem'),
      });
      try {
        const audit = await w.post('/v1/audits', { url: fx.urls.litespeedHttps, options: { browser: true, samples: 1 } });
        expect(await w.client.workflow.getHandle(audit.id as string).result()).toMatchObject({ verdict: 'enterprise' });
        await w.record(audit.id as string, 'completed-with-browser');

        // the row through the API (paused, so a monitor sweep leaves it alone), the monitor's own
        // workflow started as the API did before the sweeps (or resumed, where the API still starts it)
        const m = await w.post('/v1/monitors', {
          url: site.url,
          intervalSeconds: 1,
          alertEmail: 'ops@agence.test',
          webhookUrl: hooks.url,
          thresholds: { failuresBeforeDown: 1 },
          paused: true,
        });
        const handle = w.client.workflow.getHandle(m.id as string);
        if (
          await handle.describe().then(
            () => true,
            () => false,
          )
        )
          await handle.signal('resume');
        else {
          const input: SiteMonitorInput = {
            monitorId: m.id as string,
            url: site.url,
            host: '127.0.0.1',
            intervalSeconds: 1,
            thresholds: { ...DEFAULT_THRESHOLDS, failuresBeforeDown: 1 },
            checksPerRun: w.config.MONITOR_CHECKS_PER_RUN,
            intervalBounds: [1, w.config.MONITOR_MAX_INTERVAL_SECONDS],
          };
          await w.client.workflow.start('siteMonitor', { workflowId: m.id as string, taskQueue: w.queue('audits'), args: [input] });
        }
        const firstRunId = (await handle.describe()).runId;
        const state = () => handle.query<SiteMonitorStatus>('status');
        await until(state, (s) => s.state === 'up', 20_000, 100);
        site.set({ kind: 'down' });
        await until(state, (s) => s.state === 'down', 20_000, 100);
        site.set({ kind: 'up' });
        const after = await until(state, (s) => s.run.number >= 2 && s.state === 'up' && s.recentAlerts.length === 2 && s.pendingDeliveries === 0, 30_000, 200);
        expect(after.recentAlerts.map((a) => a.transition)).toEqual(['down', 'recovered']);
        await w.record(m.id as string, 'down-recovered-continued', firstRunId);
        await w.record(m.id as string, 'second-run');
        await handle.terminate('recorded');

        if (types.has('monitorSweep')) {
          // the batched sweep over the monitors' rows: two windows, then continueAsNew
          // (its own id: the API may have started the shard's sweep already, on its default windows)
          const sweepId = `history-monitor-sweep-${Date.now()}`;
          const sweep = await w.client.workflow.start('monitorSweep', {
            workflowId: sweepId,
            taskQueue: w.queue('audits'),
            args: [{ shard: 0, shards: 1, windowSeconds: 1, concurrency: 2, windowsPerRun: 2 }],
          });
          await until(
            () => sweep.describe(),
            (d) => d.runId !== sweep.firstExecutionRunId,
            30_000,
            200,
          );
          await w.record(sweepId, 'two-windows-continued', sweep.firstExecutionRunId);
          await sweep.terminate('recorded');
        }
      } finally {
        await w.close();
        await site.close();
        await hooks.close();
        await fx.close();
        rmSync(caDir, { recursive: true, force: true });
      }
    });
  });
}

if (want('certificateRenewal')) {
  describe('concierge', () => {
    it('records a certificateRenewal round that fails, alerts, renews and continues as new', async () => {
      // The activities stand in for ACME (real issuance is the concierge e2e's); the workflow, its
      // timers and its continueAsNew are the real ones. The expiry is 30 days + 2 s away.
      const t = await freshDb();
      const config = loadConfig(testEnv(t.url));
      const client = await testClient(config);
      const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
      const taskQueue = `${config.TASK_QUEUE_PREFIX}-history-renewal`;
      let calls = 0;
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: {
          async issueCertificate() {
            if (++calls === 1) throw ApplicationFailure.nonRetryable('acme down', 'acme-refused');
            return { notAfter: new Date(Date.now() + 90 * DAY).toISOString(), issued: true };
          },
          async alertOperator() {
            return 'sent';
          },
        },
      });
      try {
        await worker.runUntil(async () => {
          const id = `cert-renewal-history-${Date.now()}.fr`;
          const handle = await client.workflow.start('certificateRenewal', {
            workflowId: id,
            taskQueue,
            args: [
              {
                orderId: 'ord_history',
                domain: 'history.fr',
                notAfter: new Date(Date.now() + 30 * DAY + 2000).toISOString(),
                renewBeforeDays: 30,
                renewals: 0,
                retryAfterMs: 500,
              },
            ],
          });
          await until(
            () => handle.query<CertificateRenewalStatus>('status'),
            (s) => s.renewals === 1,
            30_000,
            100,
          );
          const r = await recordHistory(client, id, { label: 'failed-round-then-renewed', runId: handle.firstExecutionRunId, secrets: [TEST_API_KEY], dir });
          console.log(`[history] certificateRenewal-failed-round-then-renewed: ${r.events} events`);
          await handle.terminate('recorded');
        });
      } finally {
        await connection.close();
        await client.connection.close();
        await t.drop();
      }
    }, 60_000);
  });
}
