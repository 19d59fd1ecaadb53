/**
 * A sync load that keeps two worker processes writing to HubSpot at once, so only the token bucket
 * in PostgreSQL keeps them under HubSpot's limit: Sage customers (each with a second contact
 * person) synced by several concurrent `records` runs over disjoint slices. Then what the HubSpot
 * stand-in saw: requests in its busiest rolling window, 429s, and every company, contact and
 * association once. Used by test/e2e/shared-limits-sigkill.test.ts and `npm run bench:scale`.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { taskQueueFor } from '../../../core/temporal.js';
import type { HubSpotFake } from '../../../sandbox/hubspot/index.js';
import type { SageFake } from '../../../sandbox/sage/index.js';
import type { crmSync } from '../../../workflows/sync.js';
import { maxPerWindow, repeated } from './measure.js';

export const HUBSPOT_WINDOW_MS = 10_000;

export interface SyncSeed {
  sageIds: string[];
  /** The e-mail addresses of their contact persons (each a HubSpot contact). */
  emails: Set<string>;
}

/** Creates `n` Sage customers numbered from `from`, each with a second contact person. */
export function seedCustomers(sage: SageFake, from: number, n: number): SyncSeed {
  const ids: string[] = [];
  const emails = new Set<string>();
  for (let i = from; i < from + n; i++) {
    const c = sage.direct.create('contacts', {
      name: `Client ${i} SARL`,
      reference: `L${String(i).padStart(6, '0')}`,
      contact_type_ids: ['CUSTOMER'],
      main_address: { address_line_1: `${i} rue du Quota`, city: 'Lyon', postal_code: '69002', country_id: 'FR' },
      main_contact_person: { name: `Contact ${i}`, email: `limits${i}@example.fr` },
      currency_id: 'EUR',
    });
    const address = String((c.main_address as { id: string }).id);
    sage.direct.create('contact_persons', { address_id: address, name: `Comptable ${i}`, email: `compta-limits${i}@example.fr` });
    ids.push(String(c.id));
    emails.add(`limits${i}@example.fr`).add(`compta-limits${i}@example.fr`);
  }
  return { sageIds: ids, emails };
}

/** One `records` run per slice of `perRun` customers, all started at once. */
export function startRecordSyncs(
  client: Client,
  taskQueuePrefix: string,
  sageIds: string[],
  perRun: number,
  tag: string,
): Promise<Array<WorkflowHandle<typeof crmSync>>> {
  const slices: string[][] = [];
  for (let i = 0; i < sageIds.length; i += perRun) slices.push(sageIds.slice(i, i + perRun));
  return Promise.all(
    slices.map((ids, k) =>
      client.workflow.start<typeof crmSync>('crmSync', {
        workflowId: `${tag}-records-${k}-${Date.now()}`,
        taskQueue: taskQueueFor('sync', taskQueuePrefix),
        args: [{ mode: 'records', trigger: 'test', records: ids.map((sageId) => ({ entity: 'customer' as const, sageId })) }],
      }),
    ),
  );
}

/** What the HubSpot stand-in received since its stats were reset: every request, 429s included. */
export function hubspotRate(hubspot: HubSpotFake) {
  const { log, throttled } = hubspot.stats();
  const ats = log.map((r) => r.at);
  const span = ats.length > 1 ? Math.max(...ats) - Math.min(...ats) : 0;
  return { requests: log.length, throttled, busiestWindow: maxPerWindow(ats, HUBSPOT_WINDOW_MS), spanMs: span };
}

/** Companies, contacts and associations on the stand-in for the seed; `duplicates` lists anything twice. */
export function hubspotOutcome(hubspot: HubSpotFake, seed: SyncSeed) {
  const { sageIds } = seed;
  const mine = new Set(sageIds);
  const companies = hubspot.objects('companies').filter((c) => mine.has(String(c.properties.sage_id)));
  const contacts = hubspot.objects('contacts').filter((c) => seed.emails.has(String(c.properties.email)));
  const associations = companies.map((c) => hubspot.associations('companies', c.id, 'contacts'));
  return {
    companies: companies.length,
    contacts: contacts.length,
    associations: associations.reduce((n, a) => n + a.length, 0),
    /** Companies not associated with exactly their two contacts. */
    misassociated: associations.filter((a) => a.length !== 2).length,
    missing: sageIds.filter((id) => !companies.some((c) => String(c.properties.sage_id) === id)).length,
    duplicates: [
      ...repeated(companies.map((c) => `company ${String(c.properties.sage_id)}`)),
      ...repeated(contacts.map((c) => `contact ${String(c.properties.email)}`)),
      ...associations.flatMap((a, i) => repeated(a).map(([id, n]) => [`association ${companies[i]!.id}-${id}`, n] as [string, number])),
    ],
  };
}
