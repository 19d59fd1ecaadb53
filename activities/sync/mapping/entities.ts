/**
 * The field mappings, as data. Sage owns billing and financial fields; HubSpot owns sales fields
 * (the contact person, website, deal notes). Changing anything here means bumping `version`.
 */
import type { SyncEntity } from '../../../core/contracts/sync.js';
import type { EntityMapping } from './types.js';

export const CUSTOMER: EntityMapping = {
  entity: 'customer',
  version: 1,
  primary: 'companies',
  secondary: 'contacts',
  fields: [
    { field: 'name', sage: 'name', hubspot: 'name', transform: 'text', owner: 'sage', direction: 'both', conflict: 'owner' },
    { field: 'reference', sage: 'reference', hubspot: 'sage_reference', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'vatNumber', sage: 'tax_number', hubspot: 'vat_number', transform: 'vat', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'address', sage: 'main_address.address_line_1', hubspot: 'address', transform: 'text', owner: 'sage', direction: 'both', conflict: 'owner' },
    { field: 'city', sage: 'main_address.city', hubspot: 'city', transform: 'text', owner: 'sage', direction: 'both', conflict: 'owner' },
    { field: 'postcode', sage: 'main_address.postal_code', hubspot: 'zip', transform: 'text', owner: 'sage', direction: 'both', conflict: 'owner' },
    { field: 'country', sage: 'main_address.country', hubspot: 'country', transform: 'country', owner: 'sage', direction: 'both', conflict: 'owner' },
    { field: 'currency', sage: 'currency', hubspot: 'sage_currency', transform: 'currency', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'notes', sage: 'notes', hubspot: 'description', transform: 'text', owner: 'hubspot', direction: 'both', conflict: 'newest' },
    {
      field: 'contactName',
      sage: 'main_contact_person.name',
      object: 'contacts',
      hubspot: 'lastname',
      transform: 'text',
      owner: 'hubspot',
      direction: 'both',
      conflict: 'newest',
    },
    {
      field: 'email',
      sage: 'main_contact_person.email',
      object: 'contacts',
      hubspot: 'email',
      transform: 'email',
      owner: 'hubspot',
      direction: 'both',
      conflict: 'hold',
    },
    {
      field: 'phone',
      sage: 'main_contact_person.telephone',
      object: 'contacts',
      hubspot: 'phone',
      transform: 'phone',
      owner: 'hubspot',
      direction: 'both',
      conflict: 'newest',
    },
  ],
};

export const QUOTE: EntityMapping = {
  entity: 'quote',
  version: 1,
  primary: 'deals',
  parentPath: 'contact.id',
  fields: [
    { field: 'title', sage: 'quote_number', hubspot: 'dealname', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'amount', sage: 'total_amount', hubspot: 'amount', transform: 'amount', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'currency', sage: 'currency', hubspot: 'deal_currency_code', transform: 'currency', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'status', sage: 'status', hubspot: 'dealstage', transform: 'quoteStage', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'date', sage: 'date', hubspot: 'sage_quote_date', transform: 'date', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'expiry', sage: 'expiry_date', hubspot: 'closedate', transform: 'date', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'notes', sage: 'notes', hubspot: 'description', transform: 'text', owner: 'hubspot', direction: 'both', conflict: 'newest' },
  ],
};

export const INVOICE: EntityMapping = {
  entity: 'invoice',
  version: 1,
  primary: 'invoices',
  parentPath: 'contact.id',
  fields: [
    { field: 'number', sage: 'invoice_number', hubspot: 'sage_invoice_number', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'date', sage: 'date', hubspot: 'hs_invoice_date', transform: 'date', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'dueDate', sage: 'due_date', hubspot: 'hs_due_date', transform: 'date', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'total', sage: 'total_amount', hubspot: 'sage_total_amount', transform: 'amount', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    {
      field: 'outstanding',
      sage: 'outstanding_amount',
      hubspot: 'sage_outstanding_amount',
      transform: 'amount',
      owner: 'sage',
      direction: 'to_hubspot',
      conflict: 'owner',
    },
    { field: 'currency', sage: 'currency', hubspot: 'hs_currency', transform: 'currency', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'status', sage: 'status', hubspot: 'hs_invoice_status', transform: 'invoiceStatus', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
  ],
};

export const INTERVENTION: EntityMapping = {
  entity: 'intervention',
  // 2: the ticket's stage and owner are HubSpot's once the ticket exists (a closed ticket stays closed).
  version: 2,
  primary: 'tickets',
  parentPath: 'customer_sage_id',
  fields: [
    { field: 'subject', sage: 'subject', hubspot: 'subject', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'description', sage: 'description', hubspot: 'content', transform: 'text', owner: 'sage', direction: 'to_hubspot', conflict: 'owner' },
    { field: 'status', sage: 'status', hubspot: 'hs_pipeline_stage', transform: 'ticketStage', owner: 'hubspot', direction: 'both', conflict: 'owner' },
    { field: 'owner', sage: 'hubspot_owner_id', hubspot: 'hubspot_owner_id', transform: 'text', owner: 'hubspot', direction: 'to_sage', conflict: 'owner' },
    {
      field: 'priority',
      sage: 'priority',
      hubspot: 'hs_ticket_priority',
      transform: 'ticketPriority',
      owner: 'sage',
      direction: 'to_hubspot',
      conflict: 'owner',
    },
    {
      field: 'scheduledAt',
      sage: 'scheduled_at',
      hubspot: 'sage_scheduled_date',
      transform: 'date',
      owner: 'sage',
      direction: 'to_hubspot',
      conflict: 'owner',
    },
  ],
};

export const MAPPINGS: Record<SyncEntity, EntityMapping> = {
  customer: CUSTOMER,
  quote: QUOTE,
  invoice: INVOICE,
  intervention: INTERVENTION,
};

/** A custom HubSpot property the setup step creates when a mapping names it (`sage_…`, `vat_number`). */
export const createdBySetup = (name: string) => /^sage_[a-z0-9_]+$/.test(name) || name === 'vat_number';

/** Custom HubSpot properties the mappings write (created by the setup step when missing), besides `sage_id`. */
export function customProperties(
  mappings: Record<SyncEntity, EntityMapping> = MAPPINGS,
): Array<{ object: string; name: string; type: 'string' | 'number' | 'date' }> {
  const out: Array<{ object: string; name: string; type: 'string' | 'number' | 'date' }> = [];
  for (const m of Object.values(mappings)) {
    for (const f of m.fields) {
      if (!createdBySetup(f.hubspot)) continue;
      out.push({ object: f.object ?? m.primary, name: f.hubspot, type: f.transform === 'amount' ? 'number' : f.transform === 'date' ? 'date' : 'string' });
    }
  }
  return out;
}
