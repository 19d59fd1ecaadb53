/**
 * The sync end to end: real Temporal, real PostgreSQL, the real HubSpot SDK and Sage adapter
 * pointed at stateful fakes. The tests run in order on one pair of fakes (state carries over).
 *
 * One file on purpose (issue 17): the harness (worker, API, both fakes) is started once and loaded
 * with 1,000 customers, which the tests after the full load read and change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotEventsWorkflowId } from '../../workflows/sync.js';
import { ensureSyncSchedules } from '../../temporal-config/sync-schedules.js';
import { customerBody, startSyncHarness, until, type SyncHarness } from '../support/sync/harness.js';

let h: SyncHarness;
const N = 1000;
const sageIdOf = new Map<number, string>();

beforeAll(async () => {
  h = await startSyncHarness();
  for (let i = 1; i <= N; i++) {
    // customers 7 and 8 share one email (Sage allows it, HubSpot does not)
    const extra = i === 8 ? { main_contact_person: { name: 'Contact 8', email: 'client7@example.fr', telephone: '0123450808' } } : {};
    sageIdOf.set(i, String(h.sage.direct.create('contacts', customerBody(i, extra)).id));
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const companyOf = (i: number) => h.hubspot.findBy('companies', 'sage_id', sageIdOf.get(i)!)[0];
const contactsOf = (companyId: string) => h.hubspot.associations('companies', companyId, 'contacts');

describe('sync: Sage <-> HubSpot', () => {
  it('a webhook with a bad or stale signature answers 401 and signals nothing', async () => {
    const events = [
      {
        eventId: 9_000_001,
        subscriptionId: 1,
        portalId: 62515,
        appId: 1,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 1,
        propertyName: 'phone',
        propertyValue: 'x',
        changeSource: 'CRM_UI',
      },
    ];
    const bad = await h.hubspot.webhooks.send(events, { signature: Buffer.from('not the signature').toString('base64') });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body)).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    const stale = await h.hubspot.webhooks.send(events, { timestamp: Date.now() - 6 * 60_000 });
    expect(stale.status).toBe(401);
    const otherSecret = await h.hubspot.webhooks.send(events, { secret: 'another-app-secret' });
    expect(otherSecret.status).toBe(401);
    const none = await fetch(`${h.apiBase}/v1/webhooks/hubspot`, {
      method: 'POST',
      body: JSON.stringify(events),
      headers: { 'content-type': 'application/json' },
    });
    expect(none.status).toBe(401);
    const recorded = await h.t.db.selectFrom('webhook_events').selectAll().where('provider', '=', 'hubspot').execute();
    expect(recorded).toHaveLength(0);
    await expect(h.client.workflow.getHandle(hubspotEventsWorkflowId(h.config.TASK_QUEUE_PREFIX)).describe()).rejects.toThrow();
  });

  it('loads 1,000 customers with zero duplicates; two customers sharing an email get one contact', async () => {
    const res = await h.run({ mode: 'full', trigger: 'test' });
    expect(res.phase).toBe('completed');
    const companies = h.hubspot.objects('companies');
    expect(companies).toHaveLength(N);
    expect(new Set(companies.map((c) => c.properties.sage_id)).size).toBe(N);
    const contacts = h.hubspot.objects('contacts');
    expect(contacts).toHaveLength(N - 1);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(N - 1);
    // the company of customer 8 is linked to customer 7's contact
    const c7 = companyOf(7)!;
    const c8 = companyOf(8)!;
    expect(contactsOf(c8.id)).toEqual(contactsOf(c7.id));
    expect(contactsOf(c7.id)).toHaveLength(1);
    const dup = await h.t.db.selectFrom('sync_duplicates').selectAll().where('rule', '=', 'email').execute();
    expect(dup).toHaveLength(1);
    expect(dup[0]!.key).toBe('client7@example.fr');
    expect([...dup[0]!.sage_ids].sort()).toEqual([sageIdOf.get(7), sageIdOf.get(8)].sort());
    // the shared contact belongs to the group's owner
    expect(h.hubspot.get('contacts', contactsOf(c7.id)[0]!)!.properties.sage_id).toBe(dup[0]!.owner_sage_id);
    // the mapping as data: phone in E.164, country as ISO code, mapping version stored
    expect(h.hubspot.get('contacts', contactsOf(companyOf(12)!.id)[0]!)!.properties.phone).toMatch(/^\+33123451\d\d\d$/);
    expect(companyOf(12)!.properties).toMatchObject({ country: 'FR', city: 'Paris', zip: '75002', name: 'Client 12 SARL' });
    const map = await h.t.db
      .selectFrom('sync_id_map')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('entity', '=', 'customer')
      .where('mapping_version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Number(map.n)).toBe(N);
    // the report in PostgreSQL and through the API
    const runs = (await (await h.call('/v1/sync/runs')).json()) as { runs: Array<{ id: string; status: string }> };
    expect(runs.runs[0]!.status).toBe('completed');
    const run = (await (await h.call(`/v1/sync/runs/${runs.runs[0]!.id}`)).json()) as { report: Array<{ entity: string; direction: string; created: number }> };
    expect(run.report.find((r) => r.entity === 'customer' && r.direction === 'to_hubspot')!.created).toBe(N);
  }, 120_000);

  it('propagates a change made on each side, and does not read its own writes back as changes', async () => {
    h.sage.direct.update('contacts', sageIdOf.get(20)!, { main_address: { city: 'Lyon' } });
    const contactId = contactsOf(companyOf(21)!.id)[0]!;
    h.hubspot.ui.update('contacts', contactId, { phone: '+33 6 11 22 33 44' });
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(res.phase).toBe('completed');
    expect(companyOf(20)!.properties.city).toBe('Lyon');
    expect((h.sage.get('contacts', sageIdOf.get(21)!)!.main_contact_person as { telephone: string }).telephone).toBe('+33611223344');

    // A second run finds nothing to do: our writes on both sides are recognised by their hashes.
    const before = h.hubspot.stats().byRoute;
    const again = await h.run({ mode: 'incremental', trigger: 'test' });
    const report = again.report as Array<{ direction: string; created: number; updated: number }>;
    expect(report.reduce((s, r) => s + r.created + r.updated, 0)).toBe(0);
    const after = h.hubspot.stats().byRoute;
    expect(after['POST /crm/v3/objects/companies/batch/upsert']).toBe(before['POST /crm/v3/objects/companies/batch/upsert']);
  }, 60_000);

  it('both sides change the same field: the rule holds and the conflict is logged; a person resolves it', async () => {
    const company = companyOf(30)!;
    const contactId = contactsOf(company.id)[0]!;
    // email: rule "hold"; name: Sage owns it ("owner")
    h.sage.direct.update('contacts', sageIdOf.get(30)!, { name: 'Client 30 (Sage)', main_contact_person: { email: 'sage30@example.fr' } });
    h.hubspot.ui.update('contacts', contactId, { email: 'hubspot30@example.fr' });
    h.hubspot.ui.update('companies', company.id, { name: 'Client 30 (HubSpot)' });
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(res.phase).toBe('completed');

    expect(companyOf(30)!.properties.name).toBe('Client 30 (Sage)'); // owner wins
    expect(h.hubspot.get('contacts', contactId)!.properties.email).toBe('hubspot30@example.fr'); // held: untouched
    expect((h.sage.get('contacts', sageIdOf.get(30)!)!.main_contact_person as { email: string }).email).toBe('sage30@example.fr');

    const list = (await (await h.call('/v1/sync/conflicts?entity=customer')).json()) as {
      conflicts: Array<{ id: number; field: string; status: string; winner: string | null; rule: string; sage: unknown; hubspot: unknown }>;
    };
    const name = list.conflicts.find((c) => c.field === 'name')!;
    expect(name).toMatchObject({ status: 'auto', rule: 'owner', winner: 'sage', sage: 'Client 30 (Sage)', hubspot: 'Client 30 (HubSpot)' });
    const email = list.conflicts.find((c) => c.field === 'email')!;
    expect(email).toMatchObject({ status: 'held', rule: 'hold', winner: null, sage: 'sage30@example.fr', hubspot: 'hubspot30@example.fr' });

    // Running again neither logs it twice nor touches either side.
    await h.run({ mode: 'incremental', trigger: 'test' });
    const held = await h.t.db.selectFrom('sync_conflicts').selectAll().where('field', '=', 'email').where('sage_id', '=', sageIdOf.get(30)!).execute();
    expect(held).toHaveLength(1);

    // Bad inputs first: unknown conflict, bad body, an already automatic one.
    expect((await h.call('/v1/sync/conflicts/999999/resolve', { method: 'POST', body: JSON.stringify({ choice: 'sage' }) })).status).toBe(404);
    const bad = await h.call(`/v1/sync/conflicts/${email.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'value' }) });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await h.call(`/v1/sync/conflicts/${name.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'sage' }) })).status).toBe(409);

    const ok = await h.call(`/v1/sync/conflicts/${email.id}/resolve`, { method: 'POST', body: JSON.stringify({ choice: 'hubspot' }) });
    expect(ok.status).toBe(202);
    const { runId } = (await ok.json()) as { runId: string };
    await h.client.workflow.getHandle(runId).result();
    expect((h.sage.get('contacts', sageIdOf.get(30)!)!.main_contact_person as { email: string }).email).toBe('hubspot30@example.fr');
    const after = await h.t.db.selectFrom('sync_conflicts').select('status').where('id', '=', email.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('applied');
  }, 60_000);

  it('a customer deleted in Sage is archived in HubSpot (rule "archive"), never silently lost', async () => {
    const company = companyOf(40)!;
    h.sage.direct.delete('contacts', sageIdOf.get(40)!);
    await h.run({ mode: 'incremental', trigger: 'test' });
    expect(h.hubspot.get('companies', company.id)).toBeUndefined();
    expect(h.hubspot.objects('companies')).toHaveLength(N - 1);
    const row = await h.t.db
      .selectFrom('sync_id_map')
      .selectAll()
      .where('entity', '=', 'customer')
      .where('sage_id', '=', sageIdOf.get(40)!)
      .executeTakeFirstOrThrow();
    expect(row.deletion).toBe('archived');
    expect(row.deleted_at).not.toBeNull();
  }, 60_000);

  it('quotes become deals associated with their customer; a dry run reports without writing', async () => {
    const q = h.sage.direct.create('sales_quotes', {
      contact_id: sageIdOf.get(50),
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [{ description: 'Site vitrine', quantity: 1, unit_price: 1500 }],
    });
    const dry = await h.run({ mode: 'incremental', dryRun: true, trigger: 'test' });
    expect(h.hubspot.findBy('deals', 'sage_id', String(q.id))).toHaveLength(0);
    const dryReport = dry.report as Array<{ entity: string; direction: string; created: number }>;
    expect(dryReport.find((r) => r.entity === 'quote' && r.direction === 'to_hubspot')!.created).toBe(1);

    await h.run({ mode: 'incremental', trigger: 'test' });
    const deal = h.hubspot.findBy('deals', 'sage_id', String(q.id))[0]!;
    expect(deal.properties).toMatchObject({ dealstage: 'appointmentscheduled', deal_currency_code: 'EUR' });
    expect(Number(deal.properties.amount)).toBe(1800);
    expect(h.hubspot.associations('deals', deal.id, 'companies')).toEqual([companyOf(50)!.id]);

    // invoices become HubSpot invoice objects, Sage owning every field
    const inv = h.sage.direct.create('sales_invoices', {
      contact_id: sageIdOf.get(51),
      date: '2026-11-21',
      due_date: '2026-12-21',
      invoice_lines: [{ description: 'Maintenance', quantity: 2, unit_price: 50 }],
    });
    await h.run({ mode: 'incremental', trigger: 'test' });
    const invoice = h.hubspot.findBy('invoices', 'sage_id', String(inv.id))[0]!;
    expect(invoice.properties).toMatchObject({ hs_invoice_status: 'open', hs_currency: 'EUR', sage_invoice_number: String(inv.invoice_number) });
    expect(Number(invoice.properties.sage_total_amount)).toBe(120);
    expect(h.hubspot.associations('invoices', invoice.id, 'companies')).toEqual([companyOf(51)!.id]);
  }, 60_000);

  it('creates the schedules idempotently: Sage polled every few minutes, nightly full run at 02:00 Europe/Paris', async () => {
    const cfg = { taskQueuePrefix: h.config.TASK_QUEUE_PREFIX, pollMinutes: 5, nightlyCron: '0 2 * * *', timezone: 'Europe/Paris' };
    const first = await ensureSyncSchedules(h.client, cfg);
    expect(first.map((s) => s.outcome)).toEqual(['created', 'created']);
    const second = await ensureSyncSchedules(h.client, { ...cfg, pollMinutes: 3 });
    expect(second.map((s) => s.outcome)).toEqual(['updated', 'updated']);
    const poll = await h.client.schedule.getHandle(`${cfg.taskQueuePrefix}-sync-sage-poll`).describe();
    expect(poll.spec.intervals?.[0]?.every).toBe(180_000);
    const nightly = await h.client.schedule.getHandle(`${cfg.taskQueuePrefix}-sync-nightly`).describe();
    expect(nightly.spec.timezone).toBe('Europe/Paris');
    expect(nightly.action).toMatchObject({ workflowType: 'crmSync', args: [{ mode: 'full', trigger: 'nightly' }] });
    for (const id of ['sync-sage-poll', 'sync-nightly']) await h.client.schedule.getHandle(`${cfg.taskQueuePrefix}-${id}`).delete();
  });

  it('a change made in HubSpot reaches Sage through the signed webhook and the debounced batcher', async () => {
    const a = contactsOf(companyOf(60)!.id)[0]!;
    const b = contactsOf(companyOf(61)!.id)[0]!;
    h.hubspot.ui.update('contacts', a, { phone: '06 00 00 00 60' });
    h.hubspot.ui.update('contacts', b, { phone: '06 00 00 00 61' });
    const phoneOf = (i: number) => (h.sage.get('contacts', sageIdOf.get(i)!)!.main_contact_person as { telephone: string }).telephone;
    await until(
      () => [phoneOf(60), phoneOf(61)],
      (v) => v[0] === '+33600000060' && v[1] === '+33600000061',
      20_000,
    );
    expect(phoneOf(60)).toBe('+33600000060');
    expect(phoneOf(61)).toBe('+33600000061');
    // A replayed delivery is recorded once and signals nothing new.
    const deliveries = h.hubspot.webhooks.deliveries.filter((d) => d.status === 200);
    const replay = await h.hubspot.webhooks.send(deliveries[0]!.events);
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.body)).toMatchObject({ fresh: 0, signalled: 0 });
  }, 60_000);

  it('the worker stopped in the middle of a load, then restarted: no duplicate, nothing lost', async () => {
    for (let i = N + 1; i <= N + 600; i++) sageIdOf.set(i, String(h.sage.direct.create('contacts', customerBody(i)).id));
    h.hubspot.setRateLimit({ max: 40, windowMs: 1000 }); // slow enough to stop it mid-way
    const handle = await h.client.workflow.start('crmSync', {
      workflowId: `sync-test-crash-${Date.now()}`,
      taskQueue: `${h.config.TASK_QUEUE_PREFIX}-sync-v1`,
      args: [{ mode: 'full', trigger: 'test' }],
    });
    type Progress = { phase: string; processed: Record<string, number>; mode: string };
    // Sage lists newest first: the new customers come first; stop once a page of them is written
    const progress = await until(
      () => handle.query<Progress>('status'),
      (p) => (p.processed.customer ?? 0) >= 200,
      30_000,
      20,
    );
    expect(progress).toMatchObject({ phase: 'sage', mode: 'full' });
    expect(progress.processed.customer).toBeGreaterThanOrEqual(200);
    await h.workers.shutdown();
    const mid = h.hubspot.objects('companies').length;
    await h.restartWorkers();
    const res = (await handle.result()) as { phase: string };
    h.hubspot.setRateLimit(undefined);
    expect(res.phase).toBe('completed');
    expect(mid).toBeLessThan(N + 600 - 1);
    const companies = h.hubspot.objects('companies');
    expect(companies).toHaveLength(N - 1 + 600);
    expect(new Set(companies.map((c) => c.properties.sage_id)).size).toBe(companies.length);
    const rows = await h.t.db.selectFrom('sync_id_map').select('hubspot_id').where('entity', '=', 'customer').where('deleted_at', 'is', null).execute();
    expect(rows).toHaveLength(N - 1 + 600);
  }, 120_000);

  it('HubSpot answering 429: every call waits for Retry-After and the run slows down, never fails', async () => {
    for (let i = N + 601; i <= N + 750; i++) sageIdOf.set(i, String(h.sage.direct.create('contacts', customerBody(i)).id));
    h.hubspot.resetStats();
    h.hubspot.setRateLimit({ max: 8, windowMs: 1000 }); // far below the 190 / 10 s we were told
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    h.hubspot.setRateLimit(undefined);
    expect(res.phase).toBe('completed');
    expect(h.hubspot.stats().throttled).toBeGreaterThan(0);
    const companies = h.hubspot.objects('companies');
    expect(companies).toHaveLength(N - 1 + 750);
    expect(new Set(companies.map((c) => c.properties.sage_id)).size).toBe(companies.length);
    const bucket = await h.t.db.selectFrom('sync_rate_buckets').selectAll().where('name', '=', 'hubspot').executeTakeFirstOrThrow();
    expect(bucket.throttled).toBeGreaterThan(0);
    expect(bucket.day_used).toBeGreaterThan(0);
  }, 120_000);

  it('interventions recorded through the API become tickets on the customer’s company', async () => {
    const bad = await h.call('/v1/interventions', { method: 'POST', body: JSON.stringify({ customerSageId: '', subject: 'x', priority: 'URGENT' }) });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['customerSageId', 'priority']);
    expect((await h.call('/v1/interventions', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })).status).toBeGreaterThanOrEqual(
      400,
    );
    expect((await h.call('/v1/interventions', { method: 'POST', body: JSON.stringify({ customerSageId: 'x', subject: 'y' }), key: null })).status).toBe(401);

    const res = await h.call('/v1/interventions', {
      method: 'POST',
      body: JSON.stringify({
        customerSageId: sageIdOf.get(70),
        subject: 'Imprimante en panne',
        description: 'Bourrage papier',
        priority: 'HIGH',
        status: 'SCHEDULED',
        scheduledAt: '2026-11-25T09:00:00+01:00',
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; sageId: string };
    expect(created.sageId).toBe(`INT-${created.id}`);
    expect((await h.call(`/v1/interventions/${created.id}`)).status).toBe(200);
    expect((await h.call('/v1/interventions/999999')).status).toBe(404);
    const list = (await (await h.call(`/v1/interventions?customerSageId=${sageIdOf.get(70)}`)).json()) as { interventions: unknown[] };
    expect(list.interventions).toHaveLength(1);

    await h.run({ mode: 'incremental', trigger: 'test' });
    const ticket = h.hubspot.findBy('tickets', 'sage_id', created.sageId)[0]!;
    expect(ticket.properties).toMatchObject({ subject: 'Imprimante en panne', content: 'Bourrage papier', hs_ticket_priority: 'HIGH', hs_pipeline_stage: '2' });
    expect(h.hubspot.associations('tickets', ticket.id, 'companies')).toEqual([companyOf(70)!.id]);

    // the runs API: validation and not-found as problems
    expect((await h.call('/v1/sync/runs', { method: 'POST', body: JSON.stringify({ mode: 'sometimes' }) })).status).toBe(422);
    expect((await h.call('/v1/sync/runs/nope')).status).toBe(404);
    const started = await h.call('/v1/sync/runs', { method: 'POST', body: JSON.stringify({ mode: 'incremental', dryRun: true }) });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await h.client.workflow.getHandle(runId).result();
    const run = (await (await h.call(`/v1/sync/runs/${runId}`)).json()) as { status: string; dryRun: boolean };
    expect(run).toMatchObject({ status: 'completed', dryRun: true });
  }, 60_000);

  it('a contact HubSpot already had under a customer’s email is adopted, not duplicated', async () => {
    const existing = h.hubspot.ui.create('contacts', { email: 'deja.la@example.fr', firstname: 'Déjà', lastname: 'Là' });
    const id = String(
      h.sage.direct.create('contacts', customerBody(5000, { main_contact_person: { name: 'Déjà Là', email: 'deja.la@example.fr', telephone: '0145000000' } }))
        .id,
    );
    const before = h.hubspot.objects('contacts').length;
    const res = await h.run({ mode: 'incremental', trigger: 'test' });
    expect(res.phase).toBe('completed');
    expect(h.hubspot.objects('contacts')).toHaveLength(before);
    expect(h.hubspot.findBy('contacts', 'email', 'deja.la@example.fr')).toHaveLength(1);
    const contact = h.hubspot.get('contacts', existing.id)!;
    expect(contact.properties).toMatchObject({ sage_id: id, phone: '+33145000000' });
    const company = h.hubspot.findBy('companies', 'sage_id', id)[0]!;
    expect(h.hubspot.associations('companies', company.id, 'contacts')).toEqual([existing.id]);
    const dup = await h.t.db.selectFrom('sync_duplicates').selectAll().where('key', '=', 'hubspot:deja.la@example.fr').executeTakeFirstOrThrow();
    expect(dup.owner_sage_id).toBe(id);
    // nothing left to do on the next run
    const again = await h.run({ mode: 'incremental', trigger: 'test' });
    const report = again.report as Array<{ created: number; updated: number; errors: number }>;
    expect(report.reduce((s2, r) => s2 + r.created + r.updated + r.errors, 0)).toBe(0);
  }, 60_000);
});
