/**
 * The sync worker process killed with SIGKILL mid-batch, in each direction, then started again:
 *  - HubSpot -> Sage: companies becoming Sage customers while Sage answers slowly (429 +
 *    Retry-After), killed after some were created: the run completes with exactly one Sage
 *    customer per company (reference HS-<companyId>), each company and contact tagged once;
 *  - Sage -> HubSpot: a page of Sage customers (each with a second contact person) being written
 *    while HubSpot throttles, killed mid-page: one company per Sage customer, one contact per
 *    contact person, each associated once with its company, and nothing duplicated back in Sage;
 *  - HubSpot deals -> Sage quotes while Sage throttles, killed after some quotes were created:
 *    exactly one quote per deal (reference HS-DEAL-<dealId>), each deal tagged and associated once.
 * Real worker process (workers/main.ts), Temporal, PostgreSQL, `@hubspot/api-client` and the Sage
 * adapter against the stand-ins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig, type Config } from '../../core/config.js';
import { taskQueueFor } from '../../core/temporal.js';
import type { crmSync, CrmSyncStatus } from '../../workflows/sync.js';
import { freshDb, type TestDb } from '../support/db.js';
import { startHubSpotFake, type HubSpotFake } from '../../sandbox/hubspot/index.js';
import { startSageFake, type SageFake } from '../../sandbox/sage/index.js';
import type { PeerProcess } from '../../sandbox/concierge/process.js';
import { testClient, testEnv } from '../support/platform.js';
import { customerBody, HUBSPOT_TOKEN, syncEnv, until } from '../support/sync/harness.js';
import { killHard, startWorkerProcess, writeWorkflowBundle } from '../support/worker-process.js';

const COMPANIES = 24;
const CUSTOMERS = 60;
const DEALS = 12;

let t: TestDb;
let env: Record<string, string>;
let config: Config;
let client: Client;
let dir: string;
let bundlePath: string;
let hubspot: HubSpotFake;
let sage: SageFake;
const workers: PeerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-sigkill-'));
  t = await freshDb();
  [hubspot, sage] = await Promise.all([startHubSpotFake({ accessToken: HUBSPOT_TOKEN }), startSageFake()]);
  env = testEnv(t.url, { ...syncEnv(hubspot, sage), SYNC_PAGE_SIZE: '20', SAGE_MAX_429_RETRIES: '20' });
  config = loadConfig(env);
  client = await testClient(config);
  bundlePath = await writeWorkflowBundle(dir);
  workers.push(await startWorkerProcess({ env, families: ['sync'], bundlePath }));
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.stop();
  await client?.connection.close();
  await Promise.all([hubspot?.close(), sage?.close()]);
  await t?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const start = (id: string, mode: 'full' | 'incremental'): Promise<WorkflowHandle<typeof crmSync>> =>
  client.workflow.start<typeof crmSync>('crmSync', {
    workflowId: `${id}-${Date.now()}`,
    taskQueue: taskQueueFor('sync', config.TASK_QUEUE_PREFIX),
    args: [{ mode, trigger: 'test' }],
  });
const counts = <T>(xs: T[]) => [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>()).values()];

describe('sync worker process killed with SIGKILL mid-batch', () => {
  it('HubSpot -> Sage: one Sage customer per company, never two', async () => {
    const companies: string[] = [];
    for (let i = 1; i <= COMPANIES; i++) {
      const c = hubspot.ui.create('companies', { name: `Atelier ${i}`, lifecyclestage: 'customer', city: 'Lyon', zip: '69002', country: 'FR' });
      const p = hubspot.ui.create('contacts', { email: `atelier${i}@example.fr`, lastname: `Gérant ${i}` });
      hubspot.ui.associate('companies', c.id, 'contacts', p.id);
      companies.push(c.id);
    }
    const created = () => sage.list('contacts').filter((c) => String(c.reference).startsWith('HS-')).length;
    sage.setRateLimit({ max: 3, windowMs: 1500 });
    const run = await start('crash-to-sage', 'full');
    await until(created, (n) => n >= 3, 60_000, 20);
    await killHard(workers[0]!);
    const atKill = created();
    console.log(`[sync-sigkill] HubSpot -> Sage: killed with ${atKill}/${COMPANIES} Sage customers created`);
    expect(atKill).toBeLessThan(COMPANIES);
    sage.setRateLimit(undefined);
    workers.push(await startWorkerProcess({ env, families: ['sync'], bundlePath }));

    const result = await run.result();
    expect(result.phase).toBe('completed');
    const inSage = sage.list('contacts');
    expect(inSage).toHaveLength(COMPANIES);
    expect(new Set(inSage.map((c) => c.reference))).toEqual(new Set(companies.map((id) => `HS-${id}`)));
    for (const id of companies) {
      const sageId = String(inSage.find((c) => c.reference === `HS-${id}`)!.id);
      expect(hubspot.get('companies', id)!.properties.sage_id).toBe(sageId);
      expect(hubspot.associations('companies', id, 'contacts')).toHaveLength(1);
    }
    expect(hubspot.objects('companies')).toHaveLength(COMPANIES);
    expect(hubspot.objects('contacts')).toHaveLength(COMPANIES);
    const map = await t.db.selectFrom('sync_id_map').select(['hubspot_id', 'hubspot_contact_id']).where('entity', '=', 'customer').execute();
    expect(map).toHaveLength(COMPANIES);
    expect(new Set(map.map((r) => r.hubspot_id)).size).toBe(COMPANIES);
    expect(new Set(map.map((r) => r.hubspot_contact_id)).size).toBe(COMPANIES);
  }, 180_000);

  it('Sage -> HubSpot: one company per Sage customer, one contact per contact person, each associated once; nothing duplicated in Sage', async () => {
    const fresh: string[] = [];
    const persons: string[] = [];
    for (let i = 1; i <= CUSTOMERS; i++) {
      const c = sage.direct.create('contacts', customerBody(1000 + i));
      fresh.push(String(c.id));
      // each customer has a second contact person besides its main one
      const address = String((c.main_address as { id: string }).id);
      persons.push(String(sage.direct.create('contact_persons', { address_id: address, name: `Comptable ${i}`, email: `compta${1000 + i}@example.fr` }).id));
    }
    const before = sage.list('contacts').length;
    const run = await start('crash-to-hubspot', 'incremental');
    await until(
      () => run.query<CrmSyncStatus>('status'),
      (s) => s.phase === 'sage',
      30_000,
      10,
    );
    hubspot.setRateLimit({ max: 2, windowMs: 4000 });
    const companiesNow = () => hubspot.objects('companies').length;
    await until(() => hubspot.stats().throttled > 0, Boolean, 30_000, 20);
    await killHard(workers[workers.length - 1]!);
    const atKill = companiesNow() - COMPANIES;
    console.log(`[sync-sigkill] Sage -> HubSpot: killed with ${atKill}/${CUSTOMERS} companies written`);
    expect(atKill).toBeLessThan(CUSTOMERS);
    hubspot.setRateLimit(undefined);
    workers.push(await startWorkerProcess({ env, families: ['sync'], bundlePath }));

    const result = await run.result();
    expect(result.phase).toBe('completed');
    const companies = hubspot.objects('companies');
    expect(companies).toHaveLength(COMPANIES + CUSTOMERS);
    expect(counts(companies.map((c) => c.properties.sage_id)).every((n) => n === 1)).toBe(true);
    for (const id of fresh) expect(hubspot.findBy('companies', 'sage_id', id)).toHaveLength(1);
    const contacts = hubspot.objects('contacts');
    expect(contacts).toHaveLength(COMPANIES + 2 * CUSTOMERS);
    expect(counts(contacts.map((c) => c.properties.email)).every((n) => n === 1)).toBe(true);
    // every other contact person: one contact, associated with its own company only, once
    for (const [i, id] of persons.entries()) {
      const found = hubspot.findBy('contacts', 'sage_id', id);
      expect(found).toHaveLength(1);
      expect(hubspot.associations('contacts', found[0]!.id, 'companies')).toEqual([hubspot.findBy('companies', 'sage_id', fresh[i]!)[0]!.id]);
    }
    for (const id of fresh) expect(hubspot.associations('companies', hubspot.findBy('companies', 'sage_id', id)[0]!.id, 'contacts')).toHaveLength(2);
    expect(sage.list('contacts')).toHaveLength(before);
    const map = await t.db.selectFrom('sync_id_map').select('sage_id').where('entity', '=', 'customer').execute();
    expect(map).toHaveLength(COMPANIES + CUSTOMERS);
  }, 180_000);

  it('HubSpot deals -> Sage quotes: one quote per deal, never two', async () => {
    const linked = hubspot.objects('companies').slice(0, DEALS);
    const deals: string[] = [];
    for (const [i, c] of linked.entries()) {
      const d = hubspot.ui.create('deals', { dealname: `Projet ${i + 1}`, amount: String(500 + i), dealstage: 'contractsent' });
      hubspot.ui.associate('deals', d.id, 'companies', c.id);
      deals.push(d.id);
    }
    const quotes = () => sage.list('sales_quotes').filter((q) => String(q.reference).startsWith('HS-DEAL-'));
    sage.setRateLimit({ max: 3, windowMs: 1500 });
    const run = await start('crash-quotes', 'incremental');
    await until(
      () => quotes().length,
      (n) => n >= 3,
      90_000,
      20,
    );
    await killHard(workers[workers.length - 1]!);
    const atKill = quotes().length;
    console.log(`[sync-sigkill] deals -> quotes: killed with ${atKill}/${DEALS} Sage quotes created`);
    expect(atKill).toBeLessThan(DEALS);
    sage.setRateLimit(undefined);
    workers.push(await startWorkerProcess({ env, families: ['sync'], bundlePath }));

    expect((await run.result()).phase).toBe('completed');
    const made = quotes();
    expect(made).toHaveLength(DEALS);
    expect(new Set(made.map((q) => q.reference))).toEqual(new Set(deals.map((id) => `HS-DEAL-${id}`)));
    for (const [i, id] of deals.entries()) {
      const q = made.find((x) => x.reference === `HS-DEAL-${id}`)!;
      expect(hubspot.get('deals', id)!.properties.sage_id).toBe(String(q.id));
      expect((q.contact as { id: string }).id).toBe(linked[i]!.properties.sage_id);
      expect(hubspot.associations('deals', id, 'companies')).toEqual([linked[i]!.id]);
    }
    expect(hubspot.objects('deals')).toHaveLength(DEALS);
  }, 180_000);
});
