/**
 * Matching before creating, the applier's journal and failures with their cause, end to end:
 * real Temporal, PostgreSQL, `@hubspot/api-client` and the Sage adapter against the stateful fakes.
 * The tests run in order on one pair of fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireObject } from '../../sandbox/hubspot/index.js';
import { customerBody, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const sage = new Map<number, string>();
const pre: Record<string, WireObject> = {};

type RunDetail = {
  status: string;
  failure: { cause: string; entity: string | null; message: string } | null;
  error: string | null;
  report: Array<{ entity: string; direction: string; created: number; updated: number; conflicts: number; errors: number }>;
  failures: Array<{ entity: string; sageId: string; direction: string; cause: string; message: string }>;
};
const detail = async (runId: string) => (await (await h.call(`/v1/sync/runs/${runId}`)).json()) as RunDetail;
const startRun = async (body: Record<string, unknown>) =>
  ((await (await h.call('/v1/sync/runs', { method: 'POST', body: JSON.stringify(body) })).json()) as { runId: string }).runId;
const customerRow = (d: RunDetail) => d.report.find((r) => r.entity === 'customer' && r.direction === 'to_hubspot');
const companyOf = (i: number) => h.hubspot.findBy('companies', 'sage_id', sage.get(i)!);
const addCustomer = (i: number, extra: Record<string, unknown> = {}) => sage.set(i, String(h.sage.direct.create('contacts', customerBody(i, extra)).id));

beforeAll(async () => {
  h = await startSyncHarness({ hubspot: { properties: { companies: [{ name: 'vat_number', type: 'string' }] } } });
  // What people already made in HubSpot, without sage_id.
  pre.vat = h.hubspot.ui.create('companies', { name: 'Dupont (ancien nom)', vat_number: 'FR83404833048', zip: '31000' });
  pre.domain = h.hubspot.ui.create('companies', { name: 'Martin', domain: 'garage-martin.fr' });
  pre.roux1 = h.hubspot.ui.create('companies', { name: 'Plomberie Roux', zip: '13001' });
  pre.roux2 = h.hubspot.ui.create('companies', { name: 'PLOMBERIE ROUX', zip: '13001' });
  pre.other = h.hubspot.ui.create('companies', { name: 'Sans rapport', zip: '75002' });
  pre.contact = h.hubspot.ui.create('contacts', { email: 'client4@example.fr', firstname: 'Déjà là' });
  addCustomer(1, { name: 'Boulangerie Dupont SARL', tax_number: 'FR 83 404833048' });
  addCustomer(2, { name: 'Garage Martin SAS', website: 'https://www.Garage-Martin.fr/contact' });
  addCustomer(3, { name: 'Plomberie Roux SARL', main_address: { address_line_1: '3 quai', city: 'Marseille', postal_code: '13001', country_id: 'FR' } });
  addCustomer(4);
  addCustomer(5);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('matching before creating', () => {
  it('a dry run reports the adoptions and the held match, and writes nothing', async () => {
    const runId = await startRun({ mode: 'full', dryRun: true });
    await h.client.workflow.getHandle(runId).result();
    const row = customerRow(await detail(runId))!;
    expect(row).toMatchObject({ created: 2, updated: 2, conflicts: 1 });
    expect(h.hubspot.objects('companies')).toHaveLength(5);
    expect(h.hubspot.objects('companies').every((c) => !c.properties.sage_id)).toBe(true);
  }, 60_000);

  it('adopts a unique match by VAT, by domain, a contact by email; holds an ambiguous one with its candidates; never duplicates', async () => {
    const runId = await startRun({ mode: 'full' });
    await h.client.workflow.getHandle(runId).result();
    expect(companyOf(1).map((c) => c.id)).toEqual([pre.vat!.id]);
    expect(companyOf(2).map((c) => c.id)).toEqual([pre.domain!.id]);
    expect(companyOf(3)).toHaveLength(0);
    expect(companyOf(4)).toHaveLength(1);
    expect(companyOf(5)).toHaveLength(1);
    // 5 made by people + 2 created; Sage's name now on the adopted company (Sage owns it)
    expect(h.hubspot.objects('companies')).toHaveLength(7);
    expect(h.hubspot.get('companies', pre.vat!.id)!.properties).toMatchObject({ name: 'Boulangerie Dupont SARL', sage_id: sage.get(1) });
    expect(h.hubspot.get('companies', pre.other!.id)!.properties.sage_id).toBeUndefined();
    // the contact a person had made under customer 4's email is its contact now, linked to its company
    expect(h.hubspot.get('contacts', pre.contact!.id)!.properties.sage_id).toBe(sage.get(4));
    expect(h.hubspot.associations('companies', companyOf(4)[0]!.id, 'contacts')).toEqual([pre.contact!.id]);
    const emails = h.hubspot.objects('contacts').map((c) => c.properties.email);
    expect(new Set(emails).size).toBe(emails.length);
    const d = await detail(runId);
    expect(customerRow(d)).toMatchObject({ created: 2, updated: 2, conflicts: 1, errors: 0 });
    const { conflicts } = (await (await h.call('/v1/sync/conflicts?status=held')).json()) as {
      conflicts: Array<{ id: number; field: string; sageId: string; hubspot: { rule: string; candidates: Array<{ id: string }> } }>;
    };
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ field: '__match__', sageId: sage.get(3), hubspot: { rule: 'name+postcode' } });
    expect(conflicts[0]!.hubspot.candidates.map((c) => c.id).sort()).toEqual([pre.roux1!.id, pre.roux2!.id].sort());
    // a second run logs it once and still creates nothing for it
    await h.run({ mode: 'full', trigger: 'test' });
    expect(h.hubspot.objects('companies')).toHaveLength(7);
    const again = (await (await h.call('/v1/sync/conflicts?status=held')).json()) as { conflicts: unknown[] };
    expect(again.conflicts).toHaveLength(1);
  }, 60_000);

  it('a person picks the candidate: it is adopted, the other left alone', async () => {
    const { conflicts } = (await (await h.call('/v1/sync/conflicts?status=held')).json()) as { conflicts: Array<{ id: number }> };
    const bad = await h.call(`/v1/sync/conflicts/${conflicts[0]!.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ choice: 'value', value: pre.other!.id }),
    });
    expect(bad.status).toBe(422);
    const ok = await h.call(`/v1/sync/conflicts/${conflicts[0]!.id}/resolve`, {
      method: 'POST',
      body: JSON.stringify({ choice: 'value', value: pre.roux2!.id }),
    });
    expect(ok.status).toBe(202);
    await h.client.workflow.getHandle(((await ok.json()) as { runId: string }).runId).result();
    expect(companyOf(3).map((c) => c.id)).toEqual([pre.roux2!.id]);
    expect(h.hubspot.get('companies', pre.roux1!.id)!.properties.sage_id).toBeUndefined();
    expect(h.hubspot.objects('companies')).toHaveLength(7);
    const applied = await h.t.db.selectFrom('sync_conflicts').select('status').where('field', '=', '__match__').executeTakeFirstOrThrow();
    expect(applied.status).toBe('applied');
  }, 60_000);
});

describe('the applier', () => {
  it('a page retried after a failed step skips the writes its journal holds', async () => {
    addCustomer(6);
    h.hubspot.resetStats();
    // the association call fails past the gateway's retries: the activity fails after both upserts
    h.hubspot.failNext({ path: '/crm/v4/associations/contacts/companies/batch', status: 503, count: 5 });
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(res.phase).toBe('completed');
    const by = h.hubspot.stats().byRoute;
    expect(by['POST /crm/v3/objects/companies/batch/upsert']).toBe(1);
    expect(by['POST /crm/v3/objects/contacts/batch/upsert']).toBe(1);
    expect(companyOf(6)).toHaveLength(1);
    expect(h.hubspot.associations('companies', companyOf(6)[0]!.id, 'contacts')).toHaveLength(1);
    const left = await h.t.db.selectFrom('sync_record_writes').selectAll().execute();
    expect(left).toHaveLength(0);
  }, 60_000);

  it('a record HubSpot refuses is reported with its cause and entity; the others are written', async () => {
    addCustomer(7);
    h.hubspot.failNext({
      path: '/crm/v3/objects/companies/batch/upsert',
      status: 400,
      body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid: [{"name":"zip"}]', correlationId: 'c1' },
    });
    const runId = await startRun({ mode: 'incremental' });
    await h.client.workflow.getHandle(runId).result();
    const d = await detail(runId);
    expect(d.status).toBe('completed');
    expect(d.failures).toEqual([
      expect.objectContaining({ entity: 'customer', sageId: sage.get(7), direction: 'to_hubspot', cause: 'hubspot:VALIDATION_ERROR' }),
    ]);
    expect(customerRow(d)!.errors).toBe(1);
    await h.run({ mode: 'full', trigger: 'test' });
    expect(companyOf(7)).toHaveLength(1);
  }, 60_000);

  it('a run HubSpot refuses (401) fails with the cause and the entity, not "Activity task failed"', async () => {
    addCustomer(8);
    h.hubspot.failNext({
      path: '/crm/v3/objects/companies/batch/upsert',
      status: 401,
      body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'Authentication credentials not found.', correlationId: 'c2' },
    });
    const runId = await startRun({ mode: 'incremental' });
    await expect(h.client.workflow.getHandle(runId).result()).rejects.toThrow();
    const d = await detail(runId);
    expect(d.status).toBe('failed');
    expect(d.failure).toMatchObject({ cause: 'HubSpotUnauthorized', entity: 'customer' });
    expect(d.failure!.message).toContain('401');
    expect(d.error).toMatch(/^HubSpotUnauthorized \(customer\): /);
    expect(d.error).not.toContain('Activity task failed');
  }, 60_000);
});
