/** Temporal Schedules the platform keeps: the one create-or-update. */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/** Creates a schedule, or updates it to `opts` (spec, action, policies) when it already exists. */
export async function upsertSchedule(client: Client, opts: ScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create(opts);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(opts.scheduleId).update((prev) => ({
      ...prev,
      spec: opts.spec,
      action: opts.action,
      policies: { ...prev.policies, ...opts.policies },
    }));
    return 'updated';
  }
}
