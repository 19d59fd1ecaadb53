/**
 * The /metrics endpoints of the real processes: a worker process (platform + audits queues, the
 * Temporal SDK's Prometheus exporter) and an API process (HTTP and business metrics) on the run's
 * PostgreSQL and Temporal. A diagnostics run and a hosting audit go through them; the scrapes show
 * the SDK's workflow and activity series, the HTTP requests by route template, the business gauges
 * read from PostgreSQL, and the last values (with atelier_metrics_scrape_error 1) while a table is
 * locked. Every series the shipped Grafana dashboard queries is one of those scraped here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { spawnPeer, type PeerProcess } from '../../sandbox/concierge/process.js';
import { startAuditFixtures, type AuditFixtures } from '../support/audits/fixtures.js';
import { freshDb, type TestDb } from '../support/db.js';
import { TEST_API_KEY, testEnv } from '../support/platform.js';
import { find, parseSamples, promqlMetrics, sum, type Sample } from '../support/prometheus.js';
import { startWorkerProcess, writeWorkflowBundle } from '../support/worker-process.js';

let fx: AuditFixtures;
let t: TestDb;
let dir: string;
let api: PeerProcess | undefined;
let worker: PeerProcess | undefined;
let apiUrl = '';
let apiMetrics = '';
let workerMetrics = '';

beforeAll(async () => {
  fx = await startAuditFixtures();
  t = await freshDb();
  dir = mkdtempSync(join(tmpdir(), 'atelier-metrics-'));
  const [apiPort, apiMetricsPort, workerMetricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const env = testEnv(t.url, {
    ...fx.env,
    API_PORT: String(apiPort),
    API_METRICS_PORT: String(apiMetricsPort),
    WORKER_METRICS_PORT: String(workerMetricsPort),
    METRICS_CACHE_MS: '0',
    METRICS_DB_TIMEOUT_MS: '1000',
  });
  const bundlePath = await writeWorkflowBundle(dir);
  [worker, { peer: api }] = await Promise.all([
    startWorkerProcess({ env, families: ['platform', 'audits'], bundlePath }),
    spawnPeer({
      name: 'api',
      cmd: process.execPath,
      args: ['--import', 'tsx', 'api/main.ts'],
      cwd: process.cwd(),
      env: { ...env, LOG_LEVEL: 'info' },
      ready: /api listening/,
      timeoutMs: 60_000,
    }),
  ]);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  apiMetrics = `http://127.0.0.1:${apiMetricsPort}/metrics`;
  workerMetrics = `http://127.0.0.1:${workerMetricsPort}/metrics`;
}, 120_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await t?.drop();
  await fx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit & { key?: string | null } = {}) =>
  fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? TEST_API_KEY}` }) },
  });
const scrape = async (url: string): Promise<{ text: string; samples: Sample[] }> => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  return { text, samples: parseSamples(text) };
};

async function completed(path: string, done: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> = {};
  await waitFor(`${path} done`, async () => done((last = (await (await call(path)).json()) as Record<string, unknown>)), 60_000, 200);
  return last;
}

/** Every metric a scrape declares (`# TYPE`, a gauge with no rows yet included) or shows a sample of, histogram parts folded into their name. */
const exposedNames = (text: string) => [
  ...[...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!),
  ...parseSamples(text).flatMap((s) => [s.name, s.name.replace(/_(bucket|count|sum)$/, '')]),
];

