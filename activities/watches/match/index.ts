/**
 * Alert matching. `matches` states the rule for one alert; `buildMatcher` compiles many alerts into
 * an index (postal code, département, city, then property type, then 25 k€ price band) so a listing
 * is checked only against the alerts that could possibly want it.
 */
import type { PropertyType, TransactionType } from '../extract/types.js';
import type { AlertCriteria, ListingLike } from './criteria.js';
import { foldCity, foldWords } from './normalize.js';

export { AlertCriteriaSchema, PROPERTY_TYPES, TRANSACTIONS, type AlertCriteria, type ListingLike } from './criteria.js';
export { compareListings, fingerprint, fingerprintKeys } from './fingerprint.js';

interface Compiled {
  priceMin: number | undefined;
  priceMax: number | undefined;
  surfaceMin: number | undefined;
  surfaceMax: number | undefined;
  roomsMin: number | undefined;
  roomsMax: number | undefined;
  types: Set<PropertyType> | undefined;
  postal: Set<string> | undefined;
  depts: Set<string> | undefined;
  cities: Set<string> | undefined;
  include: string[];
  exclude: string[];
  transaction: TransactionType | undefined;
}

const nonEmpty = <T>(a: T[] | undefined): a is T[] => Array.isArray(a) && a.length > 0;

function compile(c: AlertCriteria): Compiled {
  // Every field is set, in the same order, so all compiled alerts share one hidden class: the
  // matching loop stays monomorphic (optional fields added on demand make it several times slower).
  const out: Compiled = {
    priceMin: c.priceMin,
    priceMax: c.priceMax,
    surfaceMin: c.surfaceMin,
    surfaceMax: c.surfaceMax,
    roomsMin: c.roomsMin,
    roomsMax: c.roomsMax,
    types: undefined,
    postal: undefined,
    depts: undefined,
    cities: undefined,
    include: [],
    exclude: [],
    transaction: c.transaction,
  };
  if (nonEmpty(c.propertyTypes)) out.types = new Set(c.propertyTypes);
  if (nonEmpty(c.postalCodes)) {
    const codes = c.postalCodes.map((p) => p.trim());
    const full = codes.filter((p) => p.length === 5);
    const depts = codes.filter((p) => p.length === 2);
    if (full.length) out.postal = new Set(full);
    if (depts.length) out.depts = new Set(depts);
  }
  if (nonEmpty(c.cities)) out.cities = new Set(c.cities.map(foldCity).filter(Boolean));
  for (const k of c.keywords ?? []) {
    const neg = k.trim().startsWith('-');
    const w = foldWords(neg ? k.trim().slice(1) : k);
    if (w) (neg ? out.exclude : out.include).push(w);
  }
  return out;
}

/** Per-listing values computed once, whatever the number of alerts checked (fixed shape, see compile). */
class ListingContext {
  private textCache: string | undefined = undefined;
  readonly city: string;
  readonly transaction: TransactionType | undefined;
  readonly price: number | undefined;
  readonly surface: number | undefined;
  readonly rooms: number | undefined;
  readonly type: PropertyType | undefined;
  readonly postalCode: string | undefined;
  readonly dept: string | undefined;
  constructor(readonly l: ListingLike) {
    this.city = foldCity(l.city);
    this.price = l.price;
    this.surface = l.surface;
    this.rooms = l.rooms;
    this.type = l.propertyType;
    this.postalCode = l.postalCode;
    this.dept = l.postalCode?.slice(0, 2);
    this.transaction = l.transaction ?? (l.price === undefined ? undefined : l.price < 10_000 ? 'rent' : 'sale');
  }
  get text(): string {
    this.textCache ??= ` ${foldWords([this.l.title, this.l.description, this.l.address, this.l.city, ...(this.l.features ?? [])].filter(Boolean).join(' '))} `;
    return this.textCache;
  }
}

function inRange(v: number | undefined, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (v === undefined || !Number.isFinite(v)) return false;
  return (min === undefined || v >= min) && (max === undefined || v <= max);
}

function check(c: Compiled, ctx: ListingContext): boolean {
  if (c.transaction !== undefined && ctx.transaction !== c.transaction) return false;
  if (!inRange(ctx.price, c.priceMin, c.priceMax)) return false;
  if (!inRange(ctx.surface, c.surfaceMin, c.surfaceMax)) return false;
  if (!inRange(ctx.rooms, c.roomsMin, c.roomsMax)) return false;
  if (c.types !== undefined && (ctx.type === undefined || !c.types.has(ctx.type))) return false;
  if (c.postal !== undefined || c.depts !== undefined || c.cities !== undefined) {
    const pc = ctx.postalCode;
    const here = (pc !== undefined && (c.postal?.has(pc) || c.depts?.has(ctx.dept!))) || (ctx.city !== '' && c.cities?.has(ctx.city));
    if (!here) return false;
  }
  if (c.include.length > 0 || c.exclude.length > 0) {
    const text = ctx.text;
    for (const w of c.include) if (!text.includes(` ${w}`)) return false;
    for (const w of c.exclude) if (text.includes(` ${w}`)) return false;
  }
  return true;
}

