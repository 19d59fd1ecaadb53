/**
 * Site monitors end to end: the real API and worker, the Temporal dev server, PostgreSQL, the SMTP
 * catcher and a webhook receiver on loopback, watching loopback sites that go down, recover, slow
 * down and carry a certificate about to expire. The monitor sweep (workflows/monitor-sweep.ts)
 * checks them; their state is read from the API (the row and SQL over the checks).
 *
 * One file on purpose (issue 17): every test runs on the one audits worker and the monitor sweeps
 * started in beforeAll (with the SMTP catcher, webhook receiver and test CA), and the last test
 * replays the sweep run that checked the monitors of all the tests before it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { verify } from '../../activities/shared/webhook-signing.js';
import type { Config } from '../../core/config.js';
import { SA } from '../../core/temporal.js';
import type { MonitorRowStatus } from '../../activities/audits/monitor/row-status.js';
import { latenessMs } from '../../activities/audits/monitor/due.js';
import type { RunningWorkers } from '../../workers/run.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';
import { createTestCa, startTestSite, startWebhookReceiver, type TestCa, type TestSite, type WebhookReceiver } from '../support/monitor-sites.js';
import { startMonitorSweeps } from '../support/monitor-sweeps.js';
import { startTestWorkers, testApp, testClient, testConfig, workflowBundle } from '../support/platform.js';
import { Worker } from '@temporalio/worker';

let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let smtp: MailCatcher;
let hook: WebhookReceiver;
let ca: TestCa;
let call: ReturnType<typeof testApp>['call'];
const sites: TestSite[] = [];
let sweeps: Awaited<ReturnType<typeof startMonitorSweeps>>;

beforeAll(async () => {
  t = await freshDb();
  smtp = await startMailCatcher();
  hook = await startWebhookReceiver();
  ca = createTestCa();
  const dir = mkdtempSync(join(tmpdir(), 'monitor-e2e-'));
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  config = testConfig(t.url, {
    SMTP_URL: smtp.url,
    MONITOR_MIN_INTERVAL_SECONDS: '1',
    // short windows: the down/recovered test spans several of them
    MONITOR_SWEEP_WINDOW_SECONDS: '2',
    MONITOR_EXTRA_CA_PATH: join(dir, 'ca.pem'),
  });
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['audits']);
  sweeps = await startMonitorSweeps(client, config);
  call = testApp(config, t.db, client).call;
});
afterAll(async () => {
  await sweeps.stop();
  await workers.shutdown();
  await client.connection.close();
  await Promise.all(sites.map((s) => s.close()));
  await hook.close();
  await smtp.close();
  await t.drop();
});

async function site(tls?: { certPem: string; keyPem: string }) {
  const s = await startTestSite(tls);
  sites.push(s);
  return s;
}

const json = (body: unknown) => ({ body: JSON.stringify(body) });

async function create(body: Record<string, unknown>) {
  const res = await call('/v1/monitors', { method: 'POST', ...json({ intervalSeconds: 1, alertEmail: 'ops@agence.test', ...body }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; url: string };
}

type Detail = { state: MonitorRowStatus; paused: boolean; thresholds: Record<string, number> };
async function detail(id: string): Promise<Detail> {
  const res = await call(`/v1/monitors/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Detail;
}

async function waitState(id: string, until: (s: MonitorRowStatus) => boolean, timeoutMs = 30_000): Promise<MonitorRowStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await detail(id);
    if (d.state && until(d.state)) return d.state;
    if (Date.now() > deadline) throw new Error(`monitor ${id} never reached the expected state; last: ${JSON.stringify(d.state)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const hostOf = (s: TestSite) => `127.0.0.1:${s.port}`;
const hooksOf = (id: string) => hook.received.filter((r) => (JSON.parse(r.body) as { monitorId: string }).monitorId === id);

describe('site monitors', () => {
  it('alerts once when the site goes down and once when it recovers, by email and signed webhook, across sweep windows', async () => {
    const s = await site();
    const m = await create({ url: s.url, webhookUrl: hook.url, thresholds: { failuresBeforeDown: 2 } });
    expect(m.id).toBe(`monitor-127.0.0.1-${s.port}`);
    await waitState(m.id, (st) => st.state === 'up');

    s.set({ kind: 'down' });
    const downSubject = `[Alerte] ${hostOf(s)} est hors ligne`;
    const [downMail] = await smtp.waitFor(1, (x) => x.subject === downSubject);
    expect(downMail!.to).toEqual(['ops@agence.test']);
    expect(downMail!.text).toContain('ne répond plus correctement depuis 2 vérification(s) consécutive(s)');
    expect(downMail!.text).toContain('Code HTTP : 503');
    expect(downMail!.html).toContain('<h1');
    const [downHook] = await hook.waitFor(1, (r) => r.body.includes(`"monitorId":"${m.id}"`) && r.body.includes('"monitor.down"'));
    expect(verify(config.WEBHOOK_SIGNING_SECRET, downHook!.body, downHook!.signature, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true });
    expect(verify('another-secret-0123456789', downHook!.body, downHook!.signature, Math.floor(Date.now() / 1000))).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    const downBody = JSON.parse(downHook!.body) as { sequence: number; check: { statusCode: number } };
    expect(downBody.check.statusCode).toBe(503);
    expect(downHook!.delivery).toBe(`monitor:${m.id}:down:${downBody.sequence}:webhook`);

    // stays down for more checks than one sweep window (2 s) holds: no second alert, the incident stays open
    const windowsAtDown = (await sweeps.status()).windows;
    const stillDown = await waitState(m.id, (st) => (st.lastCheck?.seq ?? 0) >= downBody.sequence + 5);
    expect((await sweeps.status()).windows).toBeGreaterThan(windowsAtDown);
    expect(stillDown.state).toBe('down');
    // the incident starts at the first of the failuresBeforeDown (2) failed checks
    expect(stillDown.openIncidents).toEqual([expect.objectContaining({ kind: 'down', sinceSeq: downBody.sequence - 1 })]);

    s.set({ kind: 'up' });
    const upSubject = `[Rétabli] ${hostOf(s)} répond de nouveau`;
    const [upMail] = await smtp.waitFor(1, (x) => x.subject === upSubject);
    expect(upMail!.text).toMatch(/Durée de l’incident : /);
    const [upHook] = await hook.waitFor(1, (r) => r.body.includes(`"monitorId":"${m.id}"`) && r.body.includes('"monitor.recovered"'));
    expect(verify(config.WEBHOOK_SIGNING_SECRET, upHook!.body, upHook!.signature, Math.floor(Date.now() / 1000)).ok).toBe(true);
    const upBody = JSON.parse(upHook!.body) as { sequence: number; incidentSince: string };
    expect(upBody.incidentSince).toBe(stillDown.openIncidents[0]!.since);

    const after = await waitState(m.id, (st) => (st.lastCheck?.seq ?? 0) >= upBody.sequence + 2);
    expect(smtp.messages.filter((x) => x.subject === downSubject)).toHaveLength(1);
    expect(smtp.messages.filter((x) => x.subject === upSubject)).toHaveLength(1);
    expect(hooksOf(m.id).map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['monitor.down', 'monitor.recovered']);

    // state kept in the row across windows: alerts, aggregates matching the raw checks
    expect(after.state).toBe('up');
    expect(after.openIncidents).toEqual([]);
    expect(after.recentAlerts.map((a) => [a.transition, a.seq])).toEqual([
      ['down', downBody.sequence],
      ['recovered', upBody.sequence],
    ]);
    const rows = await t.db
      .selectFrom('monitor_checks')
      .selectAll()
      .where('monitor_id', '=', m.id)
      .where('seq', '<=', after.lastCheck!.seq)
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    expect(after.stats.last24h.checks).toBe(rows.length);
    const upCount = rows.filter((r) => r.ok).length;
    expect(after.stats.last24h.uptimePercent).toBe(Math.round((upCount / rows.length) * 10_000) / 100);
    expect(after.stats.last30d.checks).toBe(rows.length);
    const okLatencies = rows
      .filter((r) => r.ok)
      .map((r) => r.latency_ms!)
      .sort((a, b) => a - b);
    expect(after.stats.last24h.p95LatencyMs).toBe(okLatencies[Math.ceil(0.95 * okLatencies.length) - 1]);
    expect(after.pendingDeliveries).toBe(0);
    const outbox = await t.db.selectFrom('outbox').selectAll().where('dedupe_key', 'like', `monitor:${m.id}:%`).execute();
    expect(outbox.map((o) => o.status)).toEqual(['sent', 'sent', 'sent', 'sent']);

    const checks = await call(`/v1/monitors/${m.id}/checks?limit=3`);
    const body = (await checks.json()) as { checks: Array<{ seq: number }> };
    const seqs = body.checks.map((c) => c.seq);
    expect(seqs).toHaveLength(3);
    expect(seqs[0]).toBeGreaterThanOrEqual(after.lastCheck!.seq);
    expect(seqs).toEqual([seqs[0], seqs[0]! - 1, seqs[0]! - 2]);
    // the sweep run carries the Web UI search attributes; no workflow of the monitor's own
    const desc = await client.workflow.getHandle(sweeps.ids[0]!).describe();
    expect(desc.type).toBe('monitorSweep');
    expect(desc.typedSearchAttributes.get(SA.family)).toBe('audits');
    expect(desc.typedSearchAttributes.get(SA.source)).toBe('monitors:shard-0-of-1');
    expect(desc.typedSearchAttributes.get(SA.status)).toBe('sweeping');
    await expect(client.workflow.getHandle(m.id).describe()).rejects.toThrow(/not found/i);
  });

  it('alerts once when the latency stays over 2 s for 3 checks in a row', async () => {
    const s = await site();
    s.set({ kind: 'slow', delayMs: 2100 });
    const m = await create({ url: s.url });
    const subject = `[Alerte] ${hostOf(s)} répond lentement`;
    const [mail] = await smtp.waitFor(1, (x) => x.subject === subject, 40_000);
    expect(mail!.text).toContain('dépasse 2 s depuis 3 vérifications consécutives');
    expect(mail!.text).toMatch(/Temps de réponse : 2\d{3} ms/);
    const slow = await waitState(m.id, (st) => st.openIncidents.some((i) => i.kind === 'slow'));
    expect(slow.recentAlerts.map((a) => a.transition)).toEqual(['slow']);
    expect(slow.recentAlerts[0]!.seq).toBe(3);
    s.set({ kind: 'up' });
    const fast = await waitState(m.id, (st) => st.openIncidents.length === 0 && st.consecutiveSlowChecks === 0);
    expect(fast.state).toBe('up');
    expect(smtp.messages.filter((x) => x.subject === subject)).toHaveLength(1);
    expect(hooksOf(m.id)).toEqual([]);
  });

  it('alerts once when the certificate has fewer than 14 days left', async () => {
    const s = await site(ca.issue({ toDays: 10 }));
    const m = await create({ url: s.url, language: 'en' });
    expect(m.url).toBe(s.url);
    const subject = `[Alert] The certificate of ${hostOf(s)} expires in 10 day(s)`;
    const [mail] = await smtp.waitFor(1, (x) => x.subject === subject);
    expect(mail!.text).toContain('expires in less than 14 days');
    const st = await waitState(m.id, (x) => (x.lastCheck?.seq ?? 0) >= 3);
    expect(st.state).toBe('up');
    expect(st.lastCheck).toMatchObject({ ok: true, certDaysLeft: 10 });
    expect(st.openIncidents).toEqual([expect.objectContaining({ kind: 'certificate', sinceSeq: 1 })]);
    expect(smtp.messages.filter((x) => x.subject === subject)).toHaveLength(1);
  });

  it('pauses, resumes and reconfigures a monitor through PATCH', async () => {
    const s = await site();
    const m = await create({ url: s.url });
    await waitState(m.id, (st) => (st.lastCheck?.seq ?? 0) >= 1);

    const paused = await call(`/v1/monitors/${m.id}`, { method: 'PATCH', ...json({ paused: true }) });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ paused: true });
    const atPause = (await detail(m.id)).state;
    expect(atPause).toMatchObject({ state: 'paused', paused: true });
    const hitsAtPause = s.hits;
    await new Promise((r) => setTimeout(r, 3000));
    // at most the one check already in flight when the pause arrived; unpaused, 1 s apart, there would be 3
    expect(s.hits - hitsAtPause).toBeLessThanOrEqual(1);
    expect((await detail(m.id)).state.lastCheck!.seq).toBeLessThanOrEqual(atPause.lastCheck!.seq + 1);
    const hits = s.hits;
    expect((await detail(m.id)).state.nextCheckAt).toBeNull();

    const resumed = await call(`/v1/monitors/${m.id}`, { method: 'PATCH', ...json({ paused: false, intervalSeconds: 2, thresholds: { latencyMs: 500 } }) });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ paused: false, intervalSeconds: 2, thresholds: { latencyMs: 500, failuresBeforeDown: 3 } });
    const st = await waitState(m.id, (x) => x.state === 'up');
    expect(st).toMatchObject({ intervalSeconds: 2, thresholds: { latencyMs: 500, certificateDays: 14 } });
    // the next check sits on the monitor's 2 s grid
    expect(latenessMs(m.id, 2, Date.parse(st.nextCheckAt!))).toBe(0);
    const deadline = Date.now() + 10_000;
    while (s.hits === hits && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(s.hits).toBeGreaterThan(hits);

    for (const bad of [
      { intervalSeconds: 0 },
      { intervalSeconds: 1.5 },
      { thresholds: { latencyMs: -5 } },
      { thresholds: { colour: 1 } },
      {},
      { alertEmail: 'nope' },
      { webhookUrl: 'http://10.0.0.1/hook' },
    ]) {
      const res = await call(`/v1/monitors/${m.id}`, { method: 'PATCH', ...json(bad) });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const missing = await call('/v1/monitors/monitor-nowhere.example', { method: 'PATCH', ...json({ paused: true }) });
    expect(missing.status).toBe(404);
    // the refused changes left the monitor as it was
    expect((await detail(m.id)).state).toMatchObject({ intervalSeconds: 2, paused: false, thresholds: { latencyMs: 500 } });
  });

  it('refuses a second monitor for the same site with 409, lists monitors, and stops one with DELETE', async () => {
    const s = await site();
    const m = await create({ url: s.url });
    const again = await call('/v1/monitors', {
      method: 'POST',
      ...json({ url: `http://127.0.0.1:${s.port}/other/page`, intervalSeconds: 5, alertEmail: 'x@agence.test' }),
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(await again.json()).toMatchObject({ type: '/problems/conflict', status: 409, instance: `/v1/monitors/${m.id}` });
    const row = await t.db.selectFrom('monitors').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.alert_email).toBe('ops@agence.test');

    const list = (await (await call('/v1/monitors?domain=127.0.0.1')).json()) as { monitors: Array<{ id: string }> };
    expect(list.monitors.map((x) => x.id)).toContain(m.id);
    const none = (await (await call('/v1/monitors?domain=nowhere.example')).json()) as { monitors: unknown[] };
    expect(none.monitors).toEqual([]);
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/monitors', '/v1/monitors/{id}', '/v1/monitors/{id}/checks']));

    const before = await waitState(m.id, (st) => (st.lastCheck?.seq ?? 0) >= 1);
    const del = await call(`/v1/monitors/${m.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const hitsAtDelete = s.hits;
    expect((await call(`/v1/monitors/${m.id}`)).status).toBe(404);
    expect((await call(`/v1/monitors/${m.id}`, { method: 'DELETE' })).status).toBe(404);
    const listed = (await (await call('/v1/monitors')).json()) as { monitors: Array<{ id: string }> };
    expect(listed.monitors.map((x) => x.id)).not.toContain(m.id);
    // no more checks: at most the one in flight at the DELETE (1 s apart there would be 2)
    await new Promise((r) => setTimeout(r, 2000));
    expect(s.hits - hitsAtDelete).toBeLessThanOrEqual(1);

    // the site can be monitored again; its check numbers continue after the old ones
    const hadChecks = await t.db
      .selectFrom('monitor_checks')
      .select((eb) => eb.fn.max<number>('seq').as('max'))
      .where('monitor_id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(Number(hadChecks.max)).toBeGreaterThanOrEqual(before.lastCheck!.seq);
    await create({ url: s.url });
    const st = await waitState(m.id, (x) => x.lastCheck !== null);
    expect(st.lastCheck!.seq).toBe(Number(hadChecks.max) + 1);

    // the revived monitor is active again: a POST conflicts; deleted once more, a POST revives it with the new settings
    expect((await call('/v1/monitors', { method: 'POST', ...json({ url: s.url, intervalSeconds: 1, alertEmail: 'x@agence.test' }) })).status).toBe(409);
    expect((await call(`/v1/monitors/${m.id}`, { method: 'DELETE' })).status).toBe(204);
    await create({ url: s.url, alertEmail: 'new@agence.test' });
    expect((await t.db.selectFrom('monitors').select('alert_email').where('id', '=', m.id).executeTakeFirstOrThrow()).alert_email).toBe('new@agence.test');
    await waitState(m.id, (x) => x.state === 'up');
  });

  it('refuses bad input with 422 problem+json', async () => {
    const s = await site();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://127.0.0.1/' }, 'url'],
      [{ url: 'http://10.1.2.3/' }, 'url'],
      [{ url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
      [{ url: 'http://[fe80::1]/' }, 'url'],
      [{ url: 'http://nonexistent.invalid/' }, 'url'],
      [{ url: s.url, intervalSeconds: 0 }, 'intervalSeconds'],
      [{ url: s.url, intervalSeconds: 86_401 }, 'intervalSeconds'],
      [{ url: s.url, alertEmail: 'not-an-email' }, 'alertEmail'],
      [{ url: s.url, webhookUrl: 'http://192.168.1.10/hook' }, 'webhookUrl'],
      [{ url: s.url, thresholds: { failuresBeforeDown: 0 } }, 'thresholds.failuresBeforeDown'],
      [{ url: s.url, thresholds: { whatever: 1 } }, 'thresholds'],
      [{ url: s.url, surprise: true }, '(body)'],
    ];
    for (const [body, path] of cases) {
      const res = await call('/v1/monitors', { method: 'POST', ...json({ intervalSeconds: 1, alertEmail: 'ops@agence.test', ...body }) });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const p = (await res.json()) as { type: string; errors: Array<{ path: string; message: string }> };
      expect(p.type).toBe('/problems/validation-error');
      expect(
        p.errors.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    const messages = async (url: string) =>
      (
        (await (await call('/v1/monitors', { method: 'POST', ...json({ url, intervalSeconds: 1, alertEmail: 'a@b.fr' }) })).json()) as {
          errors: Array<{ message: string }>;
        }
      ).errors[0]!.message;
    expect(await messages('ftp://127.0.0.1/')).toMatch(/^unsupported-scheme/);
    expect(await messages('http://10.1.2.3/')).toMatch(/^private-address/);
    expect(await messages('http://nonexistent.invalid/')).toMatch(/^unresolvable/);

    // loopback is refused when the allow-list does not name it
    const strict = testApp(testConfig(t.url, { OUTBOUND_ALLOWLIST: '' }), t.db, client).call;
    const res = await strict('/v1/monitors', { method: 'POST', ...json({ url: s.url, intervalSeconds: 60, alertEmail: 'ops@agence.test' }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(
      /^private-address: 127\.0\.0\.1 resolves to 127\.0\.0\.1 \(loopback\)/,
    );
    // and the default minimum interval (30 s) applies outside tests
    const slowMin = await strict('/v1/monitors', { method: 'POST', ...json({ url: 'http://127.0.0.1/', intervalSeconds: 10, alertEmail: 'ops@agence.test' }) });
    expect(slowMin.status).toBe(422);

    expect((await call('/v1/monitors', { method: 'POST', key: null, ...json({ url: s.url, intervalSeconds: 1, alertEmail: 'a@b.fr' }) })).status).toBe(401);
    expect((await call('/v1/monitors/Not_An_Id')).status).toBe(422);
    expect(await t.db.selectFrom('monitors').select('id').where('id', '=', `monitor-127.0.0.1-${s.port}`).execute()).toEqual([]);
  });

  it('alerts through one channel or both: webhook-only and email-only monitors, never none', async () => {
    const s = await site();
    const none = await call('/v1/monitors', { method: 'POST', ...json({ url: s.url, intervalSeconds: 60 }) });
    expect(none.status).toBe(422);
    expect(((await none.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/at least one alert channel/);
    const res = await call('/v1/monitors', { method: 'POST', ...json({ url: s.url, intervalSeconds: 60, webhookUrl: `http://127.0.0.1:${s.port}/hook` }) });
    expect(res.status).toBe(201);
    const m = (await res.json()) as { id: string; alertEmail: string | null; webhookUrl: string };
    expect(m).toMatchObject({ alertEmail: null, webhookUrl: `http://127.0.0.1:${s.port}/hook` });
    // email-only after the change; removing the last channel is refused
    const toEmail = await call(`/v1/monitors/${m.id}`, { method: 'PATCH', ...json({ alertEmail: 'ops@agence.test', webhookUrl: null }) });
    expect(toEmail.status).toBe(200);
    expect(await toEmail.json()).toMatchObject({ alertEmail: 'ops@agence.test', webhookUrl: null });
    const empty = await call(`/v1/monitors/${m.id}`, { method: 'PATCH', ...json({ alertEmail: null }) });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('alertEmail');
    expect((await call(`/v1/monitors/${m.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('replays the sweep run deterministically, a few history events for all the checks above', async () => {
    const bundle = await workflowBundle();
    const history = await client.workflow.getHandle(sweeps.ids[0]!).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'monitor-sweep' }, history);
    const checks = await t.db
      .selectFrom('monitor_checks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const { windows } = await sweeps.status();
    // the history grows by one activity per window (6 events), whatever the number of checks in it
    console.log(`monitorSweep history: ${history.events!.length} events for ${checks.n} checks in ${windows} windows`);
    expect(Number(checks.n)).toBeGreaterThan(windows);
    expect(history.events!.length).toBeLessThanOrEqual(6 * (windows + 1) + 12);
  });
});
