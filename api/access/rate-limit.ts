/**
 * Per-key rate limits: the `600/min` notation, and the response headers of
 * draft-ietf-httpapi-ratelimit-headers (RateLimit-Policy / RateLimit as structured fields).
 */
export interface RatePolicy {
  limit: number;
  windowSeconds: number;
}

const UNITS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86_400, day: 86_400 };
export const RATE_FORMAT = /^([1-9]\d{0,6})\/(\d{1,5})?(s|sec|second|m|min|minute|h|hour|d|day)$/;

/** `600/min`, `10/s`, `5000/h`, `100/10s`: requests per window. Throws naming the format. */
export function parseRate(text: string): RatePolicy {
  const m = RATE_FORMAT.exec(text.trim());
  const windowSeconds = m ? Number(m[2] ?? 1) * UNITS[m[3]!]! : 0;
  if (!m || windowSeconds < 1 || windowSeconds > 86_400) {
    throw new Error(`rate must look like 600/min, 10/s, 5000/h or 100/10s (window up to a day), not ${JSON.stringify(text)}`);
  }
  return { limit: Number(m[1]), windowSeconds };
}

export const formatRate = (p: RatePolicy) => (p.windowSeconds === 60 ? `${p.limit}/min` : `${p.limit}/${p.windowSeconds}s`);

export const DEFAULT_RATE: RatePolicy = { limit: 600, windowSeconds: 60 };

/** The headers of one response: the policy, and what remains of it until the window resets. */
export function rateLimitHeaders(p: RatePolicy, count: number, resetSeconds: number): Record<string, string> {
  const remaining = Math.max(0, p.limit - count);
  const t = Math.max(1, Math.ceil(resetSeconds));
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"key";q=${p.limit};w=${p.windowSeconds}`,
    RateLimit: `"key";r=${remaining};t=${t}`,
  };
  if (count > p.limit) headers['Retry-After'] = String(t);
  return headers;
}
