/**
 * `npm start` (scripts/start.ts) with no provider credentials, on throwaway ports and a throwaway
 * data folder: every family runs against the sandbox the launcher starts itself, says so in the
 * banner, and each family's README example succeeds end to end through the public API (the tour of
 * `npm run demo`: an order goes live over HTTPS on loopback, a sync dry run then a real run fill the
 * sandbox HubSpot, an audit and a monitor of a demo site, a watch of the demo agency sites). A
 * family configured half-way is refused at start with every missing variable named.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmasterPid } from '../../scripts/lib/postgres.js';
import { freePort } from '../../core/free-port.js';
import { waitFor } from '../../scripts/lib/run.js';
import { isAlive } from '../../scripts/lib/supervisor.js';
import { runTour, type TourResult } from '../../scripts/lib/tour.js';
import { bareEnv } from '../support/launcher-env.js';

describe('a half-configured family', () => {
  it('is refused at start with every missing variable named', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'atelier-halfconf-'));
    try {
      const env = bareEnv(dataDir, { STRIPE_SECRET_KEY: 'sk_live_x', NAMECHEAP_API_USER: 'agence', HUBSPOT_ACCESS_TOKEN: 'pat-eu1-x' });
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      for (const missing of [
        'STRIPE_WEBHOOK_SECRET',
        'NAMECHEAP_API_KEY',
        'CLOUDFLARE_API_TOKEN',
        'CLOUDFLARE_ACCOUNT_ID',
        'HUBSPOT_CLIENT_SECRET',
        'SAGE_CLIENT_ID',
        'SAGE_CLIENT_SECRET',
        'SAGE_BUSINESS_ID',
        'SAGE_REFRESH_TOKEN',
      ]) {
        expect(out).toContain(`${missing}:`);
      }
      expect(out).toMatch(/concierge is configured half-way/);
      expect(out).toMatch(/sync is configured half-way/);
      // refused before anything started
      expect(out).not.toMatch(/PostgreSQL ready|Atelier is running/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('npm start without credentials: every family on its sandbox', () => {
  let dataDir: string;
  let launcher: ChildProcess;
  let output = '';
  let api = '';
  let tour: TourResult;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atelier-sandbox-'));
    chmodSync(dataDir, 0o755); // the embedded cluster runs as `postgres` when we are root
    const [pg, temporal, ui, apiPort, smtp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const env = bareEnv(dataDir, {
      ATELIER_PG_PORT: String(pg),
      ATELIER_TEMPORAL_PORT: String(temporal),
      ATELIER_TEMPORAL_UI_PORT: String(ui),
      ATELIER_SMTP_PORT: String(smtp),
      API_PORT: String(apiPort),
      TASK_QUEUE_PREFIX: `sbx${Date.now().toString(36)}`,
    });
    launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
    launcher.stdout!.on('data', keep);
    launcher.stderr!.on('data', keep);
    await waitFor('the banner', async () => /Atelier is running\./.test(output), 150_000, 200);
    api = `http://127.0.0.1:${apiPort}`;
  }, 160_000);

  afterAll(async () => {
    if (launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    }
    if (launcher.exitCode === null && launcher.pid) process.kill(launcher.pid, 'SIGKILL');
    const pgPid = postmasterPid(join(dataDir, 'postgres'));
    if (pgPid && isAlive(pgPid)) process.kill(pgPid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }, 40_000);

  it('says in its banner that each family runs on its sandbox', () => {
    expect(output).toContain('concierge: sandbox — no real domain is bought, no card is charged');
    expect(output).toMatch(/sync: sandbox HubSpot \+ Sage, seeded with demo data \(30 customers, 20 quotes, 15 invoices in Sage/);
    expect(output).toMatch(/watches: demo agency sites http:\/\/127\.0\.80\.1:\d+\/ and http:\/\/127\.0\.80\.2:\d+\//);
  });

  it("runs each family's README example end to end through the API", async () => {
    const key = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim();
    const t0 = Date.now();
    tour = await runTour({ apiUrl: api, key, dataDir, log: () => undefined, timeoutMs: 90_000 });
    const seconds = (Date.now() - t0) / 1000;

    // concierge: live over HTTPS, every phase in the timeline, the customer's emails in .data/mail
    expect(tour.order.phase).toBe('live');
    expect(tour.order.liveUrl).toMatch(/^https:\/\/boulangerie-martin-[a-z0-9]+\.fr\/$/);
    expect(tour.order.timeline.map((e) => e.phase)).toEqual([
      'received',
      'checking-domain',
      'awaiting-payment',
      'registering',
      'configuring-dns',
      'publishing',
      'issuing-certificate',
      'verifying',
      'live',
    ]);
    expect(tour.order.emails.length).toBeGreaterThanOrEqual(5);
    expect(tour.order.emails[0]).toMatch(/^Commande reçue/);
    expect(tour.order.screenshot && existsSync(tour.order.screenshot)).toBe(true);
    // its business status is a search attribute the Web UI lists and filters by
    const run = (await (await fetch(`${api}/v1/runs/${tour.order.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      searchAttributes: Record<string, unknown>;
    };
    expect(run.searchAttributes).toMatchObject({ AtelierFamily: 'concierge', AtelierStatus: 'live' });

    // sync: a dry run, then the real run brings the 30 demo customers and 15 invoices into HubSpot
    // (created by it, or already by the 5-minute poll schedule if one fired meanwhile)
    expect(tour.sync.dryRun.status).toBe('completed');
    expect(tour.sync.run.status).toBe('completed');
    const inHubSpot = (entity: string) => {
      const r = (tour.sync.run.report as Array<Record<string, number | string>>).find((x) => x.entity === entity && x.direction === 'to_hubspot')!;
      expect(r.errors).toBe(0);
      return Number(r.created) + Number(r.updated) + Number(r.skipped);
    };
    expect(inHubSpot('customer')).toBe(30);
    expect(inHubSpot('invoice')).toBe(15);
    expect(tour.sync.run.failures).toEqual([]);
    // an edit in the sandbox HubSpot reached Sage through a signed webhook
    expect(tour.sync.webhookRun.status).toBe('completed');
    const toSage = (tour.sync.webhookRun.report as Array<Record<string, number | string>>).find((x) => x.entity === 'customer' && x.direction === 'to_sage');
    expect(Number(toSage?.updated)).toBeGreaterThanOrEqual(1);

    // audits: a verdict and its HTML report; the monitor accepted
    expect(['incompatible', 'minimum', 'recommended', 'enterprise']).toContain(tour.audit.verdict);
    expect(readFileSync(tour.audit.reportPath, 'utf8')).toMatch(/<html/i);
    expect(tour.monitor.status).toBe(201);

    // watches: the demo agency site crawled, its listings stored
    expect(tour.watch.run.status).toBe('ok');
    expect(tour.watch.listings).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(90);
  }, 200_000);
});
