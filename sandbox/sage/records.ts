/**
 * The Sage fake's records: contacts, their contact persons, quotes and invoices kept in memory with
 * Sage's rules (unique contact references, a contact with transactions cannot be deleted, a change
 * to a person touches its contact) and their v3.1 representation (`wire`).
 */
import { textOf } from '../../core/text-of.js';
import { applyContactPerson, contactPersonWire, mainPersonWire, withSubIds } from './contact-persons.js';
import { applyArtefact, artefactWire } from './artefacts.js';
import { applyContact, contactWire } from './contacts.js';
import { SAGE_RESOURCES, SageError, newSageId, type Lookup, type SageRecord, type SageResource } from './resources.js';

type Json = Record<string, unknown>;

export type SageRecords = ReturnType<typeof createSageRecords>;

export function createSageRecords(options: { now: () => number; embedContactPersons?: boolean }) {
  const { now } = options;
  const records = new Map<SageResource, Map<string, SageRecord>>(SAGE_RESOURCES.map((r) => [r, new Map()]));
  const numbers = new Map<SageResource, number>();
  /** Live contacts by lower-cased reference (Sage keeps references unique). */
  const references = new Map<string, string>();
  const indexReference = (r: SageRecord, on: boolean) => {
    const ref = r.resource === 'contacts' && r.data.reference ? textOf(r.data.reference).toLowerCase() : undefined;
    if (ref === undefined) return;
    if (on) references.set(ref, r.id);
    else if (references.get(ref) === r.id) references.delete(ref);
  };
  let seq = 0;

  const lookup: Lookup = {
    contact: (id) => records.get('contacts')!.get(id),
    referenceTaken: (ref, exceptId) => {
      const holder = references.get(ref.toLowerCase());
      return holder !== undefined && holder !== exceptId;
    },
    nextNumber: (resource) => {
      const n = (numbers.get(resource) ?? 0) + 1;
      numbers.set(resource, n);
      return n;
    },
  };

  /** Contact persons by contact, and contacts by their main address / main person id. */
  const personsOf = new Map<string, Set<string>>();
  const addressOwner = new Map<string, string>();
  const mainPersonOwner = new Map<string, string>();
  const liveContact = (id: string | undefined) => {
    const c = id ? records.get('contacts')!.get(id) : undefined;
    return c && c.deletedAt === undefined ? c : undefined;
  };
  const indexPerson = (r: SageRecord, on: boolean) => {
    const owner = String(r.data.contact_id);
    if (!personsOf.has(owner)) personsOf.set(owner, new Set());
    personsOf.get(owner)![on ? 'add' : 'delete'](r.id);
  };
  /** A change to a person is a change to its contact (an incremental read of contacts sees it). */
  const touch = (contactId: unknown) => {
    const c = liveContact(String(contactId));
    if (c) c.updatedAt = now();
  };

  const wire = (r: SageRecord): Json => {
    if (r.resource === 'contact_persons') return contactPersonWire(r);
    if (r.resource !== 'contacts') return artefactWire(r, records.get('contacts')!.get(r.data.contact_id as string));
    const others = [...(personsOf.get(r.id) ?? [])].map((id) => records.get('contact_persons')!.get(id)!).sort((a, b) => a.seq - b.seq);
    if (options.embedContactPersons === false) return contactWire(r);
    return { ...contactWire(r), contact_persons: [mainPersonWire(r), ...others.map(contactPersonWire)] };
  };

  const apply = (resource: SageResource, input: Json, existing?: SageRecord): Json =>
    resource === 'contacts'
      ? applyContact(input, existing?.data, existing?.id, lookup)
      : resource === 'contact_persons'
        ? applyContactPerson(input, existing?.data, (addressId) => liveContact(addressOwner.get(addressId)))
        : applyArtefact(resource, input, existing?.data, lookup);

  const create = (resource: SageResource, input: Json): SageRecord => {
    let data = apply(resource, input);
    if (resource === 'contacts') data = withSubIds(data);
    const t = now();
    const r: SageRecord = { id: newSageId(), seq: ++seq, resource, createdAt: t, updatedAt: t, data };
    records.get(resource)!.set(r.id, r);
    indexReference(r, true);
    if (resource === 'contacts') {
      addressOwner.set(String((data.main_address as Json).id), r.id);
      mainPersonOwner.set(String((data.main_contact_person as Json).id), r.id);
    }
    if (resource === 'contact_persons') {
      indexPerson(r, true);
      touch(data.contact_id);
    }
    return r;
  };
  const live = (resource: SageResource, id: string): SageRecord => {
    const r = records.get(resource)!.get(id);
    if (!r || r.deletedAt !== undefined) throw SageError.one(404, 'RecordNotFound', 'Resource not found');
    return r;
  };
  const update = (resource: SageResource, id: string, input: Json): SageRecord => {
    const r = live(resource, id);
    const data = apply(resource, input, r);
    indexReference(r, false);
    if (resource === 'contact_persons') indexPerson(r, false);
    const before = r.data.contact_id;
    r.data = data;
    indexReference(r, true);
    r.updatedAt = now();
    if (resource === 'contact_persons') {
      indexPerson(r, true);
      touch(before);
      touch(data.contact_id);
    }
    return r;
  };
  const remove = (resource: SageResource, id: string): void => {
    const r = live(resource, id);
    if (resource === 'contacts') {
      const used = [...records.get('sales_quotes')!.values(), ...records.get('sales_invoices')!.values()].some(
        (x) => x.deletedAt === undefined && x.data.contact_id === id,
      );
      if (used) throw SageError.one(422, 'RecordInvalid', 'Contact cannot be deleted: it has transactions', 'base');
    }
    r.deletedAt = now();
    r.updatedAt = r.deletedAt;
    indexReference(r, false);
    if (resource === 'contact_persons') {
      indexPerson(r, false);
      touch(r.data.contact_id);
    }
    if (resource === 'contacts') {
      // The contact's persons go with it.
      for (const pid of personsOf.get(id) ?? []) records.get('contact_persons')!.get(pid)!.deletedAt = r.deletedAt;
      personsOf.delete(id);
    }
  };

  return {
    wire,
    create,
    update,
    remove,
    /** Every record of a resource, deleted ones too, in creation order. */
    all: (resource: SageResource): SageRecord[] => [...records.get(resource)!.values()],
    /** A record by id, deleted or not. */
    get: (resource: SageResource, id: string): SageRecord | undefined => records.get(resource)!.get(id),
    /** The live contact whose main contact person has this id (Sage serves it under /contact_persons too). */
    mainPersonContact: (personId: string): SageRecord | undefined => liveContact(mainPersonOwner.get(personId)),
  };
}
