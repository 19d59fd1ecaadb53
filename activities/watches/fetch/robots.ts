/**
 * robots.txt through `robots-parser`, cached per origin for a while. A missing robots.txt (4xx)
 * allows everything; an unreachable one (5xx, network) disallows everything until it answers, as
 * RFC 9309 asks. The crawl-delay for our user agent raises the politeness delay.
 */
import { createRequire } from 'node:module';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS with `module.exports = fn`; its typings describe an ES default export.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, body: string) => Robot;

export interface RobotsRules {
  isAllowed(url: string): boolean;
  /** Crawl-delay in ms for our agent, if the file sets one. */
  crawlDelayMs: number | null;
  sitemaps: string[];
  /** robots.txt could not be read (network error, 5xx): nothing may be fetched, and the site counts as failing. */
  unavailable?: boolean;
}

export type RobotsFetcher = (url: string) => Promise<{ status: number; body: string }>;

export function parseRobots(robotsUrl: string, body: string, userAgent: string): RobotsRules {
  const parsed = robotsParser(robotsUrl, body);
  const delay = parsed.getCrawlDelay(userAgent);
  return {
    isAllowed: (url) => parsed.isAllowed(url, userAgent) !== false,
    crawlDelayMs: typeof delay === 'number' && Number.isFinite(delay) ? Math.round(delay * 1000) : null,
    sitemaps: parsed.getSitemaps(),
  };
}

const allowAll: RobotsRules = { isAllowed: () => true, crawlDelayMs: null, sitemaps: [] };
const disallowAll: RobotsRules = { isAllowed: () => false, crawlDelayMs: null, sitemaps: [], unavailable: true };

export class RobotsCache {
  private readonly entries = new Map<string, { at: number; rules: Promise<RobotsRules> }>();

  constructor(
    private readonly fetcher: RobotsFetcher,
    private readonly userAgent: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rules for `url`'s origin, fetched once per TTL (concurrent callers share one fetch). */
  rulesFor(url: string): Promise<RobotsRules> {
    const origin = new URL(url).origin;
    const hit = this.entries.get(origin);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.rules;
    const robotsUrl = `${origin}/robots.txt`;
    const rules = this.fetcher(robotsUrl).then(
      ({ status, body }) => {
        if (status >= 200 && status < 300) return parseRobots(robotsUrl, body, this.userAgent);
        if (status >= 400 && status < 500) return allowAll;
        return disallowAll;
      },
      () => disallowAll,
    );
    this.entries.set(origin, { at: this.now(), rules });
    // an unreachable robots.txt is retried on the next run rather than cached for the whole TTL
    void rules.then((r) => {
      if (r === disallowAll) this.entries.delete(origin);
    });
    return rules;
  }
}
