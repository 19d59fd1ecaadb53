/** Object types, built-in properties and default association types of the HubSpot fake. */

export type HsObjectType = 'contacts' | 'companies' | 'deals' | 'tickets' | 'invoices';
export const HS_OBJECT_TYPES: readonly HsObjectType[] = ['contacts', 'companies', 'deals', 'tickets', 'invoices'];

export const OBJECT_TYPE_IDS: Record<HsObjectType, string> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tickets: '0-5',
  invoices: '0-53',
};
/** Singular names used in webhook subscription types and error messages. */
export const SINGULAR: Record<HsObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
  tickets: 'ticket',
  invoices: 'invoice',
};

/** Accepts the plural name, the singular name or the object type id, as HubSpot's paths do. */
export function resolveObjectType(raw: string): HsObjectType | undefined {
  const s = raw.toLowerCase();
  for (const t of HS_OBJECT_TYPES) if (t === s || SINGULAR[t] === s || OBJECT_TYPE_IDS[t] === s) return t;
  return undefined;
}

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyDef {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  /** Set by HubSpot only (hs_object_id, the last-modified stamps). */
  readOnly: boolean;
  options: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>;
  createdAt: string;
  updatedAt: string;
}

const p = (name: string, type: PropertyType = 'string', extra: Partial<PropertyDef> = {}): Omit<PropertyDef, 'createdAt' | 'updatedAt'> => ({
  name,
  label: name,
  type,
  fieldType:
    type === 'number'
      ? 'number'
      : type === 'datetime' || type === 'date'
        ? 'date'
        : type === 'enumeration'
          ? 'select'
          : type === 'bool'
            ? 'booleancheckbox'
            : 'text',
  groupName: 'information',
  description: '',
  hasUniqueValue: false,
  hubspotDefined: true,
  readOnly: false,
  options: [],
  ...extra,
});

const common = [
  p('hs_object_id', 'number', { readOnly: true }),
  p('createdate', 'datetime'),
  p('hs_createdate', 'datetime', { readOnly: true }),
  p('hs_lastmodifieddate', 'datetime', { readOnly: true }),
];

export const BUILTIN_PROPERTIES: Record<HsObjectType, Array<Omit<PropertyDef, 'createdAt' | 'updatedAt'>>> = {
  contacts: [
    ...common,
    p('lastmodifieddate', 'datetime', { readOnly: true }),
    p('email', 'string', { hasUniqueValue: true }),
    p('firstname'),
    p('lastname'),
    p('phone'),
    p('mobilephone'),
    p('company'),
    p('jobtitle'),
    p('address'),
    p('city'),
    p('zip'),
    p('state'),
    p('country'),
    p('lifecyclestage', 'enumeration'),
  ],
  companies: [
    ...common,
    p('name'),
    p('domain'),
    p('phone'),
    p('address'),
    p('address2'),
    p('city'),
    p('zip'),
    p('state'),
    p('country'),
    p('industry'),
    p('description'),
    p('lifecyclestage', 'enumeration'),
    p('numberofemployees', 'number'),
  ],
  deals: [
    ...common,
    p('dealname'),
    p('amount', 'number'),
    p('dealstage', 'enumeration'),
    p('pipeline', 'enumeration'),
    p('closedate', 'datetime'),
    p('deal_currency_code', 'enumeration'),
    p('description'),
  ],
  tickets: [
    ...common,
    p('subject'),
    p('content'),
    p('hs_pipeline', 'enumeration'),
    p('hs_pipeline_stage', 'enumeration'),
    p('hs_ticket_priority', 'enumeration'),
    p('hs_ticket_category', 'enumeration'),
    p('hubspot_owner_id', 'enumeration'),
  ],
  invoices: [
    ...common,
    p('hs_number'),
    p('hs_title'),
    p('hs_invoice_status', 'enumeration'),
    p('hs_currency', 'enumeration'),
    p('hs_amount_billed', 'number'),
    p('hs_balance_due', 'number'),
    p('hs_invoice_date', 'datetime'),
    p('hs_due_date', 'datetime'),
  ],
};

/** The properties HubSpot returns when a request names none. */
export const DEFAULT_RETURNED: Record<HsObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
  tickets: ['content', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'subject'],
  invoices: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** HubSpot-defined labelled association types, from -> to, with their reverse: the primary company of a contact (1 / 2). */
const LABELLED: Array<[HsObjectType, HsObjectType, number, number]> = [['contacts', 'companies', 1, 2]];

/** The type id HubSpot records on the reverse side of an association of this type (the default one for unlabelled types). */
export function reverseAssociationTypeId(from: HsObjectType, to: HsObjectType, typeId: number): number | undefined {
  for (const [a, b, ab, ba] of LABELLED) {
    if (a === from && b === to && ab === typeId) return ba;
    if (a === to && b === from && ba === typeId) return ab;
  }
  return defaultAssociationTypeId(to, from);
}

/** HubSpot-defined default association type ids, from -> to. */
const ASSOC: Array<[HsObjectType, HsObjectType, number, number]> = [
  // from, to, typeId(from->to), typeId(to->from)
  ['contacts', 'companies', 279, 280],
  ['deals', 'contacts', 3, 4],
  ['deals', 'companies', 341, 342],
  ['tickets', 'contacts', 16, 15],
  ['tickets', 'companies', 339, 340],
  ['tickets', 'deals', 28, 27],
  ['invoices', 'contacts', 177, 178],
  ['invoices', 'companies', 179, 180],
  ['invoices', 'deals', 175, 176],
];

export function defaultAssociationTypeId(from: HsObjectType, to: HsObjectType): number | undefined {
  for (const [a, b, ab, ba] of ASSOC) {
    if (a === from && b === to) return ab;
    if (a === to && b === from) return ba;
  }
  return undefined;
}
