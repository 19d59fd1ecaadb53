/**
 * The launcher's wait before its banner (scripts/start.ts): every API port answers /healthz and a
 * worker of each group polls its first task queue, however long the first bundling takes.
 */
import type { Connection } from '@temporalio/client';
import { taskQueueFor, type Family } from '../../core/temporal.js';

export interface ReadyWait {
  ports: number[];
  /** Worker groups as the topology gives them ([[]] = one worker serving every queue). */
  groups: Family[][];
  namespace: string;
  taskQueuePrefix: string;
  /** When the workers were spawned: a poller seen before is an earlier run's. */
  spawnedAt: number;
  stopping: () => boolean;
  log: (m: string) => void;
}

/** Resolves once both are up, or when the launcher stops; a note every 30 s meanwhile. */
export async function waitUntilServing(probe: Connection, w: ReadyWait): Promise<void> {
  const probeQueues = (w.groups[0]!.length ? w.groups.map((g) => g[0]!) : (['platform'] as const)).map((f) => taskQueueFor(f, w.taskQueuePrefix));
  let apiUp = false;
  let workerUp = false;
  let nextNote = Date.now() + 30_000;
  while (!w.stopping() && !(apiUp && workerUp)) {
    apiUp ||= (
      await Promise.all(
        w.ports.map((p) =>
          fetch(`http://127.0.0.1:${p}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
    const polled = async (name: string) =>
      probe.workflowService.describeTaskQueue({ namespace: w.namespace, taskQueue: { name }, taskQueueType: 1 }).then(
        (r) => (r.pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= w.spawnedAt - 1000),
        () => false,
      );
    workerUp ||= (await Promise.all(probeQueues.map(polled))).every(Boolean);
    if (apiUp && workerUp) break;
    if (Date.now() > nextNote) {
      w.log(`still waiting for ${apiUp ? '' : 'the API '}${workerUp ? '' : 'the worker'}; see the logs above`);
      nextNote = Date.now() + 30_000;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
