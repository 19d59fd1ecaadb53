/**
 * The watches API: bad input answered as 422 problem+json (invalid or private URLs, malformed alert
 * criteria, bad CSV), the CSV import, the GDPR erasure and the public unsubscribe link, generic
 * watches (schedule created, a change notified once), and the fixed Temporal Schedules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { RunningWorkers } from '../../workers/run.js';
import type { genericWatch } from '../../workflows/watches.js';
import { ensureWatchSchedules, genericScheduleId } from '../../temporal-config/watches-schedules.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';
import { startSite, type FixtureSite } from '../support/watches/sites.js';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let smtp: MailCatcher;
let call: ReturnType<typeof testApp>['call'];
let page: FixtureSite;
let prices = '<ul><li>Audit : 490 €</li><li>Hébergement : 19 €/mois</li></ul>';

beforeAll(async () => {
  t = await freshDb();
  smtp = await startMailCatcher();
  page = await startSite((path) =>
    path === '/tarifs'
      ? { body: `<!doctype html><html><body><header>Menu</header><section id="prix">${prices}</section><footer>${Date.now()}</footer></body></html>` }
      : null,
  );
  config = testConfig(t.url, { SMTP_URL: smtp.url, WATCH_POLITENESS_MS: '50', PUBLIC_BASE_URL: 'https://atelier.test' });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['watches']);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await page?.close();
  await smtp?.close();
  await t?.drop();
});

/** The answer fields these tests read (an answer has some of them). */
type Answer = {
  id: number;
  active: boolean;
  created: number;
  unsubscribeToken: string;
  baseline: { workflowId: string };
  errors: Array<{ path: string; line: number }>;
  items: unknown[];
  recentChanges: unknown[];
};
const send = async (path: string, method: string, body?: unknown, type = 'application/json') => {
  const res = await call(path, {
    method,
    body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': type },
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : null) as Answer };
};

