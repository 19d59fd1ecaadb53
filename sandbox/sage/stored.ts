// The data of stored Sage records as the sandbox's apply functions write it, read back by the wire
// functions of resources.ts. Types only.

/** A stored contact's data as applyContact writes it (what contactWire reads back). */
export interface StoredContact {
  [field: string]: unknown; // and fields the wire does not read
  name: string;
  reference?: string | null;
  contact_type_ids: string[];
  tax_number?: string | null;
  notes?: string | null;
  locale?: string | null;
  website?: string | null;
  credit_limit?: number | null;
  credit_days?: number | null;
  currency_id?: string | null;
  main_address?: {
    id?: string;
    country_id?: string | null;
    address_line_1?: string | null;
    address_line_2?: string | null;
    city?: string | null;
    postal_code?: string | null;
    region?: string | null;
  } | null;
  main_contact_person?: { id?: string; name?: string | null; email?: string | null; telephone?: string | null; mobile?: string | null } | null;
}

/** A stored quote's or invoice's data as applyArtefact writes it (what artefactWire reads back). */
export interface StoredArtefact {
  [field: string]: unknown; // and fields the wire does not read
  number: number;
  lines: Array<Record<string, unknown>>;
  contact_id: string;
  date: string;
  expiry_date?: string | null;
  due_date?: string | null;
  reference?: string | null;
  notes?: string | null;
  status_id: string;
  currency_id: string;
  outstanding?: number | null;
}
