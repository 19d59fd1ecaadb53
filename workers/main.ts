/**
 * Worker process. With no WORKER_QUEUES it serves every family's task queue (dev); set
 * WORKER_QUEUES=audits (or a comma list) to run one family per process and scale them apart.
 * SIGINT / SIGTERM drain running tasks and exit.
 */
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { installProcessGuard } from '../core/process-guard.js';
import { FAMILIES, taskQueueFor } from '../core/temporal.js';
import { createDb } from '../db/client.js';
import { createMailer } from '../activities/shared/mail.js';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { loadWorkflowBundle } from './bundle.js';
import { startWorkers } from './run.js';
import { BROWSER_FAMILIES } from './activities.js';
import { metricsTelemetry } from './metrics.js';
import { firstFreePort } from '../core/free-port.js';

const config = loadConfig(process.env);
const logger = createLogger(config, 'worker');
// An uncaught error fails the one activity it came from and the process keeps serving; only the
// SDK's own fatal error (workers.done rejecting, below) exits, for the supervisor to restart us.
installProcessGuard(logger);
// The SDK's own logs (worker state, workflow and activity logs) go through pino as well.
const families = config.WORKER_QUEUES.length ? config.WORKER_QUEUES : [...FAMILIES];
// The SDK's Prometheus metrics on the first free port of WORKER_METRICS_PORT (docs/metrics.md).
const metricsPort = await firstFreePort(config.METRICS_HOST, config.WORKER_METRICS_PORT);
if (config.WORKER_METRICS_PORT.from && !metricsPort)
  logger.error({ range: config.WORKER_METRICS_PORT }, 'no free metrics port in WORKER_METRICS_PORT: serving without /metrics');
const sdkLevel: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
Runtime.install({
  logger: new DefaultLogger(config.LOG_LEVEL === 'info' ? 'WARN' : sdkLevel[config.LOG_LEVEL], (entry) => {
    const level =
      entry.level === 'TRACE' ? 'trace' : entry.level === 'DEBUG' ? 'debug' : entry.level === 'INFO' ? 'info' : entry.level === 'WARN' ? 'warn' : 'error';
    logger[level]({ sdk: true, ...entry.meta }, entry.message);
  }),
  ...(metricsPort ? { telemetryOptions: metricsTelemetry(config.METRICS_HOST, metricsPort, families) } : {}),
});
if (metricsPort) logger.info({ url: `http://${config.METRICS_HOST}:${metricsPort}/metrics` }, 'metrics listening');
const db = createDb(config);
const mailer = createMailer(config);
// The browser pool (Playwright) is loaded only by a process serving a family that renders pages.
const browserPool = families.some((f) => BROWSER_FAMILIES.includes(f))
  ? (await import('../activities/shared/browser-pool.js')).createBrowserPool({ executablePath: config.CHROMIUM_PATH, size: config.WATCH_BROWSER_POOL_SIZE })
  : undefined;

const bundle = await loadWorkflowBundle(config.WORKFLOW_BUNDLE_PATH);
const workers = await startWorkers(
  { config, db, logger, mailer, browserPool },
  families.map((family) => ({ family, taskQueue: taskQueueFor(family, config.TASK_QUEUE_PREFIX) })),
  bundle,
);
logger.info({ families }, 'worker ready');

let exiting = false;
const stop = async (signal: string) => {
  if (exiting) return;
  exiting = true;
  logger.info({ signal }, 'worker draining');
  await workers.shutdown();
  await db.destroy();
  mailer.close();
  await browserPool?.close();
  logger.info('worker stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
workers.done.catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
