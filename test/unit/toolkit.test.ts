/** The shared toolkit's pure pieces: the limiter, the Retry-After parser, HTML escaping. */
import { describe, expect, it } from 'vitest';
import { eachLimit, Semaphore } from '../../core/semaphore.js';
import { retryAfterMs } from '../../core/retry-after.js';
import { html, htmlString, raw } from '../../core/html.js';

const tick = () => new Promise<void>((r) => setImmediate(r));
function gate() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve: () => resolve() };
}

describe('Semaphore', () => {
  it('never lets more than `size` hold a slot, and serves waiters in arrival order', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    let inside = 0;
    let most = 0;
    const gates = Array.from({ length: 5 }, gate);
    const runs = gates.map((g, i) =>
      s.use(async () => {
        inside++;
        most = Math.max(most, inside);
        order.push(i);
        await g.promise;
        inside--;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    gates[1]!.resolve();
    await tick();
    expect(order).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(s.holders).toBe(0);
  });

  it('hands a released slot to the waiter, not to a newcomer', async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    const got: string[] = [];
    const waiter = s.acquire().then((r) => (got.push('waiter'), r));
    release();
    release(); // idempotent: a second call frees nothing
    const late = s.acquire().then((r) => (got.push('late'), r));
    (await waiter)();
    (await late)();
    expect(got).toEqual(['waiter', 'late']);
    expect(s.holders).toBe(0);
  });

  it('eachLimit runs every item at most `limit` at once and rejects with a failure', async () => {
    let inside = 0;
    let most = 0;
    const seen: number[] = [];
    await eachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inside++;
      most = Math.max(most, inside);
      await tick();
      seen.push(n);
      inside--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    await expect(
      eachLimit([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('retryAfterMs', () => {
  it('reads delta seconds (fractions rounded up) and HTTP dates; null when absent or unreadable', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 2 ')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('0.0004')).toBe(1);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(new Date(1_000).toUTCString(), 4000)).toBe(0);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs('-1')).toBeNull();
    expect(retryAfterMs('')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

describe('html', () => {
  it('escapes every interpolated value, nested templates and raw() excepted', () => {
    expect(htmlString(html`${`<a href="x">Tom & Jerry's</a>`}`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    const name = '<script>alert(1)</script>';
    const row = html`<td>${name}</td>`;
    const page = html`<table title="${'"quoted"'}">${[row, row]}${raw('<tr></tr>')}${null}${3}</table>`;
    expect(htmlString(page)).toBe(
      '<table title="&quot;quoted&quot;"><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><tr></tr>3</table>',
    );
    expect(() => htmlString(Promise.resolve(raw('x')))).toThrow(TypeError);
  });
});
