/**
 * DNS rebinding on loopback: a name whose first answer passes the guard and whose next answer is
 * 127.0.0.1 (not on the allow-list) reaches nothing, in every client that connects to
 * user-supplied targets: the watches fetcher (including a redirect), the webhook sender, the
 * monitor check and Chromium (both browser pools). The loopback server counts every request it
 * gets by Host; the assertions are that it got none for the rebinding name.
 *
 * The "public" first answer is ff0e::1 (global-scope multicast, allow-listed here): the kernel
 * refuses a TCP connect to a multicast address at once (ENETUNREACH), so even a broken guard that
 * connected to it would send nothing off this machine. The documentation ranges are not safe here
 * (this machine's own network is 192.0.2.0/24 with a default route).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { fetch as undiciFetch } from 'undici';
import { checkSite } from '../../activities/audits/monitor/check-site.js';
import { BrowserPool as AuditBrowserPool } from '../../activities/audits/hosting/probe-browser.js';
import { confineToOrigin } from '../../activities/concierge/live-check.js';
import { launchBrowser } from '../../activities/shared/browser.js';
import { createBrowserPool } from '../../activities/shared/browser-pool.js';
import { guardedDispatcher, outboundRefusalOf } from '../../activities/shared/guarded-connect.js';
import { parseAllowlist, resolveHost, type Lookup, type OutboundGuard } from '../../activities/shared/net-guard.js';
import { sendWebhook } from '../../activities/shared/webhook-sender.js';
import { createFetcher, FetchRefused, type FetchConfig } from '../../activities/watches/fetch/http.js';
import { freshDb, type TestDb } from '../support/db.js';

const SENTINEL = 'ff0e::1';
const ALLOW = ['ff0e::/16', 'page.test'];
const allow = parseAllowlist(ALLOW);

let server: Server;
let port: number;
const hits = new Map<string, number>();
const hitsFor = (name: string) => hits.get(name) ?? 0;

/** page.test -> 127.0.0.1 (allow-listed by name); rebind.test -> the sentinel once, then 127.0.0.1. */
function rebindingResolver() {
  const calls = new Map<string, number>();
  const lookup: Lookup = async (host) => {
    const n = (calls.get(host) ?? 0) + 1;
    calls.set(host, n);
    if (host === 'page.test') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'rebind.test') return n === 1 ? [{ address: SENTINEL, family: 6 }] : [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`${host} not found`), { code: 'ENOTFOUND' });
  };
  return { lookup, calls: (host: string) => calls.get(host) ?? 0 };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.headers.host ?? '').replace(/:\d+$/, '');
    hits.set(name, hitsFor(name) + 1);
    const path = req.url ?? '/';
    if (path === '/robots.txt') return void res.writeHead(404).end();
    if (path === '/redirect') return void res.writeHead(302, { location: `http://rebind.test:${port}/x` }).end();
    if (path === '/embeds') {
      res.setHeader('content-type', 'text/html');
      return void res.end(
        `<!doctype html><title>embeds</title><img src="http://rebind.test:${port}/pixel.png">` +
          `<iframe src="http://rebind.test:${port}/frame"></iframe>` +
          `<script>fetch('http://rebind.test:${port}/api').catch(() => {}); new WebSocket('ws://rebind.test:${port}/ws');</script>`,
      );
    }
    if (path === '/elsewhere-embeds') {
      res.setHeader('content-type', 'text/html');
      return void res.end(
        `<!doctype html><title>elsewhere</title><img src="http://elsewhere.test:${port}/pixel.png"><iframe src="http://elsewhere.test:${port}/frame"></iframe>` +
          `<script>fetch('http://elsewhere.test:${port}/api').catch(() => {}); new WebSocket('ws://elsewhere.test:${port}/ws');</script>`,
      );
    }
    if (path === '/navigates') {
      res.setHeader('content-type', 'text/html');
      return void res.end(`<!doctype html><title>away</title><script>location.href = 'http://rebind.test:${port}/landing'</script>`);
    }
    res.end('hit');
  });
  server.on('upgrade', (req, socket) => {
    const name = (req.headers.host ?? '').replace(/:\d+$/, '');
    hits.set(name, hitsFor(name) + 1);
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('guarded dispatcher', () => {
  it('refuses at connect time a name that passed the check, and sends nothing', async () => {
    const { lookup, calls } = rebindingResolver();
    const guard: OutboundGuard = { allow, lookup };
    await expect(resolveHost('rebind.test', allow, lookup)).resolves.toEqual([{ address: SENTINEL, family: 6 }]);
    const agent = guardedDispatcher(guard);
    const err = await undiciFetch(`http://rebind.test:${port}/direct`, { dispatcher: agent }).catch((e: unknown) => e);
    await agent.close();
    expect(outboundRefusalOf(err)?.reason).toBe('private-address');
    expect(calls('rebind.test')).toBe(2);
    expect(hitsFor('rebind.test')).toBe(0);
  });
});

describe('watches fetcher', () => {
  let t: TestDb;
  const config: FetchConfig = {
    WATCH_USER_AGENT: 'AtelierWatchBot/1.0 (+https://atelier.test/bot)',
    WATCH_POLITENESS_MS: 0,
    WATCH_MAX_CONCURRENT_FETCHES: 4,
    WATCH_FETCH_TIMEOUT_MS: 5000,
    WATCH_FETCH_RETRIES: 0,
    WATCH_MAX_RETRY_AFTER_MS: 1000,
    WATCH_PROXIES: [],
    WATCH_ROBOTS_TTL_MS: 60_000,
    OUTBOUND_ALLOWLIST: ALLOW,
  };
  beforeAll(async () => {
    t = await freshDb();
  });
  afterAll(() => t.drop());

  it('fetches nothing from a name that rebinds, directly or at the end of a redirect', async () => {
    const { lookup, calls } = rebindingResolver();
    const f = createFetcher(t.db, config, { lookup });
    try {
      // the allow-listed page answers, then redirects to the rebinding name
      const ok = await f.fetchPage(`http://page.test:${port}/plain`);
      expect(ok.status).toBe(200);
      const err = await f.fetchPage(`http://page.test:${port}/redirect`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchRefused);
      // the hop's check passed (first answer); every connection to the name was refused at connect time
      expect(['robots-unavailable', 'private-address']).toContain((err as FetchRefused).kind);
      expect(calls('rebind.test')).toBeGreaterThanOrEqual(2);
      const direct = await f.fetchPage(`http://rebind.test:${port}/x`).catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(FetchRefused);
      expect(hitsFor('rebind.test')).toBe(0);
      expect(hitsFor('page.test')).toBeGreaterThanOrEqual(2);
    } finally {
      await f.close();
    }
  });
});

describe('webhook sender', () => {
  it('refuses a receiver that rebinds between the check and the connect, without sending', async () => {
    const { lookup, calls } = rebindingResolver();
    const err = await sendWebhook(
      { url: `http://rebind.test:${port}/hook`, body: { a: 1 }, deliveryId: 'rebind-1' },
      { secret: 'whsec_test_rebinding', allow, lookup },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('webhook-private-address');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(calls('rebind.test')).toBe(2);
    expect(hitsFor('rebind.test')).toBe(0);
  });
});

describe('monitor check', () => {
  it('reports a rebinding target down as refused, without requesting it', async () => {
    const { lookup, calls } = rebindingResolver();
    const r = await checkSite(`http://rebind.test:${port}/`, { allow, timeoutMs: 3000, lookup });
    expect(r).toMatchObject({ ok: false, statusCode: null });
    expect(r.error).toMatch(/^private-address: rebind\.test resolves to 127\.0\.0\.1/);
    expect(calls('rebind.test')).toBe(2);
    expect(hitsFor('rebind.test')).toBe(0);
  });
});

describe('monitor check on a target that fails at once', () => {
  // A TCP connect to a multicast address fails in the kernel with ENETUNREACH before any packet
  // leaves; through a name, the connect error used to fire before the request's listener existed
  // (the pinned lookup answered synchronously) and crashed the process.
  it.each([`http://[${SENTINEL}]/`, 'http://unroutable.test/'])('returns a down result for %s and the process lives on', async (url) => {
    const lookup: Lookup = async () => [{ address: SENTINEL, family: 6 }];
    const r = await checkSite(url, { allow, timeoutMs: 3000, lookup });
    expect(r).toMatchObject({ ok: false, statusCode: null, latencyMs: null });
    expect(r.error).toMatch(/^ENETUNREACH/);
  });
});

describe('Chromium behind the guarded proxy', () => {
  it('shared pool: the page loads, its embeds and its navigation to a rebinding name fetch nothing', async () => {
    const { lookup, calls } = rebindingResolver();
    const guard: OutboundGuard = { allow, lookup };
    const checked = new Map<string, Promise<boolean>>();
    // the check in front (as the audit probe does), passed once by the first answer
    const allowRequest = (u: string) => {
      const host = new URL(u).hostname;
      if (!checked.has(host))
        checked.set(
          host,
          resolveHost(host, allow, lookup).then(
            () => true,
            () => false,
          ),
        );
      return checked.get(host)!;
    };
    const pool = createBrowserPool({ executablePath: inject('chromiumPath')!, size: 1 });
    try {
      const page = await pool.render(`http://page.test:${port}/embeds`, { userAgent: 'AtelierTest', timeoutMs: 10_000, guard, allowRequest });
      expect(page.status).toBe(200);
      expect(page.html).toContain('<title>embeds</title>');
      const away = await pool.render(`http://page.test:${port}/navigates`, { userAgent: 'AtelierTest', timeoutMs: 10_000, guard, allowRequest });
      // the navigation lands on the proxy's refusal, never on the server
      expect(away.url).toBe(`http://rebind.test:${port}/landing`);
      expect(away.html).toContain('refused: rebind.test resolves to 127.0.0.1 (loopback)');
      expect(calls('rebind.test')).toBeGreaterThanOrEqual(2);
      expect(hitsFor('rebind.test')).toBe(0);
      expect(hitsFor('page.test')).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it('audit probe: resources on a name that rebinds after the route check are not fetched', async () => {
    const { lookup, calls } = rebindingResolver();
    const pool = new AuditBrowserPool({ executablePath: inject('chromiumPath')!, idleCloseMs: 1000 });
    try {
      const { result } = await pool.probe(`http://page.test:${port}/embeds`, { timeoutMs: 10_000, guard: { allow, lookup } });
      expect(result).toMatchObject({ loaded: true, status: 200 });
      expect(calls('rebind.test')).toBeGreaterThanOrEqual(2);
      expect(hitsFor('rebind.test')).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('concierge live check: the published page loads only from its own origin', async () => {
    // the live check's browser resolves the order's domain itself (our DNS, our host): both names map to loopback here
    const browser = await launchBrowser({
      executablePath: inject('chromiumPath')!,
      extraArgs: ['--host-resolver-rules=MAP page.test 127.0.0.1, MAP elsewhere.test 127.0.0.1'],
    });
    try {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      await confineToOrigin(context, `http://page.test:${port}`);
      const page = await context.newPage();
      const res = await page.goto(`http://page.test:${port}/elsewhere-embeds`, { waitUntil: 'load' });
      expect(res?.status()).toBe(200);
      await page.waitForTimeout(300);
      expect(hitsFor('elsewhere.test')).toBe(0);
      expect(hitsFor('page.test')).toBeGreaterThanOrEqual(1);
    } finally {
      await browser.close();
    }
  });
});
