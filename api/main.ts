/** API process: serves the Hono app on API_HOST:API_PORT; SIGINT / SIGTERM close it cleanly. */
import { serve } from '@hono/node-server';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { installProcessGuard } from '../core/process-guard.js';
import { connectTemporal } from '../core/temporal-connection.js';
import { createDb } from '../db/client.js';
import { createApp } from './app.js';

const config = loadConfig(process.env);
const logger = createLogger(config, 'api');
// An error nobody listens for (a client socket, a stray rejection) is logged, the API keeps serving.
installProcessGuard(logger);
if (config.API_KEYS.length === 0) logger.warn('API_KEYS is empty: every /v1 route will answer 401');
const db = createDb(config);
const temporal = await connectTemporal(config);
const app = createApp({ config, db, temporal, logger });

const server = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, (info) => {
  logger.info({ url: `http://${info.address}:${info.port}` }, 'api listening');
});

let closing = false;
const close = (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'api closing');
  server.close(async () => {
    await Promise.allSettled([db.destroy(), temporal.connection.close()]);
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on('SIGINT', () => close('SIGINT'));
process.on('SIGTERM', () => close('SIGTERM'));
