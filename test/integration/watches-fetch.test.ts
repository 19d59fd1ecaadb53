/**
 * The crawler's HTTP client against loopback sites and real PostgreSQL: per-host politeness held
 * across two independent "processes" (two fetchers, two connection pools), robots.txt (disallow and
 * crawl-delay), 429 + Retry-After, the user agent, and private targets refused without the allow-list.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDb, type Db } from '../../db/client.js';
import { createFetcher, FetchRefused, type FetchConfig } from '../../activities/watches/fetch/http.js';
import { tryTurn } from '../../activities/watches/fetch/politeness.js';
import { freshDb, type TestDb } from '../support/db.js';
import { agencySite, minGap, property, startSite, type FixtureSite } from '../support/watches/sites.js';

const DELAY = 120;
const base: FetchConfig = {
  WATCH_USER_AGENT: 'AtelierWatchBot/1.0 (+https://atelier.test/bot)',
  WATCH_POLITENESS_MS: DELAY,
  WATCH_MAX_CONCURRENT_FETCHES: 8,
  WATCH_FETCH_TIMEOUT_MS: 5000,
  WATCH_FETCH_RETRIES: 2,
  WATCH_MAX_RETRY_AFTER_MS: 5000,
  WATCH_PROXIES: [],
  WATCH_ROBOTS_TTL_MS: 60_000,
  OUTBOUND_ALLOWLIST: ['127.0.0.0/8'],
};

let t: TestDb;
let otherPool: Db;
let site: FixtureSite;
let slowSite: FixtureSite;
let busySite: FixtureSite;

beforeAll(async () => {
  t = await freshDb();
  otherPool = createDb({ DATABASE_URL: t.url, DATABASE_POOL_MAX: 3 });
  const listings = new Map([
    ['a1', property('a1')],
    ['a2', property('a2')],
    ['a3', property('a3')],
    ['a4', property('a4')],
  ]);
  site = await startSite(agencySite(listings, { flavor: 'wordpress' }));
  busySite = await startSite(agencySite(listings, { flavor: 'wordpress', tooManyFirst: true }));
  slowSite = await startSite((path) => (path === '/robots.txt' ? { type: 'text/plain', body: 'User-agent: *\nCrawl-delay: 0.4\n' } : { body: '<p>ok</p>' }));
});
afterAll(async () => {
  await Promise.all([site.close(), slowSite.close(), busySite.close()]);
  await otherPool.destroy();
  await t.drop();
});

describe('watches fetcher', () => {
  it('holds the per-host delay across two processes fetching the same site at once', async () => {
    const one = createFetcher(t.db, base);
    const two = createFetcher(otherPool, base);
    const from = site.requests.length;
    const paths = [
      'biens/',
      'biens/page/2/',
      'annonce/a1-appartement-3-pieces/',
      'annonce/a2-appartement-3-pieces/',
      'annonce/a3-appartement-3-pieces/',
      'annonce/a4-appartement-3-pieces/',
    ];
    const pages = await Promise.all(paths.map((p, i) => (i % 2 ? one : two).fetchPage(site.url + p)));
    expect(pages.map((p) => p.status)).toEqual(paths.map(() => 200));
    // 6 pages plus each process's robots.txt, all spaced by at least the delay
    expect(site.requests.length - from).toBe(8);
    const log = JSON.stringify(site.requests.slice(from).map((r) => [r.path, r.at]));
    expect(minGap(site, from), `requests: ${log}`).toBeGreaterThanOrEqual(DELAY - 10);
    expect(site.requests.every((r) => r.userAgent === base.WATCH_USER_AGENT)).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps the host clock in PostgreSQL: another process must wait for the turn', async () => {
    const host = 'example.test:80';
    expect(await tryTurn(t.db, host, 500)).toBe(0);
    const wait = await tryTurn(otherPool, host, 500);
    expect(wait).toBeGreaterThan(400);
    expect(wait).toBeLessThanOrEqual(501);
    expect(await tryTurn(t.db, host, 500)).toBeGreaterThan(300);
    await new Promise((r) => setTimeout(r, wait + 5));
    expect(await tryTurn(otherPool, host, 500)).toBe(0);
  });

  it("gives a host's first turn to one process only when both ask for it at the same moment", async () => {
    // Process A's insert of a new host's row is in flight (not yet committed) when process B asks:
    // B's statement waits for A's commit, then must answer "not yours", not "taken".
    const host = 'first-turn.test:80';
    const a = await pgClient(t.url);
    await a.query('begin');
    await a.query(`insert into watch_politeness (host, next_at, delay_ms) values ($1, clock_timestamp() + interval '5 seconds', 500)`, [host]);
    const b = tryTurn(otherPool, host, 500);
    await new Promise((r) => setTimeout(r, 150)); // B is now blocked on A's row
    await a.query('commit');
    await a.end();
    expect(await b).toBeGreaterThan(0);
  });

  it('refuses what robots.txt forbids, without requesting it', async () => {
    const f = createFetcher(t.db, base);
    const err = await f.fetchPage(`${site.url}prive/dossiers-clients/`).catch((e) => e);
    expect(err).toBeInstanceOf(FetchRefused);
    expect((err as FetchRefused).kind).toBe('robots');
    expect(site.requests.some((r) => r.path.startsWith('/prive/'))).toBe(false);
    await f.close();
  });

  it('honours a robots crawl-delay larger than the configured delay', async () => {
    const f = createFetcher(t.db, base);
    expect(await f.delayFor(slowSite.url)).toBe(400);
    const from = slowSite.requests.length;
    await Promise.all(['a', 'b', 'c'].map((p) => f.fetchPage(slowSite.url + p)));
    expect(minGap(slowSite, from + 1)).toBeGreaterThanOrEqual(390);
    await f.close();
  });

  it('waits for Retry-After after a 429 and then gets the page', async () => {
    const f = createFetcher(t.db, base);
    const page = await f.fetchPage(`${busySite.url}biens/`);
    expect(page.status).toBe(200);
    const reqs = busySite.requests.filter((r) => r.path === '/biens/');
    expect(reqs.map((r) => r.status)).toEqual([429, 200]);
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(990);
    await f.close();
  });

  it('rotates requests over the configured proxies', async () => {
    const proxies: Array<{ server: Server; used: number; url: string }> = [];
    for (let i = 0; i < 2; i++) {
      const p = { server: createServer(), used: 0, url: '' };
      // tunnels (CONNECT) and plain forwarding (absolute-form requests), whichever the client uses
      p.server.on('connect', (req, client, head) => {
        p.used++;
        const [host, port] = String(req.url).split(':');
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
      });
      p.server.on('request', (req, res) => {
        p.used++;
        const fwd = httpRequest(String(req.url), { method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        req.pipe(fwd);
      });
      await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', () => r()));
      p.url = `http://127.0.0.1:${(p.server.address() as { port: number }).port}`;
      proxies.push(p);
    }
    const f = createFetcher(t.db, { ...base, WATCH_POLITENESS_MS: 10, WATCH_PROXIES: proxies.map((p) => p.url) });
    for (const path of ['biens/', 'biens/page/2/', 'annonce/a1-appartement-3-pieces/', 'annonce/a2-appartement-3-pieces/']) {
      expect((await f.fetchPage(site.url + path)).status).toBe(200);
    }
    expect(proxies[0]!.used).toBeGreaterThan(0);
    expect(proxies[1]!.used).toBeGreaterThan(0);
    await f.close();
    for (const p of proxies) {
      p.server.closeAllConnections();
      await new Promise((r) => p.server.close(r));
    }
  });

  it('refuses private targets unless allow-listed', async () => {
    const f = createFetcher(t.db, { ...base, OUTBOUND_ALLOWLIST: [] });
    const err = await f.fetchPage(site.url).catch((e) => e);
    expect(err).toBeInstanceOf(FetchRefused);
    expect((err as FetchRefused).kind).toBe('private-address');
    const bad = await f.fetchPage('ftp://example.com/x').catch((e) => e);
    expect((bad as FetchRefused).kind).toBe('unsupported-scheme');
    await f.close();
  });
});

async function pgClient(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}