describe('watches API', () => {
  it('refuses invalid and private source URLs with 422 problem+json', async () => {
    for (const website of ['not a url', 'ftp://agence.example/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/']) {
      const res = await send('/v1/sources', 'POST', { name: 'X', website });
      expect(res.status, website).toBe(422);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.errors[0]!.path).toBe('website');
    }
    const noName = await send('/v1/sources', 'POST', { website: 'http://127.0.0.1:9/' });
    expect(noName.status).toBe(422);
    const otherHost = await send('/v1/sources', 'POST', { name: 'X', website: 'http://127.0.0.1:9/', listingUrls: ['http://127.0.0.2:9/biens/'] });
    expect(otherHost.status).toBe(422);
    expect(otherHost.body.errors[0]!.path).toBe('listingUrls.0');
  });

  it('creates, reads, changes, lists and deletes a source; a second one on the same site is a conflict', async () => {
    const created = await send('/v1/sources', 'POST', {
      name: 'Agence Test',
      website: page.url,
      postalCodes: ['75015'],
      priority: 2,
      selectors: { price: '.prix' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Agence Test', website: page.url, priority: 2, selectors: { price: '.prix' }, needsBrowser: false });
    expect((await send('/v1/sources', 'POST', { name: 'Again', website: page.url })).status).toBe(409);
    const patched = await send(`/v1/sources/${created.body.id}`, 'PATCH', { forceBrowser: true, postalCodes: ['75016'] });
    expect(patched.body).toMatchObject({ forceBrowser: true, postalCodes: ['75016'] });
    expect((await send(`/v1/sources/${created.body.id}`, 'PATCH', { priority: 99 })).status).toBe(422);
    const list = await send('/v1/sources?limit=1', 'GET');
    expect(list.body.items).toHaveLength(1);
    expect((await send(`/v1/sources/${created.body.id}/runs`, 'GET')).body.items).toEqual([]);
    expect((await send(`/v1/sources/${created.body.id}`, 'DELETE')).status).toBe(204);
    expect((await send(`/v1/sources/${created.body.id}`, 'GET')).status).toBe(404);
  });

  it('imports sources from CSV, upserting by website and reporting bad lines', async () => {
    const csv = [
      'name;website;postal_codes;priority;force_browser;listing_urls',
      `Agence Un;http://127.0.0.1:8001/;75015 75016;1;false;http://127.0.0.1:8001/biens/`,
      `"Agence ""Deux""";http://127.0.0.1:8002/;;0;oui;`,
      `Privée;http://192.168.1.10/;;0;;`,
      `Mauvaise;http://127.0.0.1:8003/;7501;0;;`,
    ].join('\n');
    const first = await send('/v1/sources/import', 'POST', csv, 'text/csv');
    expect(first.status).toBe(200);
    expect(first.body.created).toBe(2);
    expect(first.body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5]);
    const again = await send('/v1/sources/import', 'POST', csv, 'text/csv');
    expect(again.body).toMatchObject({ created: 0, updated: 2 });
    const deux = await t.db.selectFrom('watch_sources').selectAll().where('website', '=', 'http://127.0.0.1:8002/').executeTakeFirstOrThrow();
    expect(deux).toMatchObject({ name: 'Agence "Deux"', force_browser: true });
    const noHeader = await send('/v1/sources/import', 'POST', 'foo,bar\n1,2', 'text/csv');
    expect(noHeader.status).toBe(422);
  });

  it('validates alert criteria and targets (422), and deletes a user’s data on request', async () => {
    const bad = [
      { ownerEmail: 'a@example.fr', criteria: { priceMin: 500_000, priceMax: 100_000 } },
      { ownerEmail: 'a@example.fr', criteria: { postalCodes: ['7501'] } },
      { ownerEmail: 'a@example.fr', criteria: { propertyTypes: ['castle'] } },
      { ownerEmail: 'a@example.fr', criteria: { unknownField: 1 } },
      { ownerEmail: 'not-an-email', criteria: {} },
      { ownerEmail: 'a@example.fr', criteria: {}, channel: 'webhook', target: 'http://10.0.0.1/hook' },
    ];
    for (const b of bad) {
      const res = await send('/v1/alerts', 'POST', b);
      expect(res.status, JSON.stringify(b)).toBe(422);
      expect(res.type).toContain('application/problem+json');
    }
    const ok = await send('/v1/alerts', 'POST', { ownerEmail: 'Erase.Me@example.fr', criteria: { postalCodes: ['75'], roomsMin: 2 }, frequency: 'daily' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ ownerEmail: 'erase.me@example.fr', target: 'Erase.Me@example.fr', frequency: 'daily', active: true });
    await t.db
      .insertInto('outbox')
      .values({
        dedupe_key: `watch:digest:${ok.body.id}:2026-11-20`,
        channel: 'email',
        payload: JSON.stringify({ to: 'Erase.Me@example.fr', subject: 's', text: 't' }),
      })
      .execute();
    const keep = await send('/v1/alerts', 'POST', { ownerEmail: 'keep@example.fr', criteria: {} });

    // the public unsubscribe link needs no API key
    const unsub = await call(`/public/alerts/unsubscribe?token=${ok.body.unsubscribeToken}`, { key: null });
    expect(unsub.status).toBe(200);
    expect(await unsub.text()).toContain('Désabonnement confirmé');
    expect((await send(`/v1/alerts/${ok.body.id}`, 'GET')).body.active).toBe(false);
    expect((await call('/public/alerts/unsubscribe?token=unknown-token-123', { key: null })).status).toBe(404);

    const erased = await send('/v1/alerts?email=erase.me@example.fr', 'DELETE');
    expect(erased.body).toEqual({ email: 'erase.me@example.fr', alerts: 1, notifications: 1, watches: 0 });
    expect((await send(`/v1/alerts/${ok.body.id}`, 'GET')).status).toBe(404);
    expect((await send(`/v1/alerts/${keep.body.id}`, 'GET')).status).toBe(200);
    expect((await send('/v1/alerts?email=nope', 'DELETE')).status).toBe(422);
  });

  it('watches any page region: baseline at creation, a change notified once by the earlier genericWatch workflow too', async () => {
    expect((await send('/v1/watches', 'POST', { name: 'x', url: 'http://10.0.0.5/', target: 'ops@example.fr' })).status).toBe(422);
    const created = await send('/v1/watches', 'POST', {
      name: 'Tarifs',
      url: `${page.url}tarifs`,
      selector: '#prix',
      intervalMinutes: 30,
      target: 'ops@example.fr',
      ownerEmail: 'ops@example.fr',
    });
    expect(created.status).toBe(201);
    expect(await client.workflow.getHandle(created.body.baseline.workflowId).result()).toMatchObject({ baselines: 1 });
    // no schedule per watch any more: the sweep checks it
    await expect(client.schedule.getHandle(genericScheduleId(config.TASK_QUEUE_PREFIX, created.body.id)).describe()).rejects.toThrow();

    const check = () =>
      client.workflow.execute<typeof genericWatch>('genericWatch', {
        workflowId: `generic-${created.body.id}-${Date.now()}`,
        taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX),
        args: [{ watchId: created.body.id }],
      });
    expect(await check()).toMatchObject({ changed: false, error: null });
    expect(await check()).toMatchObject({ changed: false });
    prices = '<ul><li>Audit : 590 €</li><li>Hébergement : 19 €/mois</li></ul>';
    const changed = await check();
    expect(changed.changed).toBe(true);
    const [mail] = await smtp.waitFor(1, (m) => m.subject.includes('Tarifs'));
    expect(mail!.text).toContain('590');
    expect(await check()).toMatchObject({ changed: false });
    const detail = await send(`/v1/watches/${created.body.id}`, 'GET');
    expect(detail.body.recentChanges).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.subject.includes('Tarifs'))).toHaveLength(1);

    const erased = await send('/v1/alerts?email=ops@example.fr', 'DELETE');
    expect(erased.body).toMatchObject({ watches: 1, notifications: 1 });
    expect((await send(`/v1/watches/${created.body.id}`, 'GET')).status).toBe(404);
  });

  it('creates the fixed schedules idempotently (Europe/Paris, overlap skip, catch-up window)', async () => {
    const cfg = { taskQueuePrefix: config.TASK_QUEUE_PREFIX, fleetBatchSize: 10 };
    // a per-watch schedule of an earlier version is removed: the sweep checks every watch now
    const legacy = genericScheduleId(config.TASK_QUEUE_PREFIX, 999);
    await client.schedule.create({
      scheduleId: legacy,
      spec: { intervals: [{ every: '60 minutes' }] },
      action: { type: 'startWorkflow', workflowType: 'genericWatch', taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX), args: [{ watchId: 999 }] },
    });
    const listed = async () => {
      for await (const x of client.schedule.list()) if (x.scheduleId === legacy) return true;
      return false;
    };
    for (let i = 0; i < 50 && !(await listed()); i++) await new Promise((r) => setTimeout(r, 100)); // visibility lags a little
    const first = await ensureWatchSchedules(client, cfg);
    await expect(client.schedule.getHandle(legacy).describe()).rejects.toThrow();
    expect(first.map((s) => s.outcome)).toEqual(['created', 'created', 'created', 'created', 'created', 'created']);
    const second = await ensureWatchSchedules(client, cfg);
    expect(second.map((s) => s.outcome)).toEqual(['updated', 'updated', 'updated', 'updated', 'updated', 'updated']);
    const sweep = await client.schedule.getHandle(`${config.TASK_QUEUE_PREFIX}-watches-generic-sweep`).describe();
    expect(sweep.spec.intervals?.[0]?.every).toBe(60_000);
    expect(sweep.action).toMatchObject({ workflowType: 'genericWatchSweep' });
    expect(sweep.policies).toMatchObject({ overlap: 'SKIP' });
    const full = await client.schedule.getHandle(`${config.TASK_QUEUE_PREFIX}-watches-full-crawl`).describe();
    expect(full.spec.timezone).toBe('Europe/Paris');
    expect(full.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(full.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 3_600_000 });
    expect(full.action).toMatchObject({ workflowType: 'watchFleet', args: [{ scope: 'all', batchSize: 10 }] });
    const priority = await client.schedule.getHandle(`${config.TASK_QUEUE_PREFIX}-watches-priority-crawl`).describe();
    expect(priority.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 23, step: 6 }] });
    const stats = await client.schedule.getHandle(`${config.TASK_QUEUE_PREFIX}-watches-market-stats`).describe();
    expect(stats.spec.intervals?.[0]?.every).toBe(3_600_000);
    const cleanup = await client.schedule.getHandle(`${config.TASK_QUEUE_PREFIX}-watches-duplicate-cleanup`).describe();
    expect(cleanup.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
    for (const s of first) await client.schedule.getHandle(s.id).delete();
  });
});
