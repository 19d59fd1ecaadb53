/** Changes to a running monitor's configuration, and their validation (the workflow's update validator). Pure. */
import { THRESHOLD_BOUNDS, type Thresholds } from '../../../core/contracts/monitors.js';

export interface MonitorConfigPatch {
  intervalSeconds?: number;
  thresholds?: Partial<Thresholds>;
  paused?: boolean;
}

/** Throws when the patch is not acceptable: the update validator, and a guard for the handler. */
export function validatePatch(patch: MonitorConfigPatch, bounds: [number, number]): void {
  if (typeof patch !== 'object' || patch === null) throw new Error('the patch must be an object');
  for (const k of Object.keys(patch)) {
    if (!['intervalSeconds', 'thresholds', 'paused'].includes(k)) throw new Error(`unknown field ${k}`);
  }
  if (patch.intervalSeconds !== undefined) {
    const v = patch.intervalSeconds;
    if (!Number.isInteger(v) || v < bounds[0] || v > bounds[1]) throw new Error(`intervalSeconds must be an integer in [${bounds[0]}, ${bounds[1]}]`);
  }
  if (patch.paused !== undefined && typeof patch.paused !== 'boolean') throw new Error('paused must be a boolean');
  for (const [k, v] of Object.entries(patch.thresholds ?? {})) {
    const range = THRESHOLD_BOUNDS[k as keyof Thresholds];
    if (!range) throw new Error(`unknown threshold ${k}`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
      throw new Error(`thresholds.${k} must be an integer in [${range[0]}, ${range[1]}]`);
    }
  }
}
