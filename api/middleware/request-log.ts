import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../core/logger.js';

/** One log line per request: id, method, path, status, duration. Never headers or bodies. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const status = c.res.status;
    const line = { reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status, ms, key: c.get('apiKeyId') };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
