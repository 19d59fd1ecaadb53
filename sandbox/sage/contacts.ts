/** The Sage fake's contacts: the validation of a write (Sage's rules and messages) and their v3.1 representation. */
import type { StoredContact } from './stored.js';
import { link, money, EMAIL, invalid, str, obj, sageTime, type SageRecord, type Lookup } from './resources.js';

export function applyContact(
  input: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  selfId: string | undefined,
  lookup: Lookup,
): Record<string, unknown> {
  const d: Record<string, unknown> = structuredClone(existing ?? { contact_type_ids: [], main_address: {}, main_contact_person: {} });
  const has = (k: string) => Object.prototype.hasOwnProperty.call(input, k);
  if (has('name') || !existing) {
    const name = str(input.name, 'name', 200);
    if (!name) throw invalid('name', "can't be blank");
    d.name = name;
  }
  if (has('contact_type_ids') || !existing) {
    const ids = input.contact_type_ids;
    if (!Array.isArray(ids) || ids.length === 0) throw invalid('contact_type_ids', "can't be blank");
    for (const t of ids) if (t !== 'CUSTOMER' && t !== 'VENDOR') throw invalid('contact_type_ids', `${String(t)} is not a valid contact type`);
    d.contact_type_ids = [...new Set(ids as string[])];
  }
  if (has('reference') || !existing) {
    const ref = str(input.reference, 'reference', 50) ?? (existing ? null : `CUST${String(lookup.nextNumber('contacts')).padStart(5, '0')}`);
    if (ref && lookup.referenceTaken(ref, selfId)) throw invalid('reference', 'has already been taken');
    d.reference = ref;
  }
  for (const k of ['tax_number', 'notes', 'locale'] as const) if (has(k)) d[k] = str(input[k], k, 1000);
  if (has('currency_id')) {
    const c = str(input.currency_id, 'currency_id', 3);
    if (c !== null && !/^[A-Z]{3}$/.test(c)) throw invalid('currency_id', 'is not a valid currency');
    d.currency_id = c;
  }
  if (has('main_address')) {
    const a = obj(input.main_address, 'main_address');
    const cur = d.main_address as Record<string, unknown>;
    for (const k of ['address_line_1', 'address_line_2', 'city', 'postal_code', 'region'] as const) if (k in a) cur[k] = str(a[k], `main_address.${k}`);
    if ('country_id' in a) {
      const c = str(a.country_id, 'main_address.country_id', 2);
      if (c !== null && !/^[A-Z]{2}$/.test(c)) throw invalid('main_address.country_id', 'is not a valid country');
      cur.country_id = c;
    }
  }
  const person = d.main_contact_person as Record<string, unknown>;
  const p = has('main_contact_person') ? obj(input.main_contact_person, 'main_contact_person') : {};
  for (const k of ['name', 'telephone', 'mobile'] as const) if (k in p) person[k] = str(p[k], `main_contact_person.${k}`);
  // `email` and `telephone` at the top level are accepted as shorthands for the main contact person.
  const email = 'email' in p ? p.email : has('email') ? input.email : undefined;
  if (email !== undefined) {
    const e = str(email, 'main_contact_person.email');
    if (e !== null && !EMAIL.test(e)) throw invalid('main_contact_person.email', 'is not a valid email address');
    person.email = e;
  }
  if (has('telephone') && !('telephone' in p)) person.telephone = str(input.telephone, 'telephone');
  if (has('mobile') && !('mobile' in p)) person.mobile = str(input.mobile, 'mobile');
  if (has('website')) d.website = str(input.website, 'website');
  if (has('credit_limit')) {
    const v = input.credit_limit;
    const n = v === null || v === '' ? null : Number(v);
    if (n !== null && (!Number.isFinite(n) || n < 0)) throw invalid('credit_limit', 'must be a positive amount');
    d.credit_limit = n;
  }
  if (has('credit_days')) {
    const n = input.credit_days === null ? null : Number(input.credit_days);
    if (n !== null && (!Number.isInteger(n) || n < 0 || n > 365)) throw invalid('credit_days', 'must be between 0 and 365');
    d.credit_days = n;
  }
  return d;
}

export function contactWire(r: SageRecord): Record<string, unknown> {
  const d = r.data as StoredContact;
  const country = d.main_address?.country_id;
  const types = d.contact_type_ids.map((t) => link(t, t === 'CUSTOMER' ? 'Customer' : 'Supplier', `/contact_types/${t}`));
  return {
    id: r.id,
    displayed_as: d.reference ? `${d.name} (${d.reference})` : d.name,
    $path: `/contacts/${r.id}`,
    created_at: sageTime(r.createdAt),
    updated_at: sageTime(r.updatedAt),
    contact_types: types,
    name: d.name,
    reference: d.reference ?? null,
    tax_number: d.tax_number ?? null,
    notes: d.notes ?? null,
    locale: d.locale ?? 'fr',
    email: d.main_contact_person?.email ?? null,
    telephone: d.main_contact_person?.telephone ?? null,
    mobile: d.main_contact_person?.mobile ?? null,
    website: d.website ?? null,
    credit_limit: d.credit_limit === undefined || d.credit_limit === null ? null : money(d.credit_limit),
    credit_days: d.credit_days ?? null,
    main_address: {
      ...(d.main_address?.id ? { id: d.main_address.id, $path: `/addresses/${d.main_address.id}` } : {}),
      address_line_1: d.main_address?.address_line_1 ?? null,
      address_line_2: d.main_address?.address_line_2 ?? null,
      city: d.main_address?.city ?? null,
      postal_code: d.main_address?.postal_code ?? null,
      region: d.main_address?.region ?? null,
      country: country ? link(country, country, `/countries/${country}`) : null,
    },
    main_contact_person: {
      ...(d.main_contact_person?.id ? { id: d.main_contact_person.id } : {}),
      name: d.main_contact_person?.name ?? null,
      email: d.main_contact_person?.email ?? null,
      telephone: d.main_contact_person?.telephone ?? null,
      mobile: d.main_contact_person?.mobile ?? null,
    },
    currency: link(d.currency_id ?? 'EUR', d.currency_id ?? 'EUR', `/currencies/${d.currency_id ?? 'EUR'}`),
    ...(r.deletedAt !== undefined ? { deleted_at: sageTime(r.deletedAt) } : {}),
  };
}