/**
 * Does the listing satisfy every criterion the alert sets? A bound on a field the listing lacks
 * (no price, no surface) is not satisfied; empty lists set no constraint; postal codes and cities
 * together mean "any of these places".
 */
export function matches(criteria: AlertCriteria, listing: ListingLike): boolean {
  if (!offered(listing)) return false;
  return check(compile(criteria), new ListingContext(listing));
}

type Id = string | number;

/** Still on offer (no status counts as offered): under offer, sold or removed listings match no alert. */
const offered = (l: ListingLike): boolean => l.status === undefined || l.status === 'active';

/** Price bands of the index: an alert with a bounded price range is filed under each band it covers. */
const BAND = 25_000;
const MAX_BANDS = 80;

/** Alerts of one place (or of none), split by property type, then by price band. */
class Slot {
  /** Alerts without a usable price bound (no bound, or too wide a range): always checked. */
  readonly free: number[] = [];
  readonly bands = new Map<number, number[]>();
  add(i: number, c: Compiled): void {
    const lo = c.priceMin ?? 0;
    const hi = c.priceMax;
    if (hi === undefined || (hi - lo) / BAND > MAX_BANDS) {
      this.free.push(i);
      return;
    }
    for (let b = Math.floor(lo / BAND); b <= Math.floor(hi / BAND); b++) {
      const list = this.bands.get(b);
      if (list) list.push(i);
      else this.bands.set(b, [i]);
    }
  }
  collect(price: number | undefined, out: (i: number) => void): void {
    for (const i of this.free) out(i);
    // A listing without a price cannot satisfy a bounded alert: the bands are skipped.
    if (price !== undefined && Number.isFinite(price)) for (const i of this.bands.get(Math.floor(price / BAND)) ?? []) out(i);
  }
}

/** Alerts bucketed by the most selective thing a listing must share with them. */
class Bucket {
  readonly byType = new Map<PropertyType | '*', Slot>();
  add(i: number, c: Compiled): void {
    for (const t of c.types ?? ['*' as const]) {
      let slot = this.byType.get(t);
      if (!slot) {
        slot = new Slot();
        this.byType.set(t, slot);
      }
      slot.add(i, c);
    }
  }
  collect(type: PropertyType | undefined, price: number | undefined, out: (i: number) => void): void {
    this.byType.get('*')?.collect(price, out);
    if (type) this.byType.get(type)?.collect(price, out);
  }
}

/**
 * Compile alerts once; the returned function answers the ids of the alerts a listing matches, in
 * the order the alerts were given. See docs/watches-extraction.md for measured figures.
 */
export interface Matcher {
  (listing: ListingLike): Id[];
  /** Alerts actually checked so far (the index's pruning shows as checked ≪ alerts × listings). */
  readonly stats: { listings: number; checked: number };
}

export function buildMatcher(alerts: Array<{ id: Id; criteria: AlertCriteria }>): Matcher {
  const compiled = alerts.map((a) => compile(a.criteria ?? {}));
  const ids = alerts.map((a) => a.id);
  const byPostal = new Map<string, Bucket>();
  const byDept = new Map<string, Bucket>();
  const byCity = new Map<string, Bucket>();
  const anywhere = new Bucket();
  const bucket = (m: Map<string, Bucket>, k: string): Bucket => {
    let b = m.get(k);
    if (!b) {
      b = new Bucket();
      m.set(k, b);
    }
    return b;
  };
  compiled.forEach((c, i) => {
    if (!c.postal && !c.depts && !c.cities) {
      anywhere.add(i, c);
      return;
    }
    for (const p of c.postal ?? []) bucket(byPostal, p).add(i, c);
    for (const d of c.depts ?? []) bucket(byDept, d).add(i, c);
    for (const city of c.cities ?? []) bucket(byCity, city).add(i, c);
  });
  const seen = new Uint32Array(compiled.length);
  let stamp = 0;
  const stats = { listings: 0, checked: 0 };
  const match = (listing: ListingLike): Id[] => {
    if (!offered(listing)) return [];
    const ctx = new ListingContext(listing);
    stats.listings++;
    stamp = stamp === 0xffffffff ? 1 : stamp + 1;
    if (stamp === 1) seen.fill(0);
    const hits: number[] = [];
    const visit = (i: number): void => {
      if (seen[i] === stamp) return;
      seen[i] = stamp;
      stats.checked++;
      if (check(compiled[i]!, ctx)) hits.push(i);
    };
    const type = ctx.type;
    const price = ctx.price;
    anywhere.collect(type, price, visit);
    const pc = ctx.postalCode;
    if (pc) {
      byPostal.get(pc)?.collect(type, price, visit);
      byDept.get(ctx.dept!)?.collect(type, price, visit);
    }
    if (ctx.city) byCity.get(ctx.city)?.collect(type, price, visit);
    hits.sort((a, b) => a - b);
    return hits.map((i) => ids[i]!);
  };
  return Object.assign(match, { stats });
}
