import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { problem } from '../problem.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Bearer API keys. Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither a key's
 * content nor its length leaks through timing, and every configured key is checked on every call.
 * The key itself is never logged (the logger redacts the header too).
 */
export function bearerAuth(keys: readonly string[]): MiddlewareHandler {
  const digests = keys.map(digest);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    let ok = false;
    if (match?.[1]) {
      const presented = digest(match[1]);
      for (const d of digests) ok = timingSafeEqual(presented, d) || ok;
    }
    if (!ok) {
      c.header('WWW-Authenticate', 'Bearer realm="atelier"');
      return problem(c, 401, 'unauthorized', match ? 'The API key is not valid.' : 'Missing bearer API key.');
    }
    c.set('apiKeyId', digest(match![1]!).toString('hex').slice(0, 8));
    await next();
  };
}
