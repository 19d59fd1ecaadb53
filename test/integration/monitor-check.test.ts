/** The monitor's check and record activities against loopback sites (HTTP, HTTPS with a test CA) and real PostgreSQL. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorActivities } from '../../activities/audits/monitor/index.js';
import { checkSite } from '../../activities/audits/monitor/check-site.js';
import { parseAllowlist } from '../../activities/shared/net-guard.js';
import { sql } from 'kysely';
import * as monitorsMigration from '../../db/migrations/2026-11-21T1010_monitors.js';
import { emptyDb, freshDb, type TestDb } from '../support/db.js';
import { createTestCa, startTestSite, type TestCa, type TestSite } from '../support/monitor-sites.js';
import { silentLogger, testConfig } from '../support/platform.js';

const allow = parseAllowlist(['127.0.0.0/8']);
let ca: TestCa;
let plain: TestSite;
let secure: TestSite;
let expired: TestSite;
let t: TestDb;

beforeAll(async () => {
  ca = createTestCa();
  plain = await startTestSite();
  secure = await startTestSite(ca.issue({ toDays: 60 }));
  expired = await startTestSite(ca.issue({ fromDays: -30, toDays: -3 }));
  t = await freshDb();
});
afterAll(async () => {
  await Promise.all([plain.close(), secure.close(), expired.close()]);
  await t.drop();
});

describe('checkSite', () => {
  it('reports an HTTP site up with its status and latency', async () => {
    const r = await checkSite(plain.url, { allow, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: true, statusCode: 200, certDaysLeft: null, error: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.latencyMs).toBeLessThan(2000);
    expect(Date.parse(r.checkedAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('reads the days to expiry from the peer certificate of a trusted HTTPS site', async () => {
    const r = await checkSite(secure.url, { allow, timeoutMs: 2000, extraCa: ca.certPem });
    expect(r).toMatchObject({ ok: true, statusCode: 200, certDaysLeft: 60, error: null });
    expect(Date.parse(r.certValidTo!)).toBeGreaterThan(Date.now() + 59 * 86_400_000);
  });

  it('fails an untrusted certificate (without the extra CA) but still reads its expiry', async () => {
    const r = await checkSite(secure.url, { allow, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^TLS: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED)/);
    expect(r.certDaysLeft).toBe(60);
  });

  it('checks a named host over SNI against the certificate names, through the injected resolver', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const port = secure.port;
    expect(await checkSite(`https://localhost:${port}/`, { allow, timeoutMs: 2000, extraCa: ca.certPem, lookup })).toMatchObject({
      ok: true,
      certDaysLeft: 60,
    });
    const wrong = await checkSite(`https://wrong-name.test:${port}/`, { allow, timeoutMs: 2000, extraCa: ca.certPem, lookup });
    expect(wrong).toMatchObject({ ok: false, statusCode: 200, error: 'TLS: ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('fails an expired certificate, with negative days left', async () => {
    const r = await checkSite(expired.url, { allow, timeoutMs: 2000, extraCa: ca.certPem });
    expect(r).toMatchObject({ ok: false, error: 'TLS: CERT_HAS_EXPIRED' });
    expect(r.certDaysLeft).toBeLessThan(-2);
  });

  it('reports a 503 as down with its status, and a slow site past the timeout as down', async () => {
    plain.set({ kind: 'down' });
    expect(await checkSite(plain.url, { allow, timeoutMs: 2000 })).toMatchObject({ ok: false, statusCode: 503, error: 'HTTP 503' });
    plain.set({ kind: 'slow', delayMs: 1500 });
    const started = Date.now();
    const r = await checkSite(plain.url, { allow, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, statusCode: null, latencyMs: null, error: 'timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(1200);
    plain.set({ kind: 'up' });
  });

  it('reports a closed port as down', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await checkSite(`http://127.0.0.1:${port}/`, { allow, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^ECONNREFUSED/);
  });

  it('refuses a loopback target that is not allow-listed, without connecting', async () => {
    const before = plain.hits;
    const r = await checkSite(plain.url, { allow: parseAllowlist([]), timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^private-address: /);
    expect(plain.hits).toBe(before);
  });
});

describe('monitor activities', () => {
  it('checks with the configured extra CA and records each check once by (monitor, sequence)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'monitor-ca-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    const config = testConfig(t.url, { MONITOR_EXTRA_CA_PATH: join(dir, 'ca.pem') });
    const acts = createMonitorActivities({ config, db: t.db, logger: silentLogger });
    const check = await acts.checkSite({ monitorId: 'monitor-x', url: secure.url, timeoutMs: 2000 });
    expect(check).toMatchObject({ ok: true, certDaysLeft: 60 });
    expect(await acts.recordCheck({ monitorId: 'monitor-x', seq: 1, check })).toEqual({ inserted: true });
    expect(await acts.recordCheck({ monitorId: 'monitor-x', seq: 1, check: { ...check, ok: false } })).toEqual({ inserted: false });
    expect(await acts.recordCheck({ monitorId: 'monitor-x', seq: 2, check })).toEqual({ inserted: true });
    const rows = await t.db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', 'monitor-x').orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.ok, r.cert_days_left])).toEqual([
      [1, true, 60],
      [2, true, 60],
    ]);
  });

  it('refuses to alert for a deleted monitor, for good', async () => {
    const acts = createMonitorActivities({ config: testConfig(t.url), db: t.db, logger: silentLogger });
    await t.db
      .insertInto('monitors')
      .values({
        id: 'monitor-gone',
        url: 'http://127.0.0.1/',
        host: '127.0.0.1',
        interval_seconds: 60,
        alert_email: 'a@b.fr',
        webhook_url: null,
        language: 'fr',
        thresholds: '{}',
        paused: false,
        deleted_at: new Date().toISOString(),
      })
      .execute();
    const check = { ok: false, statusCode: 503, latencyMs: 3, certDaysLeft: null, certValidTo: null, error: 'HTTP 503', checkedAt: new Date().toISOString() };
    const err = await acts
      .enqueueMonitorAlert({
        monitorId: 'monitor-gone',
        url: 'http://127.0.0.1/',
        transition: 'down',
        seq: 1,
        check,
        thresholds: { failuresBeforeDown: 1, latencyMs: 2000, slowChecksBeforeAlert: 3, certificateDays: 14, timeoutMs: 1000 },
      })
      .catch((e) => e);
    expect(err).toMatchObject({ type: 'monitor-deleted', nonRetryable: true });
    const missing = await acts
      .enqueueMonitorAlert({
        monitorId: 'monitor-nope',
        url: 'http://127.0.0.1/',
        transition: 'down',
        seq: 1,
        check,
        thresholds: { failuresBeforeDown: 1, latencyMs: 2000, slowChecksBeforeAlert: 3, certificateDays: 14, timeoutMs: 1000 },
      })
      .catch((e) => e);
    expect(missing.message).toMatch(/has no row yet/);
    expect(await t.db.selectFrom('outbox').select('dedupe_key').execute()).toEqual([]);
  });
});

describe('monitors migration', () => {
  it('reverts and re-applies cleanly', async () => {
    const e = await emptyDb();
    try {
      const tables = async () =>
        (
          await sql<{
            table_name: string;
          }>`select table_name from information_schema.tables where table_schema = 'public' and table_name like 'monitor%' order by 1`.execute(e.db)
        ).rows.map((r) => r.table_name);
      await monitorsMigration.up(e.db as never);
      expect(await tables()).toEqual(['monitor_checks', 'monitors']);
      await monitorsMigration.down(e.db as never);
      expect(await tables()).toEqual([]);
      await monitorsMigration.up(e.db as never);
      expect(await tables()).toEqual(['monitor_checks', 'monitors']);
    } finally {
      await e.drop();
    }
  });
});
