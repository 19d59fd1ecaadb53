/**
 * The HubSpot fake through the real `@hubspot/api-client` v13 (basePath pointed at the fake): what
 * the sync engine relies on must behave as HubSpot does.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@hubspot/api-client';
import { verifyHubSpotV3 } from '../../activities/sync/hubspot-signature.js';
import { startHubSpotFake, type HubSpotFake, type HubSpotWebhookEvent } from '../../sandbox/hubspot/index.js';

const SECRET = 'hubspot-app-secret-for-tests';
let fake: HubSpotFake;
let hs: Client;
let receiver: Server;
let hookUrl: string;
const received: Array<{ body: string; signature: string; timestamp: string; url: string }> = [];
let receiverFailures = 0;

type ApiError = { code: number; body: Record<string, unknown>; headers: Record<string, string> };
async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        body,
        url: req.url ?? '',
        signature: String(req.headers['x-hubspot-signature-v3']),
        timestamp: String(req.headers['x-hubspot-request-timestamp']),
      });
      res.statusCode = receiverFailures > 0 ? 500 : 204;
      if (receiverFailures > 0) receiverFailures--;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/v1/webhooks/hubspot`;
  fake = await startHubSpotFake({
    accessToken: 'pat-test-token',
    webhooks: { secret: SECRET, appId: 4242, batchDelayMs: 5, retryDelayMs: 10 },
  });
  hs = new Client({ accessToken: 'pat-test-token', basePath: fake.url });
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => fake.setRateLimit(undefined));

describe('HubSpot fake: properties and batch upsert', () => {
  it('creates sage_id as a unique property once; a second create is 409 OBJECT_ALREADY_EXISTS', async () => {
    const created = await hs.crm.properties.coreApi.create('companies', {
      name: 'sage_id',
      label: 'Sage id',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'companyinformation',
      hasUniqueValue: true,
    });
    expect(created.name).toBe('sage_id');
    expect(created.hasUniqueValue).toBe(true);
    const again = await failure(
      hs.crm.properties.coreApi.create('companies', {
        name: 'sage_id',
        label: 'Sage id',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'companyinformation',
        hasUniqueValue: true,
      }),
    );
    expect(again.code).toBe(409);
    expect(again.body.category).toBe('OBJECT_ALREADY_EXISTS');
    const all = await hs.crm.properties.coreApi.getAll('companies');
    expect(all.results.filter((p) => p.name === 'sage_id')).toHaveLength(1);
    const bad = await failure(
      hs.crm.properties.coreApi.create('companies', { name: 'Bad Name', label: 'x', type: 'string' as never, fieldType: 'text' as never, groupName: 'g' }),
    );
    expect(bad.code).toBe(400);
  });

  it('batch upsert by sage_id creates, then updates the same objects: never a duplicate', async () => {
    const inputs = (suffix: string) =>
      ['C001', 'C002', 'C003'].map((id) => ({ id, idProperty: 'sage_id', properties: { name: `Client ${id} ${suffix}`, city: 'Lyon' } }));
    const first = await hs.crm.companies.batchApi.upsert({ inputs: inputs('v1') });
    expect(first.status).toBe('COMPLETE');
    expect(first.results.map((r) => r._new)).toEqual([true, true, true]);
    expect(first.results.map((r) => r.properties.sage_id)).toEqual(['C001', 'C002', 'C003']);
    const ids = first.results.map((r) => r.id);
    const before = fake.get('companies', ids[0]!)!.properties.hs_lastmodifieddate!;
    await new Promise((r) => setTimeout(r, 5));

    const second = await hs.crm.companies.batchApi.upsert({ inputs: inputs('v2') });
    expect(second.results.map((r) => r._new)).toEqual([false, false, false]);
    expect(second.results.map((r) => r.id)).toEqual(ids);
    expect(fake.objects('companies').filter((c) => c.properties.sage_id?.startsWith('C00'))).toHaveLength(3);
    const after = fake.get('companies', ids[0]!)!;
    expect(after.properties.name).toBe('Client C001 v2');
    expect(Date.parse(after.properties.hs_lastmodifieddate!)).toBeGreaterThan(Date.parse(before));
    expect(after.updatedAt).toBe(after.properties.hs_lastmodifieddate);
  });

  it('a response lost after the write: the retried upsert finds the object (new: false)', async () => {
    fake.failNext({ path: '/batch/upsert', status: 502, afterApply: true });
    const input = { inputs: [{ id: 'C900', idProperty: 'sage_id', properties: { name: 'Lost response' } }] };
    const lost = await failure(hs.crm.companies.batchApi.upsert(input));
    expect(lost.code).toBe(502);
    const retry = await hs.crm.companies.batchApi.upsert(input);
    expect(retry.results[0]!._new).toBe(false);
    expect(fake.findBy('companies', 'sage_id', 'C900')).toHaveLength(1);
  });

  it('rejects bad input with 400 VALIDATION_ERROR and writes nothing', async () => {
    const count = fake.objects('companies').length;
    const unknown = await failure(hs.crm.companies.basicApi.create({ properties: { name: 'X', not_a_property: '1' }, associations: [] }));
    expect(unknown.code).toBe(400);
    expect(unknown.body.category).toBe('VALIDATION_ERROR');
    expect(String(unknown.body.message)).toContain('PROPERTY_DOESNT_EXIST');
    const nan = await failure(hs.crm.deals.basicApi.create({ properties: { dealname: 'D', amount: 'douze' }, associations: [] }));
    expect(nan.code).toBe(400);
    expect(String(nan.body.message)).toContain('INVALID_DECIMAL');
    const noIdProperty = await failure(hs.crm.companies.batchApi.upsert({ inputs: [{ id: 'C1', properties: { name: 'x' } }] }));
    expect(noIdProperty.code).toBe(400);
    const notUnique = await failure(hs.crm.companies.batchApi.upsert({ inputs: [{ id: 'Lyon', idProperty: 'city', properties: {} }] }));
    expect(notUnique.code).toBe(400);
    const dup = await failure(
      hs.crm.companies.batchApi.upsert({
        inputs: [
          { id: 'C500', idProperty: 'sage_id', properties: { name: 'a' } },
          { id: 'C500', idProperty: 'sage_id', properties: { name: 'b' } },
        ],
      }),
    );
    expect(dup.code).toBe(400);
    const tooMany = await failure(
      hs.crm.companies.batchApi.create({
        inputs: Array.from({ length: 101 }, (_, i) => ({ properties: { name: `n${i}` }, associations: [] })),
      }),
    );
    expect(tooMany.code).toBe(400);
    expect(String(tooMany.body.message)).toContain('100');
    expect(fake.objects('companies')).toHaveLength(count);
  });
});

describe('HubSpot fake: unique contact email', () => {
  it('a second contact with the same email (any case) is 409 CONFLICT naming the existing id', async () => {
    const a = await hs.crm.contacts.basicApi.create({ properties: { email: 'Marie@Exemple.fr', firstname: 'Marie' }, associations: [] });
    expect(a.properties.email).toBe('marie@exemple.fr');
    const b = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'marie@exemple.FR' }, associations: [] }));
    expect(b.code).toBe(409);
    expect(b.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${a.id}` });

    const batch = await failure(
      hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'paul@exemple.fr' }, associations: [] },
          { properties: { email: 'PAUL@exemple.fr' }, associations: [] },
        ],
      }),
    );
    expect(batch.code).toBe(409);
    expect(fake.findBy('contacts', 'email', 'paul@exemple.fr')).toHaveLength(0);

    const badEmail = await failure(hs.crm.contacts.basicApi.create({ properties: { email: 'not-an-email' }, associations: [] }));
    expect(badEmail.code).toBe(400);
    expect(String(badEmail.body.message)).toContain('INVALID_EMAIL');

    const upserted = await hs.crm.contacts.batchApi.upsert({ inputs: [{ id: 'marie@exemple.fr', idProperty: 'email', properties: { lastname: 'Curie' } }] });
    expect(upserted.results[0]).toMatchObject({ id: a.id, _new: false });
    await hs.crm.contacts.basicApi.archive(a.id);
    const reused = await hs.crm.contacts.basicApi.create({ properties: { email: 'marie@exemple.fr' }, associations: [] });
    expect(reused.id).not.toBe(a.id);
  });

  it("sage_id defined unique on contacts: updating one contact to another one's value is 409", async () => {
    fake.defineProperty('contacts', { name: 'sage_id', hasUniqueValue: true });
    const [x, y] = (
      await hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'x@exemple.fr', sage_id: 'S1' }, associations: [] },
          { properties: { email: 'y@exemple.fr', sage_id: 'S2' }, associations: [] },
        ],
      })
    ).results;
    const clash = await failure(hs.crm.contacts.basicApi.update(y!.id, { properties: { sage_id: 'S1' } }));
    expect(clash.code).toBe(409);
    expect(clash.body.category).toBe('CONFLICT');
    expect(String(clash.body.message)).toContain(x!.id);
    const byUnique = await hs.crm.contacts.basicApi.getById('S2', ['email'], undefined, undefined, false, 'sage_id');
    expect(byUnique.id).toBe(y!.id);
    const read = await hs.crm.contacts.batchApi.read({
      idProperty: 'sage_id',
      inputs: [{ id: 'S1' }, { id: 'S404' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.email)).toEqual(['x@exemple.fr']);
    expect((read as unknown as { errors: Array<{ category: string; context: { ids: string[] } }> }).errors[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      context: { ids: ['S404'] },
    });
  });
});

describe('HubSpot fake: search', () => {
  it('filters (EQ, IN, GT, HAS_PROPERTY), sorts and pages with the after cursor', async () => {
    const inputs = Array.from({ length: 250 }, (_, i) => ({
      properties: { dealname: `Devis ${String(i).padStart(3, '0')}`, amount: String(i * 10), ...(i % 2 === 0 ? { description: 'pair' } : {}) },
      associations: [],
    }));
    for (let i = 0; i < inputs.length; i += 100) await hs.crm.deals.batchApi.create({ inputs: inputs.slice(i, i + 100) });

    const names: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await hs.crm.deals.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GT' as never, value: '995' }] }],
        sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] as never,
        properties: ['dealname', 'amount'],
        limit: 100,
        ...(after ? { after } : {}),
      });
      expect(page.total).toBe(150);
      names.push(...page.results.map((r) => r.properties.dealname!));
      after = page.paging?.next?.after;
      pages++;
    } while (after);
    expect(pages).toBe(2);
    expect(names).toHaveLength(150);
    expect(new Set(names).size).toBe(150);
    expect(names[0]).toBe('Devis 249');
    expect(names.at(-1)).toBe('Devis 100');

    const inSet = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'IN' as never, values: ['Devis 001', 'Devis 002'] }] }],
      properties: ['dealname'],
      limit: 10,
    });
    expect(inSet.results.map((r) => r.properties.dealname).sort()).toEqual(['Devis 001', 'Devis 002']);
    const has = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'description', operator: 'HAS_PROPERTY' as never }] }],
      limit: 1,
    });
    expect(has.total).toBe(125);
    const or = await hs.crm.deals.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'dealname', operator: 'EQ' as never, value: 'Devis 007' }] },
        { filters: [{ propertyName: 'amount', operator: 'EQ' as never, value: '80' }] },
      ],
      limit: 10,
    });
    expect(or.total).toBe(2);

    const tooBig = await failure(hs.crm.deals.searchApi.doSearch({ limit: 201 }));
    expect(tooBig.code).toBe(400);
    const badOp = await failure(
      hs.crm.deals.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'ABOUT' as never, value: '1' }] }], limit: 1 }),
    );
    expect(badOp.code).toBe(400);
  });

  it('finds objects changed since a time by hs_lastmodifieddate GT (epoch ms)', async () => {
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const c = await hs.crm.companies.basicApi.create({ properties: { name: 'Changée' }, associations: [] });
    const r = await hs.crm.companies.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT' as never, value: String(t0) }] }],
      limit: 100,
    });
    expect(r.results.map((x) => x.id)).toEqual([c.id]);
  });
});

describe('HubSpot fake: associations v4', () => {
  it('associates by default (single and batch), reads them back from both sides', async () => {
    const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Duret' }, associations: [] });
    const [c1, c2] = (
      await hs.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'a1@duret.fr' }, associations: [] },
          { properties: { email: 'a2@duret.fr' }, associations: [] },
        ],
      })
    ).results;
    const one = await hs.crm.associations.v4.basicApi.createDefault('contacts', c1!.id, 'companies', company.id);
    expect(one.results[0]!.associationSpec.associationTypeId).toBe(279);
    const batch = await hs.crm.associations.v4.batchApi.create('contacts', 'companies', {
      inputs: [{ _from: { id: c2!.id }, to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }] }],
    });
    expect(batch.results).toHaveLength(1);
    const page = await hs.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts');
    expect(page.results.map((r) => String(r.toObjectId)).sort()).toEqual([c1!.id, c2!.id].sort());
    expect(page.results[0]!.associationTypes[0]!.typeId).toBe(280);
    const read = await hs.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: c1!.id }, { id: c2!.id }] });
    expect(read.results.map((r) => String(r.to[0]!.toObjectId))).toEqual([company.id, company.id]);
    expect(fake.associations('companies', company.id, 'contacts').sort()).toEqual([c1!.id, c2!.id].sort());

    const deal = await hs.crm.deals.basicApi.create({
      properties: { dealname: 'Devis Duret' },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 341 }] }],
    });
    expect(fake.associations('deals', deal.id, 'companies')).toEqual([company.id]);
    const missing = await failure(hs.crm.associations.v4.basicApi.createDefault('contacts', '999999', 'companies', company.id));
    expect(missing.code).toBe(404);

    const withAssoc = await hs.crm.companies.basicApi.getById(company.id, ['name'], undefined, ['contacts', 'deals']);
    expect(withAssoc.associations?.deals?.results.map((r) => r.id)).toEqual([deal.id]);
    expect(withAssoc.associations?.contacts?.results).toHaveLength(2);
    await hs.crm.associations.v4.basicApi.archive('contacts', c1!.id, 'companies', company.id);
    await hs.crm.associations.v4.batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: c2!.id }, to: [{ id: company.id }] }] });
    expect(fake.associations('companies', company.id, 'contacts')).toEqual([]);
  });

  it('serves invoices through the generic objects API (upsert by sage_id) and notifies them as object.* events', async () => {
    fake.defineProperty('invoices', { name: 'sage_id', hasUniqueValue: true });
    const log = fake.webhooks.log.length;
    const r = await hs.crm.objects.batchApi.upsert('invoices', {
      inputs: [{ id: 'SI-1', idProperty: 'sage_id', properties: { hs_currency: 'EUR', hs_amount_billed: '144.00', hs_invoice_status: 'open' } }],
    });
    expect(r.results[0]!._new).toBe(true);
    const again = await hs.crm.objects.batchApi.upsert('invoices', {
      inputs: [{ id: 'SI-1', idProperty: 'sage_id', properties: { hs_invoice_status: 'paid' } }],
    });
    expect(again.results[0]).toMatchObject({ id: r.results[0]!.id, _new: false });
    const got = await hs.crm.objects.basicApi.getById('invoices', r.results[0]!.id, ['hs_invoice_status', 'hs_amount_billed']);
    expect(got.properties).toMatchObject({ hs_invoice_status: 'paid', hs_amount_billed: '144.00' });
    const events = fake.webhooks.log.slice(log);
    expect(events[0]).toMatchObject({ subscriptionType: 'object.creation', objectTypeId: '0-53' });
    expect(events.some((e) => e.subscriptionType === 'object.propertyChange' && e.propertyName === 'hs_invoice_status' && e.propertyValue === 'paid')).toBe(
      true,
    );
  });
});

describe('HubSpot fake: rate limit', () => {
  it('answers 429 with Retry-After and the TEN_SECONDLY_ROLLING body past N requests per window, and counts them', async () => {
    fake.setRateLimit({ max: 4, windowMs: 1_000 });
    fake.resetStats();
    for (let i = 0; i < 4; i++) await hs.crm.companies.basicApi.getPage(1);
    const limited = await failure(hs.crm.companies.basicApi.getPage(1));
    expect(limited.code).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBe(1);
    expect(limited.headers['x-hubspot-ratelimit-max']).toBe('4');
    expect(limited.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(fake.stats()).toMatchObject({ requests: 5, throttled: 1 });
    expect(fake.stats().byRoute['GET /crm/v3/objects/companies']).toBe(5);
    await new Promise((r) => setTimeout(r, 1_050));
    await expect(hs.crm.companies.basicApi.getPage(1)).resolves.toBeDefined();
  });

  it('limits CRM search separately, per second, when asked to', async () => {
    const strict = await startHubSpotFake({ searchPerSecond: 2 });
    const client = new Client({ accessToken: 'any', basePath: strict.url });
    try {
      await client.crm.contacts.searchApi.doSearch({ limit: 1 });
      await client.crm.contacts.searchApi.doSearch({ limit: 1 });
      const e = await failure(client.crm.contacts.searchApi.doSearch({ limit: 1 }));
      expect(e.code).toBe(429);
      expect(e.body).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.' });
      await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    } finally {
      await strict.close();
    }
  });

  it('refuses a missing or wrong token with 401', async () => {
    const other = new Client({ accessToken: 'wrong', basePath: fake.url });
    const e = await failure(other.crm.companies.basicApi.getPage(1));
    expect(e.code).toBe(401);
    expect(e.body.category).toBe('INVALID_AUTHENTICATION');
  });
});

describe('HubSpot fake: webhooks', () => {
  it('sends v3-signed batches for UI and API changes; the signature verifies and a tampered one does not', async () => {
    received.length = 0;
    fake.webhooks.configure({ url: hookUrl });
    const company = fake.ui.create('companies', { name: 'Créée dans HubSpot' });
    fake.ui.update('companies', company.id, { phone: '+33 4 72 00 00 00' });
    await hs.crm.companies.basicApi.update(company.id, { properties: { city: 'Vienne' } });
    await fake.webhooks.flush();
    fake.webhooks.configure({ url: undefined });

    const events: HubSpotWebhookEvent[] = received.flatMap((r) => JSON.parse(r.body) as HubSpotWebhookEvent[]);
    expect(events.map((e) => [e.subscriptionType, e.propertyName ?? null, e.changeSource])).toEqual([
      ['company.creation', null, 'CRM_UI'],
      ['company.propertyChange', 'name', 'CRM_UI'],
      ['company.propertyChange', 'phone', 'CRM_UI'],
      ['company.propertyChange', 'city', 'INTEGRATION'],
    ]);
    expect(events.every((e) => e.objectId === Number(company.id) && e.portalId === 62_515)).toBe(true);
    expect(events.find((e) => e.changeSource === 'INTEGRATION')!.sourceId).toBe('4242');
    for (const r of received) {
      const ok = verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: r.body,
        signature: r.signature,
        timestamp: r.timestamp,
        nowMs: Date.now(),
      });
      expect(ok.ok).toBe(true);
      const tampered = verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: `${r.body} `,
        signature: r.signature,
        timestamp: r.timestamp,
        nowMs: Date.now(),
      });
      expect(tampered).toEqual({ ok: false, reason: 'mismatch' });
    }
  });

  it('retries a delivery the receiver refused, and can send a stale or badly signed request on demand', async () => {
    received.length = 0;
    receiverFailures = 1;
    fake.webhooks.configure({ url: hookUrl, maxAttempts: 2 });
    const c = fake.ui.create('tickets', { subject: 'Panne tableau électrique' });
    await fake.webhooks.flush();
    fake.webhooks.configure({ url: undefined });
    const attempts = fake.webhooks.deliveries.filter((d) => d.events.some((e) => e.objectId === Number(c.id)));
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [0, 500],
      [1, 204],
    ]);

    received.length = 0;
    const stale = Date.now() - 6 * 60 * 1000;
    const r = await fake.webhooks.send([{ eventId: 1 }], { url: hookUrl, timestamp: stale });
    expect(r.status).toBe(204);
    const got = received[0]!;
    expect(got.timestamp).toBe(String(stale));
    expect(
      verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: got.body,
        signature: got.signature,
        timestamp: got.timestamp,
        nowMs: Date.now(),
      }),
    ).toEqual({ ok: false, reason: 'stale' });
    await fake.webhooks.send([{ eventId: 2 }], { url: hookUrl, secret: 'not-the-secret' });
    const bad = received[1]!;
    expect(
      verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: bad.body,
        signature: bad.signature,
        timestamp: bad.timestamp,
        nowMs: Date.now(),
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });
});
