/**
 * The watches worker on its own, for `npm run bench:watches`: a separate process so its memory
 * (and its Chromium pool's) is measured apart from the bench's 200 fixture sites. Configured by
 * the environment like workers/main.ts; prints "ready" once polling, drains on SIGTERM.
 */
import { pino } from 'pino';
import { createBrowserPool } from '../../activities/shared/browser-pool.js';
import { createMailer } from '../../activities/shared/mail.js';
import { loadConfig } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import { createDb } from '../../db/client.js';
import { loadWorkflowBundle } from '../../workers/bundle.js';
import { startWorkers } from '../../workers/run.js';

const config = loadConfig(process.env);
const db = createDb(config);
const browserPool = createBrowserPool({ executablePath: config.CHROMIUM_PATH, size: config.WATCH_BROWSER_POOL_SIZE });
const workers = await startWorkers(
  { config, db, logger: pino({ level: 'silent' }), mailer: createMailer(config), browserPool },
  [{ family: 'watches', taskQueue: taskQueueFor('watches', config.TASK_QUEUE_PREFIX) }],
  await loadWorkflowBundle(config.WORKFLOW_BUNDLE_PATH),
);
process.stdout.write('ready\n');
process.once(
  'SIGTERM',
  () =>
    void (async () => {
      await workers.shutdown();
      await browserPool.close();
      await db.destroy();
      process.exit(0);
    })(),
);
