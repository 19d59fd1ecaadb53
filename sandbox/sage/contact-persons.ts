/**
 * The Sage fake's contact persons (Sage Business Cloud Accounting v3.1 `contact_persons`): each
 * belongs to an address of a contact (`address_id` on writes, `address` link on reads); the
 * contact's main contact person lives on the contact itself (`main_contact_person`, with its id)
 * and is listed beside the others with `is_main_contact: true`. A contact's full representation
 * carries its persons (`contact_persons`), and a change to a person touches its contact's
 * `updated_at` (an incremental read of contacts sees it).
 */
import { SageError, newSageId, sageTime, type SageRecord } from './resources.js';
import { textOf } from '../../core/text-of.js';

type Json = Record<string, unknown>;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const invalid = (source: string, message: string) => SageError.one(422, 'RecordInvalid', message, source);

function text(v: unknown, source: string, max = 255): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw invalid(source, 'must be a string');
  if (v.length > max) throw invalid(source, `is too long (maximum is ${max} characters)`);
  return v;
}

/** The contact whose address this is (live contacts only). */
export type AddressOwner = (addressId: string) => SageRecord | undefined;

/** Validates a `{contact_person: {...}}` write; returns the stored data (`contact_id` follows the address). */
export function applyContactPerson(input: Json, existing: Json | undefined, ownerOf: AddressOwner): Json {
  const d: Json = structuredClone(existing ?? {});
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  if (has('address_id') || !existing) {
    const addressId = text(input.address_id, 'address_id', 64);
    const owner = addressId ? ownerOf(addressId) : undefined;
    if (!addressId || !owner) throw invalid('address_id', 'is not a valid address');
    d.address_id = addressId;
    d.contact_id = owner.id;
  }
  if (has('name') || !existing) {
    const name = text(input.name, 'name', 255);
    if (!name) throw invalid('name', "can't be blank");
    d.name = name;
  }
  for (const k of ['job_title', 'telephone', 'mobile', 'fax'] as const) if (has(k)) d[k] = text(input[k], k);
  if (has('email')) {
    const e = text(input.email, 'email');
    if (e !== null && !EMAIL.test(e)) throw invalid('email', 'is not a valid email address');
    d.email = e;
  }
  if (has('is_main_contact') && input.is_main_contact === true)
    throw invalid('is_main_contact', 'set the main contact person on the contact (main_contact_person)');
  return d;
}

const addressLink = (id: string) => ({ id, displayed_as: 'Adresse principale', $path: `/addresses/${id}` });
const types = [{ id: 'CUSTOMER', displayed_as: 'Customer', $path: '/contact_person_types/CUSTOMER' }];

export function contactPersonWire(r: SageRecord): Json {
  const d = r.data as Record<string, string | null | undefined>;
  return {
    id: r.id,
    displayed_as: d.name,
    $path: `/contact_persons/${r.id}`,
    created_at: sageTime(r.createdAt),
    updated_at: sageTime(r.updatedAt),
    contact_person_types: types,
    name: d.name,
    job_title: d.job_title ?? null,
    telephone: d.telephone ?? null,
    mobile: d.mobile ?? null,
    email: d.email ?? null,
    fax: d.fax ?? null,
    is_main_contact: false,
    is_preferred_contact: false,
    address: addressLink(d.address_id ?? ''),
    ...(r.deletedAt !== undefined ? { deleted_at: sageTime(r.deletedAt) } : {}),
  };
}

/** The contact's main contact person, as `/contact_persons` lists it. */
export function mainPersonWire(contact: SageRecord): Json {
  const p = (contact.data.main_contact_person ?? {}) as Record<string, string | null | undefined>;
  const addressId = textOf((contact.data.main_address as Json | undefined)?.id ?? '');
  return {
    id: p.id,
    displayed_as: p.name ?? null,
    $path: `/contact_persons/${p.id}`,
    created_at: sageTime(contact.createdAt),
    updated_at: sageTime(contact.updatedAt),
    contact_person_types: types,
    name: p.name ?? null,
    job_title: null,
    telephone: p.telephone ?? null,
    mobile: p.mobile ?? null,
    email: p.email ?? null,
    fax: null,
    is_main_contact: true,
    is_preferred_contact: true,
    address: addressLink(addressId),
  };
}

/** Ids a contact gets on creation for its main address and main contact person. */
export function withSubIds(data: Json): Json {
  const address = (data.main_address ?? {}) as Json;
  const person = (data.main_contact_person ?? {}) as Json;
  if (!address.id) address.id = newSageId();
  if (!person.id) person.id = newSageId();
  return { ...data, main_address: address, main_contact_person: person };
}
