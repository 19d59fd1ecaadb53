/**
 * PostgreSQL killed for 60 s under load: the API answers 503 (problem+json, Retry-After) on its
 * database routes meanwhile, and every run it accepted before and during the outage completes with
 * its row written once PostgreSQL is back. Runs on its own PostgreSQL (this file kills it), with
 * the real API and an in-process worker on the run's Temporal dev server.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { createDb, type Db } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrator.js';
import { provision } from '../../scripts/provision.js';
import { ensureDatabase, startPostgres, throwawayPgDir, type EmbeddedPostgres } from '../../scripts/lib/postgres.js';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { isAlive } from '../../scripts/lib/supervisor.js';
import type { RunningWorkers } from '../../workers/run.js';
import { monitorSweepId } from '../../workflows/monitor-sweep.js';
import { startTestSite, type TestSite } from '../support/monitor-sites.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';

const OUTAGE_MS = 60_000;

let tmp: string;
let pgOpts: Parameters<typeof startPostgres>[0];
let pg: EmbeddedPostgres;
let config: Config;
let apiDb: Db;
let workerDb: Db;
let client: Client;
let workers: RunningWorkers;
let call: ReturnType<typeof testApp>['call'];
let slowSite: TestSite;
let site: TestSite;

beforeAll(async () => {
  const tools = provision({ ...process.env, DATABASE_URL: undefined }, () => undefined);
  tmp = throwawayPgDir('atelier-outage-pg-');
  // durable settings (not the suite's fsync = off cluster): this cluster is SIGKILLed, and with
  // synchronous_commit / fsync off a crash may lose commits it had acknowledged (a monitor row was)
  pgOpts = { binDir: tools.pgBinDir!, dataDir: join(tmp, 'data'), port: await freePort() };
  pg = await startPostgres(pgOpts);
  const url = await ensureDatabase(pg.adminUrl, 'atelier');
  config = testConfig(url, { MONITOR_MIN_INTERVAL_SECONDS: '1' });
  apiDb = createDb(config);
  workerDb = createDb(config);
  await migrateToLatest(apiDb);
  client = await testClient(config);
  workers = await startTestWorkers(config, workerDb, ['platform', 'audits']);
  ({ call } = testApp(config, apiDb, client));
  slowSite = await startTestSite();
  slowSite.set({ kind: 'slow', delayMs: 3000 }); // audits still probing when PostgreSQL dies
  site = await startTestSite();
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await Promise.allSettled([apiDb?.destroy(), workerDb?.destroy(), slowSite?.close(), site?.close()]);
  await pg?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<Response> {
  return call(path, { method: 'POST', body: JSON.stringify(body) });
}

describe('PostgreSQL stopped for 60 s under load', () => {
  it('answers 503 meanwhile and loses none of the runs it accepted', async () => {
    const diagnostics: string[] = [];
    const audits: string[] = [];
    const startDiagnostics = async () => {
      const res = await post('/v1/diagnostics', { requestedBy: 'outage-test' });
      expect(res.status).toBe(202);
      diagnostics.push(((await res.json()) as { workflowId: string }).workflowId);
    };

    // before: a monitor, diagnostics, and audits still probing a slow site when the database goes
    const monitor = await post('/v1/monitors', { url: site.url, intervalSeconds: 1, alertEmail: 'ops@agency.test' });
    expect(monitor.status).toBe(201);
    const monitorId = ((await monitor.json()) as { id: string }).id;
    for (let i = 0; i < 3; i++) await startDiagnostics();
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/audits', { url: slowSite.url, options: { browser: false, samples: 1 } });
      expect(res.status).toBe(202);
      audits.push(((await res.json()) as { id: string }).id);
    }
    const acceptedBefore = diagnostics.length + audits.length;

    // the outage: the postmaster killed (no shutdown), nothing answers on its port for 60 s
    const pid = pg.pid()!;
    process.kill(pid, 'SIGKILL');
    await waitFor('postmaster gone', async () => !isAlive(pid), 10_000, 100);
    const outageStart = Date.now();
    let refused = 0;
    while (Date.now() - outageStart < OUTAGE_MS) {
      await startDiagnostics(); // Temporal is up: accepted, its row written later
      const list = await call('/v1/audits?limit=1');
      expect(list.status).toBe(503);
      expect(list.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(Number(list.headers.get('retry-after'))).toBeGreaterThan(0);
      const create = await post('/v1/monitors', { url: `${site.url}x`, intervalSeconds: 60, alertEmail: 'ops@agency.test' });
      expect(create.status).toBe(503);
      refused += 2;
      await new Promise((r) => setTimeout(r, 3000));
    }
    const acceptedDuring = diagnostics.length + audits.length - acceptedBefore;

    // back: the same cluster restarted (a killed postmaster's backends may hold its memory a moment)
    await waitFor(
      'PostgreSQL restart',
      async () => {
        pg = await startPostgres(pgOpts);
        return true;
      },
      30_000,
      500,
    );
    const outageMs = Date.now() - outageStart;
    const back = Date.now();

    const results = await Promise.all(
      [...diagnostics, ...audits].map((id) =>
        client.workflow
          .getHandle(id)
          .result()
          .then(() => id),
      ),
    );
    expect(results).toHaveLength(diagnostics.length + audits.length);
    const recovery = Date.now() - back;
    const rows = await apiDb.selectFrom('diagnostics_runs').select('workflow_id').where('workflow_id', 'in', diagnostics).execute();
    expect(rows).toHaveLength(diagnostics.length);
    const reports = await apiDb.selectFrom('audit_reports').select(['id', 'status']).where('id', 'in', audits).execute();
    expect(reports.map((r) => r.status)).toEqual(audits.map(() => 'completed'));

    // the monitor did not end: its checks resume where they stopped
    await waitFor(
      'monitor checks after the outage',
      async () => {
        const fresh = await apiDb
          .selectFrom('monitor_checks')
          .select('seq')
          .where('monitor_id', '=', monitorId)
          .where('checked_at', '>', new Date(back))
          .execute();
        return fresh.length >= 2;
      },
      20_000,
      500,
    );
    expect((await call(`/v1/monitors/${monitorId}`)).status).toBe(200);
    expect((await call('/v1/audits?limit=1')).status).toBe(200);
    // the monitor sweep that checks it (started by the POST)
    await client.workflow.getHandle(monitorSweepId(config.TASK_QUEUE_PREFIX, 0)).terminate('test over');

    console.log(
      `[outage] PostgreSQL down ${(outageMs / 1000).toFixed(1)} s; runs accepted before ${acceptedBefore}, during ${acceptedDuring}; ` +
        `all ${results.length} completed ${(recovery / 1000).toFixed(1)} s after the restart, rows written ${rows.length + reports.length}, lost 0; ${refused} database requests answered 503`,
    );
  }, 150_000);
});
