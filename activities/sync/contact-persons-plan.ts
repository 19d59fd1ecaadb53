/**
 * A customer's other contact persons (Sage `contact_persons` besides the main one, which the
 * customer mapping syncs as the customer's own contact with the primary-company label), the pure
 * part: the HubSpot contact each becomes, and what a batch of customers asks of HubSpot — persons
 * to write (new or changed), associations to make (a new person, or one moved to another
 * customer) and to remove (its previous customer's company), and persons that left a customer
 * without appearing under another one of the batch (deleted in Sage, or moved elsewhere).
 */
import { createHash } from 'node:crypto';
import { TRANSFORMS } from './mapping/transforms.js';

/** The id map's entity for contact persons (a HubSpot contact each). */
export const PERSON_ENTITY = 'contact_person';

export interface SagePerson {
  id: string;
  customer: string;
  properties: Record<string, string>;
}

/** What the id map holds for a person: its HubSpot contact, the customer it was synced under, a hash of what HubSpot got. */
export interface PersonRow {
  sageId: string;
  hubspotId: string | null;
  customer: string | null;
  hash: string | null;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The customer's contact persons other than the main one, as HubSpot contact properties. */
export function otherPersons(customerSageId: string, data: Record<string, unknown>): SagePerson[] {
  const list = Array.isArray(data.contact_persons) ? (data.contact_persons as Array<Record<string, unknown>>) : [];
  const out: SagePerson[] = [];
  for (const p of list) {
    if (p.is_main_contact === true || typeof p.id !== 'string' || !p.id) continue;
    const email = TRANSFORMS.email.canon(p.email, 'sage');
    const phone = TRANSFORMS.phone.canon(p.telephone, 'sage');
    const mobile = TRANSFORMS.phone.canon(p.mobile, 'sage');
    const props: Record<string, string> = {};
    const set = (k: string, v: unknown) => {
      const s = str(v);
      if (s) props[k] = s;
    };
    set('lastname', p.name);
    set('email', email);
    set('phone', phone);
    set('mobilephone', mobile);
    set('jobtitle', p.job_title);
    out.push({ id: p.id, customer: customerSageId, properties: props });
  }
  return out;
}

export const personHash = (props: Record<string, string>) =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.keys(props)
          .sort()
          .map((k) => [k, props[k]]),
      ),
    )
    .digest('hex')
    .slice(0, 32);

export interface PersonsPlan {
  /** Persons HubSpot must get (new, or changed since the last sync). */
  writes: Array<SagePerson & { hash: string }>;
  /** Persons to associate with their customer's company (new ones, moved ones), with the customer they leave. */
  links: Array<{ personId: string; customer: string; previous: string | null }>;
  /** Persons synced under a customer of the batch that no customer of the batch lists any more. */
  vanished: PersonRow[];
  /** Every person listed, with its hash (the id map rows to write once HubSpot has them). */
  listed: Array<SagePerson & { hash: string }>;
}

/**
 * `customers`: the batch's customers (Sage id -> its persons), only those with a HubSpot company;
 * `rows`: the id map rows of the persons listed and of the persons synced under these customers.
 */
export function planPersons(customers: ReadonlyMap<string, SagePerson[]>, rows: ReadonlyMap<string, PersonRow>): PersonsPlan {
  const plan: PersonsPlan = { writes: [], links: [], vanished: [], listed: [] };
  const seen = new Set<string>();
  for (const persons of customers.values()) {
    for (const p of persons) {
      if (seen.has(p.id)) continue; // Sage lists a person under one address; be safe anyway
      seen.add(p.id);
      const hash = personHash(p.properties);
      const row = rows.get(p.id);
      const item = { ...p, hash };
      plan.listed.push(item);
      if (!row?.hubspotId || row.hash !== hash) plan.writes.push(item);
      if (!row?.hubspotId || row.customer !== p.customer)
        plan.links.push({ personId: p.id, customer: p.customer, previous: row?.hubspotId ? row.customer : null });
    }
  }
  for (const row of rows.values()) {
    if (seen.has(row.sageId) || !row.customer || !customers.has(row.customer)) continue;
    plan.vanished.push(row);
  }
  return plan;
}
