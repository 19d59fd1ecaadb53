/**
 * The running activity's cancellation signal, for fetches and browser pages. Temporal delivers a
 * workflow's cancellation to an activity only through its heartbeats, so the signal fires on a
 * cancel for activities that heartbeat, and on worker shutdown for every activity. Undefined
 * outside an activity (benchmarks, tests calling the functions directly).
 */
import { Context } from '@temporalio/activity';

export function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
