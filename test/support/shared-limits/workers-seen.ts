/**
 * Which worker process ran each activity of some workflows (the identity, `<pid>@<host>`, Temporal
 * records when an activity's final attempt started): evidence that both processes did the work.
 */
import type { WorkflowHandle } from '@temporalio/client';

/** [workflow id, worker identity] for every `activity` task of the workflows (final attempts). */
export async function activityWorkers(handles: WorkflowHandle[], activity: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const h of handles) {
    const events = (await h.fetchHistory()).events ?? [];
    const scheduled = new Set<string>();
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === activity) scheduled.add(String(e.eventId));
      const started = e.activityTaskStartedEventAttributes;
      if (started && scheduled.has(String(started.scheduledEventId))) out.push([h.workflowId, started.identity ?? '?']);
    }
  }
  return out;
}
