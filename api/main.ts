/** API process: serves the Hono app on API_HOST:API_PORT; SIGINT / SIGTERM close it cleanly. */
import { serve } from '@hono/node-server';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { installProcessGuard } from '../core/process-guard.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { createDb } from '../db/client.js';
import { createApp } from './app.js';
import { businessMetrics } from './metrics/business.js';
import { apiRegistry, serveMetrics } from './metrics/server.js';

const config = loadConfig(process.env);
const logger = createLogger(config, 'api');
// An error nobody listens for (a client socket, a stray rejection) is logged, the API keeps serving.
installProcessGuard(logger);
if (config.API_KEYS.length === 0) logger.warn('API_KEYS is empty: only stored keys (npm run keys) are accepted on /v1');
const db = createDb(config);
const temporal = await connectTemporal(config);
// /metrics on its own port (API_METRICS_PORT, 0 = off), bound to METRICS_HOST: docs/metrics.md
const metrics = config.API_METRICS_PORT.from ? apiRegistry() : undefined;
const app = createApp({ config, db, temporal, logger, ...(metrics ? { metrics } : {}) });
const business = metrics && businessMetrics(metrics, db, { cacheMs: config.METRICS_CACHE_MS, timeoutMs: config.METRICS_DB_TIMEOUT_MS });
const metricsServer =
  metrics && business
    ? await serveMetrics({
        registry: metrics,
        host: config.METRICS_HOST,
        ports: config.API_METRICS_PORT,
        logger,
        beforeScrape: () => business.refresh(),
      })
    : undefined;

const server = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, (info) => {
  logger.info({ url: `http://${info.address}:${info.port}` }, 'api listening');
});

let closing = false;
const close = (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'api closing');
  // Drain: no new connections, idle keep-alive ones closed, requests in flight answered (up to
  // API_SHUTDOWN_GRACE_SECONDS, below the container's stop timeout), then the pools close.
  metricsServer?.server.close();
  server.close(
    () =>
      void (async () => {
        await Promise.allSettled([db.destroy(), temporal.connection.close()]);
        logger.info('api stopped');
        process.exit(0);
      })(),
  );
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  setTimeout(() => {
    logger.warn('api: requests still running at the end of the grace period; exiting');
    process.exit(0);
  }, config.API_SHUTDOWN_GRACE_SECONDS * 1000).unref();
};
process.on('SIGINT', () => close('SIGINT'));
process.on('SIGTERM', () => close('SIGTERM'));
