/** Who holds a sweep's lease, and its heartbeat: the running activity's identity and progress. */
import { Context } from '@temporalio/activity';

/** The activity, the same across its retries (a retry takes over what its predecessor left leased). */
export function activityOwner(): string {
  try {
    const { workflowExecution, activityId } = Context.current().info;
    return `${workflowExecution?.workflowId ?? 'standalone'}/${workflowExecution?.runId ?? ''}/${activityId}`;
  } catch {
    return `local/${process.pid}/${Date.now()}`;
  }
}

/** Heartbeats the running activity; outside one (benchmarks, tests) there is nothing to report to. */
export function activityHeartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not in an activity
  }
}
