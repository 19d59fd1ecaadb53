/**
 * The one concurrency limiter: a counting semaphore (at most `size` holders at once, waiters served
 * in arrival order, a released slot handed straight to the next waiter so no newcomer overtakes it),
 * and `eachLimit` over a list on top of it. Pure: no I/O.
 *
 * Not p-limit: the watches fetcher holds a slot across several awaits and gives it back by hand
 * (`acquire()` / release), which p-limit's `limit(fn)` cannot express.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a semaphore needs at least one slot (got ${size})`);
  }

  /** Waits for a slot; answers its release (idempotent). */
  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiters.push(r));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }

  /** Runs `fn` holding a slot. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Slots held now (for tests and progress reports). */
  get holders(): number {
    return this.active;
  }
}

/** Runs `fn` over `items`, at most `limit` at once; rejects with the first failure. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const slots = new Semaphore(Math.max(1, limit));
  await Promise.all(items.map((item) => slots.use(() => fn(item))));
}
