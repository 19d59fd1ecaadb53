/**
 * The Sage adapter reads a customer's contact persons whether Sage embeds them in the contact's
 * full representation (the stand-in's default) or only serves them at `GET /contact_persons?contact_id=`
 * (then one call per customer), and tells a moved person (still in Sage) from a deleted one (404).
 * Real adapter and PostgreSQL (token store) against the Sage stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createSageBusinessCloud } from '../../activities/sync/sage/business-cloud.js';
import { startSageFake, type SageFake } from '../../sandbox/sage/index.js';
import { freshDb, type TestDb } from '../support/db.js';
import { customerBody } from '../support/sync/harness.js';

let t: TestDb;
const fakes: SageFake[] = [];
beforeAll(async () => {
  t = await freshDb();
  fakes.push(await startSageFake(), await startSageFake({ embedContactPersons: false, businessId: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }));
}, 60_000);
afterAll(async () => {
  for (const f of fakes) await f.close();
  await t?.drop();
});

const adapter = (sage: SageFake) =>
  createSageBusinessCloud({
    db: t.db,
    config: loadConfig({
      DATABASE_URL: t.url,
      SAGE_API_URL: sage.apiUrl,
      SAGE_OAUTH_URL: sage.tokenUrl,
      SAGE_CLIENT_ID: sage.clientId,
      SAGE_CLIENT_SECRET: sage.clientSecret,
      SAGE_BUSINESS_ID: sage.businessId,
      SAGE_REFRESH_TOKEN: sage.currentRefreshToken(),
    }),
  });

describe('Sage contact persons through the adapter', () => {
  it.each([
    ['embedded in the contact', 0],
    ['read from /contact_persons', 1],
  ] as const)('%s: every person of the customer, moved or deleted told apart', async (_, i) => {
    const sage = fakes[i]!;
    const c = sage.direct.create('contacts', customerBody(1));
    const address = String((c.main_address as { id: string }).id);
    const p = sage.direct.create('contact_persons', { address_id: address, name: 'Jeanne Martin', email: 'jeanne@client1.fr', job_title: 'DAF' });
    const a = adapter(sage);
    const names = (d: Record<string, unknown>) =>
      (d.contact_persons as Array<{ id: string; name: string; is_main_contact: boolean }>).filter((x) => !x.is_main_contact).map((x) => [x.id, x.name]);
    expect(names((await a.customers.get(String(c.id)))!.data)).toEqual([[p.id, 'Jeanne Martin']]);
    expect(names((await a.customers.listChanged(null, null, 50)).items[0]!.data)).toEqual([[p.id, 'Jeanne Martin']]);
    expect(await a.contactPersonExists!(String(p.id))).toBe(true);
    sage.direct.delete('contact_persons', String(p.id));
    expect(await a.contactPersonExists!(String(p.id))).toBe(false);
    expect(names((await a.customers.get(String(c.id)))!.data)).toEqual([]);
  });
});
