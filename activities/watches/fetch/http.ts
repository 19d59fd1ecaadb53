/**
 * The crawler's HTTP client. Every request: refuses private targets (net-guard: checked before the
 * request for a clear refusal, and again at connect time by the guarded dispatcher, so a name that
 * rebinds between the two gets nowhere), checks robots.txt,
 * waits for the host's politeness slot in PostgreSQL (the larger of the configured delay and the
 * robots crawl-delay), holds a global concurrency slot, rotates proxies, follows redirects by hand
 * (each hop checked again), retries network errors and 5xx with exponential backoff, and honours
 * 429 / 503 `Retry-After` by pushing the host's next slot back.
 */
import { fetch as undiciFetch, ProxyAgent, type Dispatcher } from 'undici';
import type { Config } from '../../../core/config.js';
import type { Db } from '../../../db/client.js';
import { guardedDispatcher, outboundGuard, outboundRefusalOf } from '../../shared/guarded-connect.js';
import { OutboundRefused, parseAllowlist, resolvePublicTarget, type Lookup, type OutboundGuard } from '../../shared/net-guard.js';
import { pollAfter, pushBack, releaseTurn, sleep, tryTurn, waitLeft, withTurn } from './politeness.js';
import { RobotsCache, type RobotsRules } from './robots.js';
import { retryAfterMs } from '../../../core/retry-after.js';
import { Semaphore } from '../../../core/semaphore.js';

export type FetchRefusal =
  'robots' | 'robots-unavailable' | 'private-address' | 'invalid-url' | 'unsupported-scheme' | 'unresolvable' | 'too-many-redirects' | 'retry-after-too-long';

/** A request we will not make (or stop retrying); the caller records it as a page error. */
export class FetchRefused extends Error {
  constructor(
    readonly kind: FetchRefusal,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchRefused';
  }
}

export interface FetchedPage {
  url: string;
  status: number;
  headers: Record<string, string>;
  contentType: string;
  body: string;
}

export type FetchConfig = Pick<
  Config,
  | 'WATCH_USER_AGENT'
  | 'WATCH_POLITENESS_MS'
  | 'WATCH_MAX_CONCURRENT_FETCHES'
  | 'WATCH_FETCH_TIMEOUT_MS'
  | 'WATCH_FETCH_RETRIES'
  | 'WATCH_MAX_RETRY_AFTER_MS'
  | 'WATCH_PROXIES'
  | 'WATCH_ROBOTS_TTL_MS'
  | 'OUTBOUND_ALLOWLIST'
>;

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export type Spacing = 'end' | 'start';

