/**
 * `npm run start:cluster` in its throwaway form (temp data folder, free ports): the pinned Temporal
 * server on PostgreSQL (the global setup builds it in the background on a fresh machine; this file
 * waits for it), four worker processes (audits and platform on two of them) and two API processes.
 * Every family runs end to end through the API on it, the search attributes answer operators'
 * queries on SQL visibility, and a worker process SIGKILLed under load loses no run and repeats no
 * side effect. One cluster for the whole file.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../db/client.js';
import { postmasterPid } from '../../scripts/lib/postgres.js';
import { treeOf } from '../../scripts/lib/proc-tree.js';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { isAlive } from '../../scripts/lib/supervisor.js';
import { validateDynamicConfig } from '../../scripts/lib/temporal-cluster.js';
import { findTemporalServer, TEMPORAL_SERVER_VERSION, waitForTemporalServer } from '../../scripts/lib/temporal-server.js';
import { runTour, type TourResult } from '../../scripts/lib/tour.js';
import { bareEnv, launch, type Launched } from '../support/launcher-env.js';

const GROUPS = 'platform,concierge,audits;platform,audits;watches;sync';
let dataDir: string;
let launched: Launched;
let apis: string[];
let key: string;
let conn: Connection;
let client: Client;
let db: Db;
let tour: TourResult;
let diagnosticsId: string;

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};
const environ = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
};
const processes = () => treeOf([launched.child.pid!]).map((pid) => ({ pid, cmd: cmdline(pid) }));

async function call(api: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // CI builds the server beside the other tests (test/global-setup.ts): a few CPU-minutes, cold
  await waitForTemporalServer(20 * 60_000);
  dataDir = mkdtempSync(join(tmpdir(), 'atelier-cluster-'));
  chmodSync(dataDir, 0o755); // the embedded cluster runs as `postgres` when we are root
  const [pg, temporal, api1, api2, smtp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  launched = launch(
    bareEnv(dataDir, {
      ATELIER_TOPOLOGY: 'cluster',
      ATELIER_WORKER_GROUPS: GROUPS,
      ATELIER_PG_PORT: String(pg),
      ATELIER_TEMPORAL_PORT: String(temporal),
      API_PORT: String(api1),
      ATELIER_API_PORTS: `${api1},${api2}`,
      ATELIER_SMTP_PORT: String(smtp),
      API_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      TASK_QUEUE_PREFIX: `clu${Date.now().toString(36)}`,
    }),
  );
  await waitFor(
    'the banner',
    async () => {
      if (launched.child.exitCode !== null) throw new Error(`start:cluster exited: ${launched.output().slice(-3000)}`);
      return /Atelier is running\./.test(launched.output());
    },
    300_000,
    250,
  );
  apis = [api1, api2].map((p) => `http://127.0.0.1:${p}`);
  key = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim();
  conn = await Connection.connect({ address: `127.0.0.1:${temporal}` });
  client = new Client({ connection: conn, namespace: 'default' });
  db = createDb({ DATABASE_URL: `postgres://postgres@127.0.0.1:${pg}/atelier`, DATABASE_POOL_MAX: 2 });
}, 25 * 60_000);

afterAll(async () => {
  await db?.destroy();
  await conn?.close();
  if (launched && launched.child.exitCode === null) {
    const exited = new Promise((resolve) => launched.child.once('exit', resolve));
    launched.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 40_000))]);
    if (launched.child.exitCode === null) launched.child.kill('SIGKILL');
  }
  if (dataDir) {
    const pgPid = postmasterPid(join(dataDir, 'postgres'));
    if (pgPid && isAlive(pgPid)) process.kill(pgPid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

describe('npm run start:cluster (throwaway)', () => {
  it(`runs Temporal ${TEMPORAL_SERVER_VERSION} on PostgreSQL, four worker processes and two APIs`, async () => {
    const info = await conn.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe(TEMPORAL_SERVER_VERSION);
    const procs = processes();
    expect(procs.filter((p) => p.cmd.includes('workers/main.ts'))).toHaveLength(4);
    expect(procs.filter((p) => p.cmd.includes('api/main.ts'))).toHaveLength(2);
    expect(procs.filter((p) => p.cmd.includes(`temporal-server-${TEMPORAL_SERVER_VERSION}`))).toHaveLength(1);
    expect(launched.output()).toContain(`(${TEMPORAL_SERVER_VERSION} on PostgreSQL)`);
    // the shipped dynamic config holds only keys this server knows (the launcher logs any complaint)
    expect(launched.output()).not.toMatch(/dynamic config: |unregistered/i);
    const server = findTemporalServer()!;
    expect(validateDynamicConfig(server)).toEqual([]);
    const bogus = join(dataDir, 'bogus-dynamicconfig.yaml');
    writeFileSync(bogus, 'limit.numberOfSearchAttributes:\n  - value: 10\n');
    expect(validateDynamicConfig(server, bogus).join('\n')).toMatch(/limit\.numberOfSearchAttributes/);
    const dbs = await sql<{ datname: string }>`select datname from pg_database`.execute(db);
    expect(dbs.rows.map((d) => d.datname)).toEqual(expect.arrayContaining(['temporal', 'temporal_visibility', 'atelier']));
  });

  it('runs every family end to end through the APIs', async () => {
    const diag = await call(apis[1]!, '/v1/diagnostics', { requestedBy: 'cluster-test' });
    expect(diag.status).toBe(202);
    diagnosticsId = String(diag.json.workflowId);
    const result = (await client.workflow.getHandle(diagnosticsId).result()) as { phase: string; ok: boolean };
    expect(result).toMatchObject({ phase: 'completed', ok: true });

    tour = await runTour({ apiUrl: apis[0]!, key, dataDir, log: () => undefined, timeoutMs: 120_000 });
    expect(tour.order.phase).toBe('live');
    // (the timeline's `live` entry is written a moment after the phase shows)
    expect(tour.order.timeline.map((e) => e.phase).slice(0, 8)).toEqual([
      'received',
      'checking-domain',
      'awaiting-payment',
      'registering',
      'configuring-dns',
      'publishing',
      'issuing-certificate',
      'verifying',
    ]);
    expect(tour.sync.run.status).toBe('completed');
    expect(tour.sync.run.failures).toEqual([]);
    expect(tour.sync.webhookRun.status).toBe('completed');
    expect(['incompatible', 'minimum', 'recommended', 'enterprise']).toContain(tour.audit.verdict);
    expect(tour.monitor.status).toBe(201);
    expect(tour.watch.run.status).toBe('ok');
    expect(tour.watch.listings).toBeGreaterThanOrEqual(3);
  }, 600_000);

  it('answers search-attribute queries (=, AND, IN, STARTS_WITH) on SQL visibility; ORDER BY is refused', async () => {
    const ids = async (query: string) => {
      const out: string[] = [];
      for await (const w of client.workflow.list({ query })) out.push(w.workflowId);
      return out;
    };
    const orderId = tour.order.id;
    const domain = String(tour.order.liveUrl)
      .replace(/^https:\/\//, '')
      .replace(/\/$/, '');
    // visibility is written asynchronously: each query is asked until the run shows
    const expectFound = (query: string, id: string) => waitFor(`${id} in ${query}`, async () => (await ids(query)).includes(id), 20_000, 500);
    await expectFound("AtelierFamily = 'concierge'", orderId);
    await expectFound("AtelierFamily = 'concierge' AND AtelierStatus = 'live'", orderId);
    await expectFound("AtelierFamily IN ('platform', 'audits')", diagnosticsId);
    await expectFound("AtelierFamily IN ('platform', 'audits')", tour.audit.id);
    await expectFound(`AtelierDomain STARTS_WITH '${domain.slice(0, 12)}'`, orderId);
    expect(await ids("AtelierFamily = 'concierge' AND AtelierStatus = 'expired'")).not.toContain(orderId);
    expect(await ids("AtelierFamily IN ('watches', 'sync')")).not.toContain(diagnosticsId);
    const refused = await ids("AtelierFamily = 'platform' ORDER BY StartTime DESC").then(
      () => 'accepted',
      (e: Error & { cause?: Error }) => `${e.message}: ${e.cause?.message ?? ''}`,
    );
    expect(refused).toMatch(/order by/i);
  }, 120_000);

  it('a worker process SIGKILLed under load: every run completes, each side effect once', async () => {
    const site = (JSON.parse(readFileSync(join(dataDir, 'sandbox', 'sites.json'), 'utf8')) as Array<{ url: string }>)[0]!.url;
    const runs: Array<{ kind: 'diagnostics' | 'audit'; id: string }> = [];
    for (let i = 0; i < 12; i++) {
      const d = await call(apis[i % 2]!, '/v1/diagnostics', { requestedBy: `kill-${i}`, holdSeconds: 2 });
      expect(d.status).toBe(202);
      runs.push({ kind: 'diagnostics', id: String(d.json.workflowId) });
      if (i % 2 === 0) {
        const a = await call(apis[(i + 1) % 2]!, '/v1/audits', { url: site, options: { browser: false, samples: 1 } });
        expect(a.status).toBe(202);
        runs.push({ kind: 'audit', id: String(a.json.id) });
      }
    }
    // the first worker process (platform, concierge, audits): the other audits/platform one stays
    const victim = processes().find((p) => p.cmd.includes('workers/main.ts') && environ(p.pid).includes('WORKER_QUEUES=platform,concierge,audits'));
    expect(victim).toBeDefined();
    process.kill(victim!.pid, 'SIGKILL');
    await waitFor(
      'the supervisor restarting it',
      async () => /worker 1\[platform,concierge,audits\] exited \(signal SIGKILL\)/.test(launched.output()),
      10_000,
    );

    const outcomes = await Promise.all(
      runs.map((r) =>
        client.workflow
          .getHandle(r.id)
          .result()
          .then(
            () => 'completed',
            (e: Error) => `failed: ${e.message}`,
          ),
      ),
    );
    expect(outcomes).toEqual(runs.map(() => 'completed'));
    const diagIds = runs.filter((r) => r.kind === 'diagnostics').map((r) => r.id);
    const auditIds = runs.filter((r) => r.kind === 'audit').map((r) => r.id);
    const diagRows = await db.selectFrom('diagnostics_runs').select(['workflow_id', 'ok']).where('workflow_id', 'in', diagIds).execute();
    expect(diagRows).toHaveLength(diagIds.length);
    expect(diagRows.every((r) => r.ok)).toBe(true);
    const reports = await db.selectFrom('audit_reports').select(['id', 'status']).where('id', 'in', auditIds).execute();
    expect(reports.map((r) => r.status).sort()).toEqual(auditIds.map(() => 'completed'));
    // one execution per run id: nothing was started twice
    for (const r of runs) {
      const execs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${r.id}'` })) execs.push(w.runId);
      expect(execs).toHaveLength(1);
    }
  }, 300_000);
});
