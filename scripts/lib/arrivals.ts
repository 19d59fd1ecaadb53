/**
 * A list of things a test peer receives (mails, webhooks) that a test can wait on: `waitFor(n)`
 * resolves once `n` matching items have arrived, or rejects after the timeout naming what came.
 */
export interface Arrivals<T> {
  items: T[];
  push(item: T): void;
  waitFor(count: number, filter?: (item: T) => boolean, timeoutMs?: number): Promise<T[]>;
}

export function createArrivals<T>(noun: string): Arrivals<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  return {
    items,
    push(item) {
      items.push(item);
      for (const w of waiters) w();
    },
    waitFor(count, filter = () => true, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = items.filter(filter);
          if (found.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} ${noun}(s), got ${items.filter(filter).length} after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
