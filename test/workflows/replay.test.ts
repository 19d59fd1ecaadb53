/**
 * Replays every recorded history of a released workflow against the current workflow code: a change
 * that would break running workflows (non-determinism) fails here. Record new histories with
 * `npm run history:record`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { workflowBundle } from '../support/platform.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const bundle = await workflowBundle();
    const workflowId = file.replace(/\.json$/, '');
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).resolves.toBeUndefined();
  });

  it('catches a history the code no longer matches', async () => {
    const json = JSON.parse(readFileSync(join(dir, 'diagnostics-completed.json'), 'utf8'));
    // As if the released code had scheduled a different activity first.
    for (const e of json.events) {
      const attrs = e.activityTaskScheduledEventAttributes;
      if (attrs) attrs.activityType.name = 'someOtherActivity';
    }
    const bundle = await workflowBundle();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(json), 'tampered')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
