/**
 * Waiting at most a time budget for work that bounds or finishes itself (a statement_timeout, a
 * group-committed write, a pool connect): the caller stops waiting, the work is not cancelled, and
 * its late rejection is handled here. The one place the project races a timer; a Temporal call
 * uses a gRPC deadline instead (core/temporal-query.ts). Pure.
 */
export type Waited<T> = { done: true; value: T } | { done: false };

/** `work`'s value if it settles within `ms`, `{ done: false }` otherwise; a rejection within `ms` rejects. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<Waited<T>> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Waited<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value): Waited<T> => ({ done: true, value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}
