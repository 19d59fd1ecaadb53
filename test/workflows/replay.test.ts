/**
 * Replays every recorded history of a released workflow against the current workflow code: a change
 * that would break running workflows (non-determinism) fails here. Every workflow type the workers
 * serve (the async functions workflows/index.ts exports) must have at least one recorded history,
 * and none may carry a secret. Record them with `npm run history:record` (scripts/record-history.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import * as workflows from '../../workflows/index.js';
import { findSecrets, historyText, HISTORIES_DIR } from '../../scripts/lib/histories.js';
import { OTHER_API_KEY, TEST_API_KEY, workflowBundle } from '../support/platform.js';
import { HUBSPOT_SECRET, HUBSPOT_TOKEN } from '../support/sync/harness.js';

type HistoryJson = { workflowId?: string; events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> };
const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (file: string) => JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as HistoryJson;
const typeOf = (json: HistoryJson) => json.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
/** The workflow types the bundle registers: every async function workflows/index.ts exports. */
const workflowTypes = Object.entries(workflows)
  .filter(([, v]) => typeof v === 'function' && v.constructor.name === 'AsyncFunction')
  .map(([name]) => name)
  .sort();

describe('replay of recorded histories', () => {
  it('has a recorded history for every workflow type', () => {
    expect(workflowTypes.length).toBeGreaterThanOrEqual(13);
    const recorded = new Set(files.map((f) => typeOf(read(f))));
    expect(
      workflowTypes.filter((t) => !recorded.has(t)),
      'workflow types without a recorded history (npm run history:record)',
    ).toEqual([]);
  });

  it('holds no secret in any history (payloads decoded)', () => {
    const known = [TEST_API_KEY, OTHER_API_KEY, HUBSPOT_TOKEN, HUBSPOT_SECRET, 'atelier-dev-webhook-secret'];
    const leaks = files.map((f) => [f, findSecrets(historyText(read(f)), known)] as const).filter(([, s]) => s.length > 0);
    expect(leaks).toEqual([]);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const json = read(file);
    const history = historyFromJSON(json);
    const bundle = await workflowBundle();
    // the recorded id (a workflow deriving child ids from its own replays only under it), else the file's name
    const workflowId = json.workflowId ?? file.replace(/\.json$/, '');
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).resolves.toBeUndefined();
  });

  it('catches a history the code no longer matches', async () => {
    const json = JSON.parse(readFileSync(join(HISTORIES_DIR, 'diagnostics-completed.json'), 'utf8'));
    // As if the released code had scheduled a different activity first.
    for (const e of json.events) {
      const attrs = e.activityTaskScheduledEventAttributes;
      if (attrs) attrs.activityType.name = 'someOtherActivity';
    }
    const bundle = await workflowBundle();
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, historyFromJSON(json), 'tampered')).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('finds a secret written into a payload', () => {
    const json = read('diagnostics-completed.json') as unknown as { events: Array<Record<string, { input?: { payloads: Array<{ data: string }> } }>> };
    const payload = json.events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads[0]!;
    payload.data = Buffer.from(JSON.stringify({ requestedBy: 'x', hubspotToken: HUBSPOT_TOKEN })).toString('base64');
    expect(findSecrets(historyText(json), [HUBSPOT_TOKEN])).not.toEqual([]);
    payload.data = Buffer.from(JSON.stringify({ apiKey: 'sk_test_0123456789abcdef' })).toString('base64');
    expect(findSecrets(historyText(json))).not.toEqual([]);
  });
});
