/**
 * Field mappings edited through the API, the pure part: which Sage fields each entity offers,
 * validation of a proposed mapping against them and against HubSpot's property definitions, and
 * the preview of a change on sample records (what each would write to HubSpot before and after).
 */
import type { HubSpotObject, SyncEntity } from '../../../core/contracts/sync.js';
import { createdBySetup } from './entities.js';
import { fromSage, toHubSpot } from './project.js';
import { TRANSFORMS } from './transforms.js';
import type { EntityMapping, FieldMapping } from './types.js';

/** The Sage fields (dotted paths of the v3.1 record; for interventions, our table's columns) a mapping may use. */
export const SAGE_FIELDS: Record<SyncEntity, readonly string[]> = {
  customer: [
    'name',
    'reference',
    'tax_number',
    'notes',
    'website',
    'currency',
    'credit_limit',
    'credit_days',
    'locale',
    'main_address.address_line_1',
    'main_address.address_line_2',
    'main_address.city',
    'main_address.postal_code',
    'main_address.region',
    'main_address.country',
    'main_contact_person.name',
    'main_contact_person.email',
    'main_contact_person.telephone',
    'main_contact_person.mobile',
  ],
  quote: ['quote_number', 'reference', 'date', 'expiry_date', 'status', 'currency', 'net_amount', 'tax_amount', 'total_amount', 'notes'],
  invoice: ['invoice_number', 'reference', 'date', 'due_date', 'status', 'currency', 'net_amount', 'tax_amount', 'total_amount', 'outstanding_amount', 'notes'],
  intervention: ['subject', 'description', 'status', 'priority', 'scheduled_at', 'hubspot_owner_id'],
};

/** A HubSpot property as `/crm/v3/properties/{objectType}` defines it (what validation needs). */
export interface PropertyDef {
  name: string;
  type: string;
  /** HubSpot computes the value: it cannot be written. */
  readOnly: boolean;
}

export interface MappingError {
  path: string;
  message: string;
}

/** Properties the sync itself owns: never mapped. */
const RESERVED = new Set(['sage_id']);

/**
 * Checks proposed fields for an entity. A HubSpot property must exist on its object, or be a
 * custom property the setup step creates (`sage_…`, `vat_number`); one HubSpot computes (read-only) may
 * not receive values; a Sage field must be one the adapter reads.
 */
export function validateFields(
  base: EntityMapping,
  fields: readonly FieldMapping[],
  defs: ReadonlyMap<HubSpotObject, ReadonlyMap<string, PropertyDef>>,
): MappingError[] {
  const errors: MappingError[] = [];
  const names = new Set<string>();
  const targets = new Set<string>();
  const objects = [base.primary, ...(base.secondary ? [base.secondary] : [])];
  fields.forEach((f, i) => {
    const at = (k: string) => `fields.${i}.${k}`;
    if (names.has(f.field)) errors.push({ path: at('field'), message: `"${f.field}" is mapped twice` });
    names.add(f.field);
    if (!(f.transform in TRANSFORMS))
      errors.push({ path: at('transform'), message: `unknown transform "${f.transform}" (one of ${Object.keys(TRANSFORMS).join(', ')})` });
    if (!SAGE_FIELDS[base.entity].includes(f.sage))
      errors.push({ path: at('sage'), message: `Sage has no field "${f.sage}" on ${base.entity} (one of ${SAGE_FIELDS[base.entity].join(', ')})` });
    const object = f.object ?? base.primary;
    if (!objects.includes(object)) {
      errors.push({ path: at('object'), message: `${base.entity} maps to ${objects.join(' or ')}, not ${object}` });
      return;
    }
    const key = `${object}.${f.hubspot}`;
    if (targets.has(key)) errors.push({ path: at('hubspot'), message: `${key} is mapped twice` });
    targets.add(key);
    if (RESERVED.has(f.hubspot)) {
      errors.push({ path: at('hubspot'), message: `${f.hubspot} is the sync's own key` });
      return;
    }
    const def = defs.get(object)?.get(f.hubspot);
    if (!def && !createdBySetup(f.hubspot)) errors.push({ path: at('hubspot'), message: `HubSpot has no ${object} property "${f.hubspot}"` });
    if (def?.readOnly && f.direction !== 'to_sage')
      errors.push({ path: at('hubspot'), message: `HubSpot computes ${key} (read-only): only direction "to_sage" may use it` });
  });
  return errors;
}

export interface PreviewChange {
  object: string;
  property: string;
  before: string | null;
  after: string | null;
}

/** What each sample record would write to HubSpot under the current and the proposed mapping. */
export function previewChange(
  current: EntityMapping,
  proposed: EntityMapping,
  samples: ReadonlyArray<{ id: string; data: Record<string, unknown> }>,
): Array<{ sageId: string; changes: PreviewChange[] }> {
  return samples.map((s) => {
    const before = toHubSpot(current, fromSage(current, s.data));
    const after = toHubSpot(proposed, fromSage(proposed, s.data));
    const changes: PreviewChange[] = [];
    for (const object of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<HubSpotObject>) {
      const b = before[object] ?? {};
      const a = after[object] ?? {};
      for (const property of new Set([...Object.keys(b), ...Object.keys(a)])) {
        const x = property in b ? b[property]! : null;
        const y = property in a ? a[property]! : null;
        if (x !== y) changes.push({ object, property, before: x, after: y });
      }
    }
    return { sageId: s.id, changes };
  });
}
