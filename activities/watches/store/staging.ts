/**
 * Staging a run's listings: extracted drafts to rows (pure), their content hash over the tracked
 * fields, and the idempotent, chunked insert into `watch_snapshot_items` that the diff
 * (snapshot.ts) then applies.
 */
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../../db/client.js';
import { insertSnapshotItems } from '../../../db/queries/watch-snapshot.js';
import type { ListingDraft } from '../extract/types.js';

/**
 * The fields whose change lands in a listing's history (and makes it changed). `previous_price` is
 * not one: a struck-through price appearing or going is not news, the price itself is.
 */
export const TRACKED_FIELDS = [
  'title',
  'price',
  'transaction',
  'surface',
  'rooms',
  'bedrooms',
  'bathrooms',
  'property_type',
  'address',
  'postal_code',
  'city',
  'description',
  'photos',
  'features',
  'external_id',
  'status',
  'price_qualifier',
  'property_subtype',
] as const;

export interface StagedRow {
  source_url: string;
  external_id: string | null;
  title: string;
  price: number | null;
  transaction: string | null;
  surface: number | null;
  rooms: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  property_type: string | null;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  description: string | null;
  photos: string[];
  features: string[];
  quality: number;
  fingerprint: string | null;
  /** As the page shows it: active, under_offer or sold. */
  status: 'active' | 'under_offer' | 'sold';
  price_qualifier: 'from' | 'on_request' | null;
  previous_price: number | null;
  property_subtype: string | null;
  /** Read on the listing's own page, not from a list card: wins over a card of equal quality. */
  from_detail: boolean;
  content_hash: string;
}

const int = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null);
const str = (s: string | undefined, max = 20_000) => (s && s.trim() ? s.trim().slice(0, max) : null);

/** Maps an extracted draft to a staging row (pure); `fromDetail`: read on the listing's own page. */
export function toStagedRow(d: ListingDraft, fingerprint: string | null, fromDetail = false): StagedRow {
  const row: Omit<StagedRow, 'content_hash'> = {
    source_url: d.sourceUrl,
    external_id: str(d.externalId, 200),
    title: (str(d.title, 500) ?? d.sourceUrl).slice(0, 500),
    price: int(d.price),
    transaction: d.transaction ?? null,
    surface: typeof d.surface === 'number' && Number.isFinite(d.surface) && d.surface < 1e8 ? Math.round(d.surface * 100) / 100 : null,
    rooms: int(d.rooms),
    bedrooms: int(d.bedrooms),
    bathrooms: int(d.bathrooms),
    property_type: d.propertyType ?? null,
    address: str(d.address, 500),
    postal_code: str(d.postalCode, 10),
    city: str(d.city, 100),
    description: str(d.description),
    photos: (d.photos ?? []).slice(0, 50),
    features: (d.features ?? []).slice(0, 100),
    quality: Number.isFinite(d.quality) ? d.quality : 0,
    fingerprint,
    status: d.status ?? 'active',
    price_qualifier: d.priceQualifier ?? null,
    previous_price: int(d.previousPrice),
    property_subtype: str(d.propertySubtype, 40),
    from_detail: fromDetail,
  };
  return { ...row, content_hash: contentHash(row) };
}

export function contentHash(row: Omit<StagedRow, 'content_hash' | 'from_detail'>): string {
  const h = createHash('sha1');
  for (const f of TRACKED_FIELDS) h.update(`${f}=${JSON.stringify(row[f])}\u0000`);
  return h.digest('hex');
}

/**
 * Stages rows for a run. A URL seen twice in a run (a list card and its detail page) keeps the
 * better-quality version, both within this call and against rows staged earlier; on a tie the
 * detail page's reading, whichever came last (a list page re-crawled by a retried activity after a
 * worker crash must not overwrite its detail pages' fields), else the later one. One JSON parameter per chunk, so large snapshots need few round trips; the chunks hold
 * distinct URLs, so two of them are in flight at once (serialising one while the server inserts
 * the other).
 */
export async function stageRows(db: DbOrTx, runId: number, rows: StagedRow[], chunk = 5000, parallel = 2): Promise<number> {
  const unique = dedupeByUrl(rows);
  const parts: StagedRow[][] = [];
  for (let i = 0; i < unique.length; i += chunk) parts.push(unique.slice(i, i + chunk));
  let staged = 0;
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const part = parts[next++]!;
      const n = await insertSnapshotItems(db, runId, part); // read `staged` after the await: the workers share it
      staged += n;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, parts.length) }, worker));
  return staged;
}

function dedupeByUrl(rows: StagedRow[]): StagedRow[] {
  const best = new Map<string, StagedRow>();
  for (const r of rows) {
    const prev = best.get(r.source_url);
    if (!prev || r.quality > prev.quality || (r.quality === prev.quality && (r.from_detail || !prev.from_detail))) best.set(r.source_url, r);
  }
  return [...best.values()];
}
