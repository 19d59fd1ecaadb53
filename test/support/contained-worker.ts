/**
 * Test harness: a worker process set up as workers/main.ts sets itself up (process guard, the
 * activity containment interceptor of workers/run.ts), serving the platform queue, whose first
 * attempt of `checkDatabase` opens a socket to a closed port with no 'error' listener: the error
 * that crashed the whole worker in issue 10. Env: the worker's config + CLOSED_PORT.
 */
import net from 'node:net';
import { Context } from '@temporalio/activity';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { installProcessGuard } from '../../core/process-guard.js';
import { taskQueueFor } from '../../core/temporal.js';
import { createDb } from '../../db/client.js';
import { createMailer } from '../../activities/shared/mail.js';
import { createPlatformActivities } from '../../activities/platform/index.js';
import { loadWorkflowBundle } from '../../workers/bundle.js';
import { startWorkers } from '../../workers/run.js';

const config = loadConfig(process.env);
const logger = createLogger(config, 'worker');
installProcessGuard(logger);
const db = createDb(config);
const platform = createPlatformActivities({ db });
const activities = {
  ...platform,
  async checkDatabase() {
    if (Context.current().info.attempt === 1) {
      net.connect({ host: '127.0.0.1', port: Number(process.env.CLOSED_PORT) }); // no 'error' listener
      await new Promise(() => undefined); // only the guard can end this attempt
    }
    return platform.checkDatabase();
  },
};
const workers = await startWorkers(
  { config, db, logger, mailer: createMailer(config) },
  [{ family: 'platform', taskQueue: taskQueueFor('platform', config.TASK_QUEUE_PREFIX), activities }],
  await loadWorkflowBundle(config.WORKFLOW_BUNDLE_PATH),
);
logger.info('worker ready');
process.on('SIGTERM', () => void workers.shutdown().then(() => process.exit(0)));