export interface Fetcher {
  /**
   * GETs a page under every rule above. Throws FetchRefused for what must not be fetched.
   * `spacing: 'start'` (generic watches) spaces request starts to a host by the delay and holds no
   * turn while the request runs, so requests to one host may overlap; the default ('end') holds
   * the host's turn for the whole request and starts the next one the delay after it finished.
   */
  fetchPage(url: string, opts?: { signal?: AbortSignal; accept?: string; spacing?: Spacing }): Promise<FetchedPage>;
  robotsFor(url: string): Promise<RobotsRules>;
  /** Checks the URL against net-guard and robots, then runs `fn` (a browser render) holding the host's turn. */
  withPageTurn<T>(url: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** The politeness delay that applies to `url`'s host. */
  delayFor(url: string): Promise<number>;
  /** The allow-list and resolver every connection is checked against (the browser's proxy uses it too). */
  readonly guard: OutboundGuard;
  close(): Promise<void>;
}

export function createFetcher(db: Db, config: FetchConfig, opts: { lookup?: Lookup; semaphore?: Semaphore } = {}): Fetcher {
  const allow = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  const outbound = outboundGuard(allow, opts.lookup);
  const semaphore = opts.semaphore ?? new Semaphore(config.WATCH_MAX_CONCURRENT_FETCHES);
  const direct = guardedDispatcher(outbound, { connections: 16 });
  // An operator's proxy (WATCH_PROXIES) resolves names itself: only the check before the request applies there.
  const proxies: Dispatcher[] = config.WATCH_PROXIES.map((uri) => new ProxyAgent(uri));
  let nextProxy = 0;
  const dispatcher = () => (proxies.length ? proxies[nextProxy++ % proxies.length]! : direct);

  async function guard(url: string): Promise<URL> {
    try {
      return (await resolvePublicTarget(url, allow, outbound.lookup)).url;
    } catch (err) {
      if (err instanceof OutboundRefused) throw new FetchRefused(err.reason, err.message);
      throw err;
    }
  }

  /**
   * One request, sent the moment the host's turn is taken (holding a global concurrency slot only
   * while taking the turn and sending, not while waiting); follows no redirect.
   */
  async function requestOnce(url: URL, delayMs: number, accept: string, signal?: AbortSignal, spacing: Spacing = 'end') {
    const holdWhole = spacing === 'end';
    let release: () => void;
    for (;;) {
      release = await semaphore.acquire();
      let wait: number;
      try {
        // with no delay and no turn to hold there is nothing to take: only a push-back to honour
        wait =
          !holdWhole && delayMs === 0
            ? await waitLeft(db, url.host)
            : await tryTurn(db, url.host, delayMs, holdWhole ? config.WATCH_FETCH_TIMEOUT_MS + 1000 : delayMs);
      } catch (err) {
        release();
        throw err;
      }
      if (wait === 0) break;
      release();
      await sleep(pollAfter(wait, delayMs), signal);
    }
    try {
      const timeout = AbortSignal.timeout(config.WATCH_FETCH_TIMEOUT_MS);
      const res = await undiciFetch(url, {
        redirect: 'manual',
        dispatcher: dispatcher(),
        headers: { 'user-agent': config.WATCH_USER_AGENT, accept, 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      let body = '';
      if (res.status < 300 || res.status >= 400) {
        const buf = Buffer.from(await res.arrayBuffer());
        body = buf.subarray(0, MAX_BODY_BYTES).toString('utf8');
      } else await res.body?.cancel().catch(() => undefined);
      return { status: res.status, headers, body };
    } catch (err) {
      const refused = outboundRefusalOf(err);
      if (refused) throw new FetchRefused(refused.reason, refused.message);
      throw err;
    } finally {
      release();
      if (holdWhole) await releaseTurn(db, url.host, delayMs).catch(() => undefined);
    }
  }

  /** Requests with retries (backoff, Retry-After) and manual redirects. */
  async function request(input: string, checkRobots: boolean, accept: string, signal?: AbortSignal, spacing?: Spacing): Promise<FetchedPage> {
    let url = await guard(input);
    for (let hop = 0; ; hop++) {
      if (checkRobots) {
        assertAllowed(await robots.rulesFor(url.href), url.href);
      }
      const delay = checkRobots ? await delayFor(url.href) : config.WATCH_POLITENESS_MS;
      let attempt = 0;
      let res: Awaited<ReturnType<typeof requestOnce>>;
      for (;;) {
        try {
          res = await requestOnce(url, delay, accept, signal, spacing);
        } catch (err) {
          if (err instanceof FetchRefused || signal?.aborted || attempt >= config.WATCH_FETCH_RETRIES) throw err;
          await sleep(backoff(attempt++), signal);
          continue;
        }
        if (res.status === 429 || res.status === 503) {
          const wait = retryAfterMs(res.headers['retry-after']) ?? backoff(attempt);
          if (wait > config.WATCH_MAX_RETRY_AFTER_MS) {
            await pushBack(db, url.host, wait);
            throw new FetchRefused('retry-after-too-long', `${url.host} asks to wait ${wait} ms (Retry-After)`, wait);
          }
          if (attempt >= config.WATCH_FETCH_RETRIES) return page(url, res);
          attempt++;
          await pushBack(db, url.host, wait);
          continue;
        }
        if (res.status >= 500 && attempt < config.WATCH_FETCH_RETRIES) {
          await sleep(backoff(attempt++), signal);
          continue;
        }
        break;
      }
      if (res.status >= 300 && res.status < 400 && res.headers.location) {
        if (hop >= MAX_REDIRECTS) throw new FetchRefused('too-many-redirects', `more than ${MAX_REDIRECTS} redirects from ${input}`);
        url = await guard(new URL(res.headers.location, url).href);
        continue;
      }
      return page(url, res);
    }
  }

  const robots = new RobotsCache(
    async (robotsUrl) => {
      const res = await request(robotsUrl, false, 'text/plain,*/*');
      return { status: res.status, body: res.body };
    },
    config.WATCH_USER_AGENT,
    config.WATCH_ROBOTS_TTL_MS,
  );

  async function delayFor(url: string): Promise<number> {
    const rules = await robots.rulesFor(url);
    return Math.max(config.WATCH_POLITENESS_MS, rules.crawlDelayMs ?? 0);
  }

  return {
    fetchPage: (url, o = {}) => request(url, true, o.accept ?? 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8', o.signal, o.spacing),
    robotsFor: (url) => robots.rulesFor(url),
    async withPageTurn(url, fn, signal) {
      const u = await guard(url);
      assertAllowed(await robots.rulesFor(u.href), u.href);
      return withTurn(db, u.host, await delayFor(u.href), config.WATCH_FETCH_TIMEOUT_MS * 2, fn, signal);
    },
    delayFor,
    guard: outbound,
    async close() {
      await Promise.all([direct.close(), ...proxies.map((p) => p.close())]);
    },
  };
}

function assertAllowed(rules: RobotsRules, url: string) {
  if (rules.unavailable) throw new FetchRefused('robots-unavailable', `robots.txt of ${new URL(url).origin} could not be read; not fetching ${url}`);
  if (!rules.isAllowed(url)) throw new FetchRefused('robots', `robots.txt forbids ${url}`);
}

function page(url: URL, res: { status: number; headers: Record<string, string>; body: string }): FetchedPage {
  return { url: url.href, status: res.status, headers: res.headers, contentType: res.headers['content-type'] ?? '', body: res.body };
}

/** 500 ms, 1 s, 2 s, … capped at 30 s, with ±20 % jitter. */
export function backoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
