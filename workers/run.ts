import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { connectionOptions } from '../core/temporal-connection.js';
import { contain } from '../core/process-guard.js';
import type { Family } from '../core/temporal.js';
import { activitiesFor, type WorkerDeps } from './activities.js';

export interface QueueAssignment {
  family: Family;
  taskQueue: string;
  /** Activities to serve instead of the family's own (tests that serve every family on one queue). */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

export interface RunningWorkers {
  /** Settles when every worker has stopped; rejects if one fails. */
  done: Promise<void>;
  /** Stops polling, lets running tasks finish, closes the connection. */
  shutdown(): Promise<void>;
}

export async function startWorkers(
  deps: WorkerDeps,
  queues: QueueAssignment[],
  workflowBundle: WorkflowBundle | { codePath: string },
): Promise<RunningWorkers> {
  const { config, logger } = deps;
  const { address, tls, apiKey } = connectionOptions(config);
  const connection = await NativeConnection.connect({ address, tls, apiKey });
  const workers = await Promise.all(
    queues.map(async (q) =>
      Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: q.taskQueue,
        workflowBundle,
        activities: q.activities ?? (await activitiesFor(q.family, deps)),
        // below the container's stop timeout (compose stop_grace_period), so a drain is never cut short by SIGKILL
        shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
        // activities that ignore their cancellation do not hold the process past grace + 10 s
        shutdownForceTime: (config.WORKER_SHUTDOWN_GRACE_SECONDS + 10) * 1000,
        // An error left uncaught inside an activity (a socket with no 'error' listener) fails that
        // activity, not the process (core/process-guard.ts).
        interceptors: {
          activity: [
            (ctx) => ({
              inbound: {
                execute: (input, next) =>
                  contain(`${ctx.info.activityType} (${ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId})`, () => next(input)),
              },
            }),
          ],
        },
      }),
    ),
  );
  for (const q of queues) logger.info({ taskQueue: q.taskQueue, family: q.family }, 'worker polling');
  const done = Promise.all(workers.map((w) => w.run())).then(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    done,
    shutdown() {
      stopping ??= (async () => {
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await done.catch(() => undefined);
        await connection.close();
      })();
      return stopping;
    },
  };
}