describe('metrics endpoints', () => {
  let api1: Sample[] = [];
  let work: Sample[] = [];
  const exposed = new Set<string>();

  it('counts a diagnostics run and an audit on the worker and the API, business gauges from PostgreSQL', async () => {
    await t.db
      .insertInto('concierge_orders')
      .values({
        id: 'ord_metrics1',
        business_name: 'Metrics Bakery',
        contact_email: 'a@example.com',
        desired_domain: 'metrics-bakery.test',
        domain: 'metrics-bakery.test',
        plan: 'vitrine',
        urgent: false,
        locale: 'fr',
        site: '{}',
        registrant: '{}',
        phase: 'awaiting_payment',
      })
      .execute();

    const diag = await call('/v1/diagnostics', { method: 'POST', body: JSON.stringify({}) });
    expect(diag.status).toBe(202);
    const { workflowId } = (await diag.json()) as { workflowId: string };
    await completed(`/v1/runs/${workflowId}`, (b) => b.status === 'COMPLETED');
    const held = await call('/v1/diagnostics', { method: 'POST', body: JSON.stringify({ holdSeconds: 600 }) });
    const heldId = ((await held.json()) as { workflowId: string }).workflowId;
    await completed(`/v1/runs/${heldId}`, (b) => b.status === 'RUNNING');
    expect((await call(`/v1/runs/${heldId}/cancel`, { method: 'POST' })).status).toBe(202);
    await completed(`/v1/runs/${heldId}`, (b) => b.status === 'CANCELLED');
    const audit = await call('/v1/audits', { method: 'POST', body: JSON.stringify({ url: fx.urls.error500, options: { browser: false, samples: 1 } }) });
    expect(audit.status).toBe(202);
    const { id } = (await audit.json()) as { id: string };
    const report = await completed(`/v1/audits/${id}`, (b) => b.status === 'completed');
    expect((await call('/v1/diagnostics', { method: 'POST', body: '{}', key: null })).status).toBe(401);
    expect((await call('/no/such/route')).status).toBe(404);

    // the audit's row is written by its last activity, the workflow completes a task later
    await completed(`/v1/runs/${id}`, (b) => b.status === 'COMPLETED');
    let workScrape = await scrape(workerMetrics);
    const counted = (w: Sample[]) => sum(find(w, 'temporal_workflow_completed_total')) >= 2 && sum(find(w, 'temporal_workflow_canceled_total')) >= 1;
    await waitFor(
      'the worker counting the completions and the cancellation',
      async () => counted((workScrape = await scrape(workerMetrics)).samples),
      10_000,
      100,
    );
    work = workScrape.samples;
    // the SDK's own series, tagged with the process's families
    const wfDone = find(work, 'temporal_workflow_completed_total', { atelier_families: 'audits,platform' });
    expect(sum(wfDone)).toBeGreaterThanOrEqual(2);
    expect(new Set(wfDone.map((s) => s.labels.task_queue)).size).toBe(2);
    expect(sum(find(work, 'temporal_workflow_canceled_total', { workflow_type: 'diagnostics' }))).toBe(1);
    expect(sum(find(work, 'temporal_activity_execution_latency_seconds_count'))).toBeGreaterThanOrEqual(2);
    expect(find(work, 'temporal_worker_task_slots_available').length).toBeGreaterThan(0);

    const apiScrape = await scrape(apiMetrics);
    api1 = apiScrape.samples;
    for (const n of [...exposedNames(workScrape.text), ...exposedNames(apiScrape.text)]) exposed.add(n);
    const http = (labels: Record<string, string>) => sum(find(api1, 'atelier_http_requests_total', labels));
    expect(http({ route: '/v1/diagnostics', method: 'POST', status: '202' })).toBe(2);
    expect(http({ route: '/v1/diagnostics', method: 'POST', status: '401' })).toBe(1);
    expect(http({ route: '/v1/audits/:id', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(http({ route: '(unmatched)', status: '404' })).toBe(1);
    // no raw path (a workflow id) ever becomes a label
    expect(find(api1, 'atelier_http_requests_total').some((s) => s.labels.route!.includes(workflowId) || s.labels.route!.includes(id))).toBe(false);
    expect(sum(find(api1, 'atelier_http_request_duration_seconds_count', { route: '/v1/runs/:workflowId' }))).toBeGreaterThanOrEqual(1);

    expect(sum(find(api1, 'atelier_orders_by_phase', { phase: 'awaiting_payment' }))).toBe(1);
    expect(sum(find(api1, 'atelier_audits_by_verdict', { status: 'completed', verdict: String(report.verdict) }))).toBe(1);
    expect(sum(find(api1, 'atelier_metrics_scrape_error'))).toBe(0);
    expect(find(api1, 'atelier_api_process_resident_memory_bytes').length).toBe(1);
  });

  it('answers with the last values and atelier_metrics_scrape_error 1 while PostgreSQL does not', async () => {
    const locker = new pg.Client({ connectionString: t.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table audit_reports in access exclusive mode');
      const stale = (await scrape(apiMetrics)).samples;
      expect(sum(find(stale, 'atelier_metrics_scrape_error'))).toBe(1);
      expect(sum(find(stale, 'atelier_orders_by_phase', { phase: 'awaiting_payment' }))).toBe(1);
      expect(sum(find(stale, 'atelier_audits_by_verdict', { status: 'completed' }))).toBe(1);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await waitFor('a clean scrape', async () => sum(find((await scrape(apiMetrics)).samples, 'atelier_metrics_scrape_error')) === 0, 10_000, 100);
  });

  it('the Grafana dashboard queries only series the endpoints expose', () => {
    const dashboard = JSON.parse(readFileSync('ops/grafana/dashboards/atelier.json', 'utf8')) as {
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => promqlMetrics(t.expr).map((m) => ({ panel: p.title, m }))));
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((q) => !exposed.has(q.m))).toEqual([]);
  });
});
