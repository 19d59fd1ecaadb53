import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, noCrashes, recordCrash } from '../../scripts/lib/backoff.js';

describe('launcher restart backoff', () => {
  it('doubles from 1 s to a 30 s cap while the child keeps crashing', () => {
    let rec = noCrashes();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const out = recordCrash(rec, 1_000_000 + i * 100_000, 2_000);
      rec = out.record;
      delays.push(out.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts again from 1 s after a run that stayed up a minute', () => {
    let rec = noCrashes();
    for (let i = 0; i < 4; i++) rec = recordCrash(rec, i * 1000, 500).record;
    expect(recordCrash(rec, 10_000, DEFAULT_BACKOFF.resetAfterMs).delayMs).toBe(1000);
    expect(recordCrash(rec, 10_000, DEFAULT_BACKOFF.resetAfterMs - 1).delayMs).toBe(16_000);
  });

  it('reports a crash loop at 5 exits within a minute, not for exits spread out', () => {
    let rec = noCrashes();
    const loops: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const out = recordCrash(rec, i * 5_000, 100);
      rec = out.record;
      loops.push(out.crashLoop);
    }
    expect(loops).toEqual([false, false, false, false, true]);
    let spread = noCrashes();
    let looped = false;
    for (let i = 0; i < 10; i++) {
      const out = recordCrash(spread, i * 61_000, 100);
      spread = out.record;
      looped ||= out.crashLoop;
    }
    expect(looped).toBe(false);
    expect(spread.recent).toHaveLength(1);
  });
});
