import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../core/timeout.js';

describe('withTimeout', () => {
  it('gives the value of work that settles in time, reports work that does not, and passes a rejection through', async () => {
    expect(await withTimeout(Promise.resolve(42), 1000)).toEqual({ done: true, value: 42 });
    expect(await withTimeout(new Promise<never>(() => {}), 5)).toEqual({ done: false });
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });

  it('handles a rejection that comes after the budget (no unhandled rejection)', async () => {
    let reject!: (e: Error) => void;
    const late = new Promise<never>((_, r) => (reject = r));
    expect(await withTimeout(late, 5)).toEqual({ done: false });
    reject(new Error('late'));
    await new Promise((r) => setImmediate(r));
  });
});
