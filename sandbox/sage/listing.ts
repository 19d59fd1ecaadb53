/**
 * A page of a Sage list endpoint (`GET /v3.1/<resource>`): `updated_or_created_since` or
 * `deleted_since`, `search`, `email`, `contact_type_id`, `contact_id`, `sort`, `attributes`, and
 * `$next`/`$back`/`$total` pagination. Pure: the records in, the page out.
 */
import { textOf } from '../../core/text-of.js';
import { SageError, type SageRecord, type SageResource } from './resources.js';

type Json = Record<string, unknown>;

const base = (w: Json) => ({ id: w.id, displayed_as: w.displayed_as, $path: w.$path });

function parseSince(v: string, name: string): number {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw SageError.one(422, 'InvalidParameter', `${name} is not a valid date or date-time`, name);
  return t;
}

/** The page of `rows` (every record of `resource`, deleted ones too) the query of `url` asks for. */
export function listPage(rows: SageRecord[], resource: SageResource, url: URL, wire: (r: SageRecord) => Json): Json {
  const q = url.searchParams;
  const perPage = q.has('items_per_page') ? Number(q.get('items_per_page')) : 20;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
    throw SageError.one(422, 'InvalidParameter', 'items_per_page must be between 1 and 200', 'items_per_page');
  const page = q.has('page') ? Number(q.get('page')) : 1;
  if (!Number.isInteger(page) || page < 1) throw SageError.one(422, 'InvalidParameter', 'page must be a positive integer', 'page');
  const deletedSince = q.get('deleted_since');
  if (deletedSince !== null) {
    const t = parseSince(deletedSince, 'deleted_since');
    rows = rows.filter((r) => r.deletedAt !== undefined && r.deletedAt > t);
  } else {
    rows = rows.filter((r) => r.deletedAt === undefined);
    const since = q.get('updated_or_created_since');
    if (since !== null) {
      const t = parseSince(since, 'updated_or_created_since');
      rows = rows.filter((r) => r.updatedAt >= t);
    }
  }
  const search = q.get('search')?.toLowerCase();
  if (search)
    rows = rows.filter(
      (r) =>
        textOf(r.data.name ?? '')
          .toLowerCase()
          .includes(search) ||
        textOf(r.data.reference ?? '')
          .toLowerCase()
          .includes(search),
    );
  const email = q.get('email')?.toLowerCase();
  if (email) rows = rows.filter((r) => textOf((r.data.main_contact_person as Json | undefined)?.email ?? '').toLowerCase() === email);
  const type = q.get('contact_type_id');
  if (type && resource === 'contacts') rows = rows.filter((r) => (r.data.contact_type_ids as string[]).includes(type));
  const contactId = q.get('contact_id');
  if (contactId && resource !== 'contacts') rows = rows.filter((r) => r.data.contact_id === contactId);

  const [sortField = 'created_at', dir = 'asc'] = (q.get('sort') ?? 'created_at').split(':');
  const key = (r: SageRecord): number =>
    sortField === 'updated_at' ? r.updatedAt : sortField === 'date' ? Date.parse(textOf(r.data.date ?? '')) || r.createdAt : r.createdAt;
  if (!['created_at', 'updated_at', 'date'].includes(sortField) || !['asc', 'desc'].includes(dir)) {
    throw SageError.one(422, 'InvalidParameter', 'sort must be created_at, updated_at or date, optionally :asc or :desc', 'sort');
  }
  rows.sort((a, b) => (key(a) - key(b) || a.seq - b.seq) * (dir === 'desc' ? -1 : 1));

  const attributes = q.get('attributes');
  const render = (r: SageRecord): Json => {
    const w = wire(r);
    if (deletedSince !== null) return { ...base(w), deleted_at: w.deleted_at };
    if (attributes === 'all') return w;
    const out: Json = base(w);
    for (const a of (attributes ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      if (a in w) out[a] = w[a];
    return out;
  };
  const start = (page - 1) * perPage;
  const link = (p: number) => {
    const params = new URLSearchParams(q);
    params.set('page', String(p));
    params.set('items_per_page', String(perPage));
    return `/${resource}?${params.toString()}`;
  };
  return {
    $total: rows.length,
    $page: page,
    $next: start + perPage < rows.length ? link(page + 1) : null,
    $back: page > 1 ? link(page - 1) : null,
    $itemsPerPage: perPage,
    $items: rows.slice(start, start + perPage).map(render),
  };
}
