/**
 * Field mappings through the API: read, validated against the HubSpot stand-in's property
 * definitions and Sage's fields, previewed on sample records (dry run), saved as a new version
 * that the next run applies. Real Temporal, PostgreSQL, API over HTTP and the stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerBody, startSyncHarness, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
let sageId: string;
type MappingOut = { entity: string; version: number; source: string; fields: Array<Record<string, unknown>> };
const getCustomer = async () =>
  ((await (await h.call('/v1/sync/mappings')).json()) as { mappings: MappingOut[] }).mappings.find((m) => m.entity === 'customer')!;
const put = (body: unknown, dryRun = false) => h.call(`/v1/sync/mappings${dryRun ? '?dryRun=true' : ''}`, { method: 'PUT', body: JSON.stringify(body) });
const website = { field: 'website', sage: 'website', hubspot: 'domain', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' };

beforeAll(async () => {
  h = await startSyncHarness();
  sageId = String(h.sage.direct.create('contacts', customerBody(1, { website: 'atelier-durand.fr' })).id);
  await h.run({ mode: 'full', trigger: 'test' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('GET/PUT /v1/sync/mappings', () => {
  it("lists every entity's mapping in force with its version", async () => {
    const res = await h.call('/v1/sync/mappings');
    expect(res.status).toBe(200);
    const { mappings } = (await res.json()) as { mappings: MappingOut[] };
    expect(mappings.map((m) => m.entity)).toEqual(['customer', 'quote', 'invoice', 'intervention']);
    const c = mappings[0]!;
    expect(c).toMatchObject({ version: 1, source: 'built-in', primary: 'companies', secondary: 'contacts' });
    expect(c.fields.find((f) => f.field === 'email')).toMatchObject({
      sage: 'main_contact_person.email',
      object: 'contacts',
      hubspot: 'email',
      conflict: 'hold',
    });
  });

  it('refuses what HubSpot or Sage does not have, a read-only property, a stale version; 401 without a key', async () => {
    const c = await getCustomer();
    const n = c.fields.length;
    const paths = async (extra: unknown[]) => {
      const res = await put({ entity: 'customer', expectedVersion: 1, fields: [...c.fields, ...extra] });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return ((await res.json()) as { errors: Array<{ path: string; message: string }> }).errors.map((e) => e.path);
    };
    // Sage's fields and the transforms, checked first
    expect(
      await paths([
        { ...website, sage: 'shoe_size' },
        { ...website, field: 'z', sage: 'notes', hubspot: 'industry', transform: 'rot13' },
      ]),
    ).toEqual([`fields.${n}.sage`, `fields.${n + 1}.transform`]);
    // then against HubSpot's property definitions: a property it lacks, one it computes
    expect(
      await paths([
        { ...website, hubspot: 'no_such_property' },
        { ...website, field: 'y', sage: 'notes', hubspot: 'hs_lastmodifieddate' },
      ]),
    ).toEqual([`fields.${n}.hubspot`, `fields.${n + 1}.hubspot`]);
    expect((await put({ entity: 'customer', expectedVersion: 7, fields: c.fields })).status).toBe(409);
    expect((await put({ entity: 'nobody', expectedVersion: 1, fields: c.fields })).status).toBe(422);
    expect((await put({ entity: 'customer', expectedVersion: 1, fields: [] })).status).toBe(422);
    const anon = await fetch(`${h.apiBase}/v1/sync/mappings`);
    expect(anon.status).toBe(401);
    expect((await getCustomer()).version).toBe(1);
  });

  it('a dry run shows what would change on sample records and saves nothing', async () => {
    const c = await getCustomer();
    const res = await put({ entity: 'customer', expectedVersion: 1, fields: [...c.fields, website] }, true);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { applied: boolean; version: number; preview: Array<{ sageId: string; changes: Array<Record<string, unknown>> }> };
    expect(out).toMatchObject({ applied: false, version: 1 });
    expect(out.preview.find((p) => p.sageId === sageId)!.changes).toEqual([
      { object: 'companies', property: 'domain', before: null, after: 'atelier-durand.fr' },
    ]);
    expect((await getCustomer()).version).toBe(1);
    expect(h.hubspot.findBy('companies', 'sage_id', sageId)[0]!.properties.domain).toBeUndefined();
  });

  it('a saved version is in force from the next run, which re-syncs the records once', async () => {
    const c = await getCustomer();
    const res = await put({ entity: 'customer', expectedVersion: 1, fields: [...c.fields, website] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: true, version: 2 });
    expect(await getCustomer()).toMatchObject({ version: 2, source: 'api' });
    expect((await put({ entity: 'customer', expectedVersion: 1, fields: c.fields })).status).toBe(409);
    await h.run({ mode: 'incremental', trigger: 'test' });
    expect(h.hubspot.findBy('companies', 'sage_id', sageId)[0]!.properties.domain).toBe('atelier-durand.fr');
    const row = await h.t.db.selectFrom('sync_id_map').select('mapping_version').where('sage_id', '=', sageId).executeTakeFirstOrThrow();
    expect(row.mapping_version).toBe(2);
    expect(h.hubspot.objects('companies')).toHaveLength(1);
  }, 60_000);
});
