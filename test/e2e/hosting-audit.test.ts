/**
 * Hosting audits end to end: the real API starts `hostingAudit` on the real worker (Temporal dev
 * server, PostgreSQL), whose probes reach the loopback fixtures through the local DNS server and
 * Chromium; each fixture gets the verdict and the reasons the brief calls for.
 *
 * One file on purpose (issue 17): the audit fixtures (DNS server, TLS and HTTP servers) and the
 * audits worker with Chromium are started once; the fourteen audits start together and run side by
 * side, each test reads its verdict, and the bad-input tests need the same fixtures' names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import type { RunningWorkers } from '../../workers/run.js';
import { startAuditFixtures, type AuditFixtures } from '../support/audits/fixtures.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startTestWorkers, testApp, testClient, testConfig } from '../support/platform.js';

let fx: AuditFixtures;
let t: TestDb;
let config: Config;
let client: Client;
let workers: RunningWorkers;
let call: ReturnType<typeof testApp>['call'];
let strictCall: ReturnType<typeof testApp>['call'];

beforeAll(async () => {
  fx = await startAuditFixtures();
  t = await freshDb();
  config = testConfig(t.url, fx.env);
  client = await testClient(config);
  workers = await startTestWorkers(config, t.db, ['audits']);
  call = testApp(config, t.db, client).call;
  // the same API without the test allow-list: what production does with private targets
  strictCall = testApp(testConfig(t.url, { ...fx.env, OUTBOUND_ALLOWLIST: '' }), t.db, client).call;
});
afterAll(async () => {
  await workers?.shutdown();
  await client?.connection.close();
  await t?.drop();
  await fx?.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function startAudit(url: string, options: Json = {}): Promise<string> {
  const res = await call('/v1/audits', { method: 'POST', body: JSON.stringify({ url, options }) });
  expect(res.status, await res.clone().text()).toBe(202);
  const body = (await res.json()) as Json;
  expect(res.headers.get('location')).toBe(`/v1/audits/${body.id}`);
  return body.id as string;
}

async function waitReport(id: string): Promise<Json> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await call(`/v1/audits/${id}`);
    if (res.status === 200) return (await res.json()) as Json;
    expect(res.status).toBe(202);
    if (Date.now() > deadline) throw new Error(`audit ${id} still running: ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const crit = (a: Json, id: string) => (a.report.rubric.criteria as Json[]).find((c) => c.id === id)!;
const recs = (a: Json) => (a.report.rubric.recommendations as Json[]).map((r) => r.id);

describe('hostingAudit through the API', () => {
  const audits: Record<string, Promise<Json>> = {};
  const run = (name: string, url: () => string, options: Json): void => {
    audits[name] ??= startAudit(url(), options).then(waitReport);
  };
  beforeAll(() => {
    // start them all at once: the worker runs them side by side
    run('hostgator', () => fx.urls.hostgator, { browser: true, samples: 2 });
    run('litespeed', () => fx.urls.litespeed, { browser: true, samples: 3 });
    run('cloudflare', () => fx.urls.cloudflare, { browser: false, samples: 2 });
    run('expired', () => fx.urls.expired, { browser: false, samples: 1 });
    run('selfsigned', () => fx.urls.selfsigned, { browser: false, samples: 1 });
    run('tls10', () => fx.urls.tls10, { browser: false, samples: 2 });
    run('slow', () => fx.urls.slow, { browser: false, samples: 1 });
    run('error500', () => fx.urls.error500, { browser: false, samples: 1 });
    run('unreachable', () => fx.urls.unreachable, { browser: true, samples: 1 });
    run('nxdomain', () => fx.urls.nxdomain, { browser: true, samples: 1 });
    run('hgfamily', () => fx.urls.hgfamily, { browser: false, samples: 1 });
    run('httponly', () => fx.urls.httponly, { browser: false, samples: 1 });
    run('ipLiteral', () => fx.urls.ipLiteral, { browser: true, samples: 1 });
    run('localhost', () => fx.urls.localhost, { browser: false, samples: 1 });
  });

  it('Apache + PHP 7.4 on HostGator shared hosting: incompatible, whatever else passes', async () => {
    const a = await audits.hostgator!;
    expect(a).toMatchObject({ status: 'completed', verdict: 'incompatible', domain: 'hostgator.audit.test' });
    expect(a.score).toBeLessThan(40);
    expect(a.report.provider.hosting).toMatchObject({ id: 'hostgator', class: 'shared-blacklisted' });
    expect(crit(a, 'not-blacklisted')).toMatchObject({ status: 'fail' });
    expect(crit(a, 'php-8.0')).toMatchObject({ status: 'fail', reason: { en: 'PHP 7.4.33 < 8.0: upgrade required.' } });
    expect(crit(a, 'not-apache-lamp').warning.en).toMatch(/works, but slow/);
    expect(crit(a, 'ssl-valid').status).toBe('pass');
    expect(recs(a).slice(0, 2)).toEqual(['migrate', 'upgrade-php']);
    expect(a.report.probes.browser.data.consoleErrors).toEqual(['widget: timeout after 30s']);
    expect(a.report.probes.dns.data.mx).toEqual([{ exchange: 'mail.hostgator.audit.test', priority: 0 }]);
  });

  it('LiteSpeed + PHP 8.2 + HTTP/2 on a recommended host: recommended or better', async () => {
    const a = await audits.litespeed!;
    expect(['recommended', 'enterprise']).toContain(a.verdict);
    expect(a.verdict).toBe('enterprise');
    expect(a.report.provider.hosting).toMatchObject({ id: 'chemicloud', class: 'shared-recommended' });
    for (const id of ['reachable', 'ssl-valid', 'php-8.1', 'http2', 'cache', 'litespeed-nginx', 'tls-legacy-refused', 'hsts', 'response-1s', 'http3']) {
      expect(crit(a, id).status, id).toBe('pass');
    }
    expect(crit(a, 'cdn').status).toBe('fail');
    expect(recs(a)).toContain('cdn');
    const http = a.report.probes.http.data;
    expect(http).toMatchObject({ httpsRedirect: true, http2: true, php: '8.2.10', cms: { name: 'WordPress', version: '6.4.2' } });
    expect(http.samples).toHaveLength(3);
    expect(a.report.probes.browser.data).toMatchObject({ loaded: true, screenshot: true });
    expect(crit(a, 'page-load-3s').status).not.toBe('unknown');
  });

  it('an origin behind Cloudflare: CDN seen, origin hidden, recommended without HSTS', async () => {
    const a = await audits.cloudflare!;
    expect(a.verdict).toBe('recommended');
    expect(a.report.provider.cdn.map((c: Json) => c.id)).toEqual(['cloudflare']);
    expect(crit(a, 'cdn')).toMatchObject({ status: 'pass', reason: { en: 'CDN: Cloudflare.' } });
    expect(crit(a, 'litespeed-nginx')).toMatchObject({ status: 'unknown', reason: { en: 'Origin server hidden by Cloudflare.' } });
    expect(a.report.rubric.blockers.map((b: Json) => b.criterion)).toEqual(['hsts']);
  });

  it('expired and self-signed certificates: incompatible, with the reason', async () => {
    const e = await audits.expired!;
    expect(e.verdict).toBe('incompatible');
    expect(crit(e, 'ssl-valid').reason.en).toMatch(/^Expired 3 day\(s\) ago/);
    // an expired certificate from a trusted CA: a date fault, not an untrusted chain
    const checks = (a: Json) => Object.fromEntries((crit(a, 'ssl-valid').checks as Json[]).map((c) => [c.id, c.status]));
    expect(checks(e)).toEqual({ 'self-signed': 'pass', chain: 'pass', name: 'pass', dates: 'fail' });
    expect(recs(e)).toContain('fix-certificate');
    const s = await audits.selfsigned!;
    expect(s.verdict).toBe('incompatible');
    expect(crit(s, 'ssl-valid').reason.en).toMatch(/^Self-signed certificate: signed by no authority/);
    expect(checks(s)).toEqual({ 'self-signed': 'fail', chain: 'fail', name: 'pass', dates: 'pass' });
  });

  it('TLS 1.0 still accepted: kept out of the top tier', async () => {
    const a = await audits.tls10!;
    expect(a.verdict).toBe('recommended');
    expect(crit(a, 'tls-legacy-refused')).toMatchObject({ status: 'fail', reason: { en: 'Obsolete versions accepted: TLSv1, TLSv1.1.' } });
    expect(recs(a)).toContain('tls-protocols');
  });

  it('a slow server (> 2 s): minimum, response time named as the blocker', async () => {
    const a = await audits.slow!;
    expect(a.verdict).toBe('minimum');
    expect(crit(a, 'response-2s').status).toBe('fail');
    expect(crit(a, 'response-2s').reason.en).toMatch(/Response too slow: median \d{4} ms/);
    expect(a.report.rubric.blockers.map((b: Json) => b.criterion)).toContain('response-2s');
  });

  it('a 500 and a closed port: incompatible, saying what happened', async () => {
    const e = await audits.error500!;
    expect(e.verdict).toBe('incompatible');
    expect(crit(e, 'reachable').reason.en).toBe('Answers with HTTP error 500 (server error).');
    const u = await audits.unreachable!;
    expect(u.verdict).toBe('incompatible');
    expect(crit(u, 'reachable').reason.en).toBe('Site unreachable: connection refused (ECONNREFUSED).');
    // what could not be observed is unknown, with the reason: no "No HTTPS", no pass, no browser error as a fact
    expect(crit(u, 'ssl-valid')).toMatchObject({
      status: 'unknown',
      reason: { en: expect.stringMatching(/^No TLS connection to unreachable\.audit\.test:\d+ \(ECONNREFUSED.*cannot be checked/) },
    });
    expect(crit(u, 'not-blacklisted')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/^Host not identified: Site unreachable/) } });
    expect(crit(u, 'page-load-3s')).toMatchObject({ status: 'unknown', reason: { en: expect.stringMatching(/^Page not loaded: Site unreachable/) } });
    expect(u.report.rubric.criteria.filter((c: Json) => c.status === 'pass')).toEqual([]);
    expect(u.report.probes.browser.data).toMatchObject({ loaded: false, screenshot: false });
  });

  it('a HostGator-family site told only by its headers and page: identified, blacklisted, migration first', async () => {
    const a = await audits.hgfamily!;
    expect(a.verdict).toBe('incompatible');
    expect(a.report.provider).toMatchObject({ hosting: { id: 'hostgator', blacklisted: true }, confidence: 'high' });
    const evidence = (a.report.provider.hosting.evidence as Json[]).map((e) => `${e.kind}: ${e.detail}`);
    expect(evidence).toEqual(
      expect.arrayContaining([
        'header: x-server-name names gator4123.hostgator.com',
        'header: x-endurance-cache-level: 2',
        expect.stringMatching(/^page: .*HostGator/),
      ]),
    );
    expect(a.report.provider.hosting.evidence.some((e: Json) => e.kind === 'nameserver')).toBe(false);
    expect(crit(a, 'not-blacklisted').status).toBe('fail');
    expect(recs(a)[0]).toBe('migrate');
    expect(a.report.stack).toMatchObject({ server: 'apache', panel: 'cpanel' });
  });

  it('plain http that never redirects: the https-redirect criterion fails with nginx advice', async () => {
    const a = await audits.httponly!;
    expect(crit(a, 'https-redirect')).toMatchObject({ status: 'fail', reason: { en: expect.stringMatching(/stays on plain http/) } });
    const rec = (a.report.rubric.recommendations as Json[]).find((r) => r.id === 'https-redirect')!;
    expect(rec.text.en).toContain('return 301 https://$host$request_uri;');
    expect(rec.text.en).not.toContain('.htaccess');
  });

  it('an IP address and localhost are probed like any name: TLS on the address, the browser too', async () => {
    const ip = await audits.ipLiteral!;
    expect(ip.report.probes.dns.data).toMatchObject({ resolves: true, a: ['127.0.0.1'] });
    expect(ip.report.probes.tls).toMatchObject({ ok: true, data: { connected: true, host: '127.0.0.1', trusted: true, hostnameMatch: false } });
    // a valid chain for other names: a name fault, the chain stays trusted
    const checks = Object.fromEntries((crit(ip, 'ssl-valid').checks as Json[]).map((c) => [c.id, c.status]));
    expect(checks).toEqual({ 'self-signed': 'pass', chain: 'pass', name: 'fail', dates: 'pass' });
    expect(crit(ip, 'ssl-valid').reason.en).toMatch(/^Does not cover 127\.0\.0\.1: issued for audit\.test/);
    expect(ip.report.probes.browser.data).toMatchObject({ loaded: true, screenshot: true });
    const lh = await audits.localhost!;
    expect(lh.report.probes.dns.data).toMatchObject({ resolves: true, a: ['127.0.0.1'], aaaa: ['::1'] });
    expect(lh.report.probes.tls.data).toMatchObject({ connected: true, host: 'localhost', trusted: true, hostnameMatch: false });
    expect(lh.report.probes.http.data).toMatchObject({ reachable: true, http2: true });
  });

  it('a domain that does not resolve: a report that says so, not a crash', async () => {
    const a = await audits.nxdomain!;
    expect(a).toMatchObject({ status: 'completed', verdict: 'incompatible' });
    expect(crit(a, 'reachable').reason.fr).toMatch(/^Le domaine ne résout pas/);
    expect(a.report.probes.http).toMatchObject({ ok: true, data: { reachable: false, error: expect.stringMatching(/does not resolve/) } });
    expect(a.report.probes.tls).toMatchObject({ ok: false, skipped: true });
    expect(a.report.probes.browser).toMatchObject({ ok: false, skipped: true });
  });

  it('serves the HTML report in French by default and in English, with the screenshot', async () => {
    const a = await audits.litespeed!;
    const fr = await call(`/v1/audits/${a.id}/report`);
    expect(fr.status).toBe(200);
    expect(fr.headers.get('content-type')).toMatch(/text\/html/);
    const frHtml = await fr.text();
    expect(frHtml).toContain('<html lang="fr">');
    expect(frHtml).toContain('Exigences entreprise');
    expect(frHtml).toMatch(/<img class="shot" alt="Capture d’écran" src="data:image\/png;base64,iVBOR/);
    const en = await (await call(`/v1/audits/${a.id}/report?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Enterprise requirements');
    expect(en).toContain('Verdict: Enterprise requirements');
    expect(en).not.toMatch(/\p{Extended_Pictographic}/u);
    const hg = await (await call(`/v1/audits/${(await audits.hostgator!).id}/report?lang=en`)).text();
    expect(hg).toContain('data-verdict="incompatible"');
    expect(hg).toContain('HostGator’s Business plan does NOT solve the problem.');
  });

  it('prints the report to PDF with Chromium, in either language', async () => {
    const a = await audits.hostgator!;
    const res = await call(`/v1/audits/${a.id}/report.pdf?lang=en`);
    expect(
      res.status,
      await res
        .clone()
        .text()
        .catch(() => ''),
    ).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="audit-hostgator.audit.test-en.pdf"');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000); // text, icons and the embedded screenshot
    expect((await call(`/v1/audits/${a.id}/report.pdf?lang=de`)).status).toBe(422);
    expect((await call('/v1/audits/audit-00000000-0000-0000-0000-000000000000/report.pdf')).status).toBe(404);
  });

  it('lists audits by domain and tags the runs for the Web UI', async () => {
    const a = await audits.hostgator!;
    const res = await call('/v1/audits?domain=HOSTGATOR.audit.test');
    expect(res.status).toBe(200);
    const { audits: list } = (await res.json()) as Json;
    expect(list).toEqual([expect.objectContaining({ id: a.id, domain: 'hostgator.audit.test', verdict: 'incompatible', status: 'completed' })]);
    const desc = await client.workflow.getHandle(a.id).describe();
    expect(desc.searchAttributes).toMatchObject({ AtelierFamily: ['audits'], AtelierDomain: ['hostgator.audit.test'], AtelierStatus: ['completed'] });
    expect(await t.db.selectFrom('audit_screenshots').select('audit_id').where('audit_id', '=', a.id).executeTakeFirst()).toBeTruthy();
  });

  it('answers 202 with the progress while an audit runs', async () => {
    const id = await startAudit(fx.urls.slow, { browser: false, samples: 1 });
    const res = await call(`/v1/audits/${id}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id, status: 'running', report: null });
    const waiting = await call(`/v1/audits/${id}/report`);
    expect(waiting.status).toBe(202);
    expect(await waiting.text()).toContain('<meta http-equiv="refresh" content="2"><title>Audit en cours…</title></head><body><p>Audit en cours…</p>');
    expect((await waitReport(id)).verdict).toBe('minimum');
  });
});

describe('bad input', () => {
  const post = (c: typeof call, body: unknown) => c('/v1/audits', { method: 'POST', body: JSON.stringify(body) });
  const problem = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as Json;
  };

  it('refuses a malformed URL and unsupported schemes with 422', async () => {
    expect((await problem(await post(call, { url: 'not a url' }), 422)).detail).toMatch(/not an absolute URL/);
    expect((await problem(await post(call, { url: 'ftp://files.example.com/' }), 422)).detail).toMatch(/only http and https/);
    expect((await problem(await post(call, { url: 'https://x.example/', options: { samples: 50 } }), 422)).errors[0].path).toBe('options.samples');
    await problem(await post(call, { url: 'https://x.example/', extra: 1 }), 422);
  });

  it('refuses private, loopback and link-local targets unless the allow-list names them', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/', 'http://[::1]/', fx.urls.litespeedHttps]) {
      const p = await problem(await post(strictCall, { url }), 422);
      expect(p.detail, url).toMatch(/not a public address/);
    }
    // allowed loopback in tests, but 10.1.2.3 is not on the list
    expect((await problem(await post(call, { url: 'http://private.audit.test/' }), 422)).detail).toMatch(/10\.1\.2\.3 \(private\)/);
  });

  it('answers 404 for an unknown audit and 422 for a malformed id', async () => {
    await problem(await call('/v1/audits/audit-00000000-0000-0000-0000-000000000000'), 404);
    await problem(await call('/v1/audits/nope'), 422);
    await problem(await call('/v1/audits/audit-00000000-0000-0000-0000-000000000000/report?lang=de'), 422);
  });

  it('requires the API key', async () => {
    expect((await call('/v1/audits', { method: 'POST', body: JSON.stringify({ url: fx.urls.hostgator }), key: null })).status).toBe(401);
  });
});

describe('POST /v1/sizing', () => {
  it('sizes the brief’s example and refuses bad input', async () => {
    const res = await call('/v1/sizing', { method: 'POST', body: JSON.stringify({ members: 10_000, agents: 200 }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      vcpu: { min: 6, max: 12 },
      ramGb: { min: 12, max: 24 },
      storageGb: { min: 200, max: 500 },
      bandwidthTbPerMonth: { min: 8, max: 15 },
      growth: { gbPerYear: { min: 5, max: 15 } },
      recommended: { plan: 'VPS SSD 5' },
      annualBudgetEur: { total: 1790 },
    });
    const bad = await call('/v1/sizing', { method: 'POST', body: JSON.stringify({ members: -1, agents: 0 }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Json).errors.map((e: Json) => e.path).sort()).toEqual(['agents', 'members']);
  });
});

describe('a probe that fails', () => {
  it('leaves its criteria unknown and the audit completes', async () => {
    // a worker whose Chromium cannot start: the browser activity fails on every attempt
    const broken = testConfig(t.url, { ...fx.env, CHROMIUM_PATH: '/nonexistent/chromium' });
    const brokenWorkers = await startTestWorkers(broken, t.db, ['audits']);
    try {
      const brokenCall = testApp(broken, t.db, client).call;
      const res = await brokenCall('/v1/audits', {
        method: 'POST',
        body: JSON.stringify({ url: fx.urls.litespeedHttps, options: { browser: true, samples: 1 } }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as Json;
      await client.workflow.getHandle(id).result();
      const a = (await (await brokenCall(`/v1/audits/${id}`)).json()) as Json;
      expect(a.status).toBe('completed');
      expect(a.report.probes.browser).toMatchObject({ ok: false, error: expect.stringMatching(/nonexistent/) });
      expect(a.report.probes.http.ok).toBe(true);
      expect(a.verdict).toBe('enterprise');
      expect(a.report.screenshot).toBe(false);
      expect(a.report.rubric.criteria.find((c: Json) => c.id === 'page-load-3s')).toMatchObject({
        status: 'unknown',
        reason: { en: expect.stringMatching(/^Browser probe failed: .*nonexistent/) },
      });
      const html = await (await brokenCall(`/v1/audits/${id}/report`)).text();
      expect(html).not.toContain('data:image/png');
    } finally {
      await brokenWorkers.shutdown();
    }
  });
});
