/** Deletion rule "hold": a customer deleted in Sage waits for a person, who decides through the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const ids: string[] = [];
beforeAll(async () => {
  h = await startSyncHarness({ env: { SYNC_DELETION_RULES: 'customer=hold' } });
  for (let i = 1; i <= 3; i++) ids.push(String(h.sage.direct.create('contacts', customerBody(i)).id));
});
afterAll(async () => {
  await h?.close();
});

describe('deletion held for a person', () => {
  it('keeps the HubSpot company, logs the deletion, and archives it once a person says so', async () => {
    await h.run({ mode: 'full', trigger: 'test' });
    const company = h.hubspot.findBy('companies', 'sage_id', ids[0]!)[0]!;
    h.sage.direct.delete('contacts', ids[0]!);
    await h.run({ mode: 'incremental', trigger: 'test' });
    await h.run({ mode: 'incremental', trigger: 'test' }); // a second run does not log it twice
    expect(h.hubspot.get('companies', company.id)).toBeDefined();
    const { conflicts } = (await (await h.call('/v1/sync/conflicts?status=held')).json()) as {
      conflicts: Array<{ id: number; field: string; sageId: string }>;
    };
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ field: '__deleted__', sageId: ids[0] });

    const bad = await h.call(`/v1/sync/conflicts/${conflicts[0]!.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'value', value: 'shred' }) });
    expect(bad.status).toBe(422);
    const ok = await h.call(`/v1/sync/conflicts/${conflicts[0]!.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'sage' }) });
    expect(ok.status).toBe(202);
    await h.client.workflow.getHandle(((await ok.json()) as { runId: string }).runId).result();
    expect(h.hubspot.get('companies', company.id)).toBeUndefined();
    const row = await h.t.db.selectFrom('sync_id_map').select('deletion').where('sage_id', '=', ids[0]!).executeTakeFirstOrThrow();
    expect(row.deletion).toBe('archived');
    expect(h.hubspot.objects('companies')).toHaveLength(2);
  }, 60_000);
});
