/**
 * The Sage Business Cloud Accounting (API v3.1) adapter behind the SageSource port: incremental
 * reads with `updated_or_created_since` / `deleted_since`, following `$next`, newest first so that
 * a record changed while we page is read again rather than skipped, a restart from page 1 when
 * `$total` shrinks (rows deleted under us), and writes as PUT / POST of `{contact: {...}}` bodies.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { Db } from '../../../db/client.js';
import type { SourceRecord } from '../source.js';
import { SageHttp, type SageLimiter } from './http.js';
import type { SageEntity, SageEntitySource, SageSource, SageSourcePage } from './port.js';
import { SageTokenStore } from './token-store.js';
import { RESOURCE, cursorFrom, decodePageToken, encodePageToken, sageSince, serverTime, toSourceRecord, toWriteBody, type PageToken } from './wire.js';
import { textOf } from '../../../core/text-of.js';

export type SageConfig = Pick<
  Config,
  | 'SAGE_API_URL'
  | 'SAGE_OAUTH_URL'
  | 'SAGE_CLIENT_ID'
  | 'SAGE_CLIENT_SECRET'
  | 'SAGE_BUSINESS_ID'
  | 'SAGE_REFRESH_TOKEN'
  | 'SAGE_ITEMS_PER_PAGE'
  | 'SAGE_MAX_429_RETRIES'
  | 'SAGE_REQUEST_TIMEOUT_MS'
>;

export interface SageBusinessCloudDeps {
  db: Db;
  config: SageConfig;
  /** The engine's limiter shared by every worker (activities/sync/rate-limit.ts). */
  limiter?: SageLimiter;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface SageList {
  $total: number;
  $next: string | null;
  $items: Array<Record<string, unknown>>;
}

/** How many times one listing may start over because rows vanished under it. */
const MAX_RESTARTS = 3;

function isType(err: unknown, type: string): boolean {
  return err instanceof ApplicationFailure && err.type === type;
}

export function createSageBusinessCloud(deps: SageBusinessCloudDeps): SageSource & { http: SageHttp; tokens: SageTokenStore } {
  const c = deps.config;
  const missing = (['SAGE_CLIENT_ID', 'SAGE_CLIENT_SECRET', 'SAGE_BUSINESS_ID'] as const).filter((k) => !c[k]);
  if (missing.length > 0) {
    throw ApplicationFailure.create({ type: 'SageNotConfigured', message: `Sage adapter needs ${missing.join(', ')}`, nonRetryable: true });
  }
  const tokens = new SageTokenStore(
    deps.db,
    {
      tokenUrl: c.SAGE_OAUTH_URL,
      clientId: c.SAGE_CLIENT_ID,
      clientSecret: c.SAGE_CLIENT_SECRET,
      businessId: c.SAGE_BUSINESS_ID,
      ...(c.SAGE_REFRESH_TOKEN ? { initialRefreshToken: c.SAGE_REFRESH_TOKEN } : {}),
      timeoutMs: c.SAGE_REQUEST_TIMEOUT_MS,
    },
    deps.now,
  );
  const http = new SageHttp({
    apiUrl: c.SAGE_API_URL,
    businessId: c.SAGE_BUSINESS_ID,
    tokens,
    max429Retries: c.SAGE_MAX_429_RETRIES,
    timeoutMs: c.SAGE_REQUEST_TIMEOUT_MS,
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const now = deps.now ?? Date.now;

  const firstPage = (entity: SageEntity, since: Date | null, perPage: number, deleted = false) => {
    const q = new URLSearchParams({ items_per_page: String(perPage), page: '1', sort: 'updated_at:desc' });
    if (deleted) q.set('deleted_since', sageSince(since ?? new Date(0)));
    else {
      q.set('attributes', 'all');
      if (since) q.set('updated_or_created_since', sageSince(since));
      if (entity === 'customers') q.set('contact_type_id', 'CUSTOMER');
    }
    return `/${RESOURCE[entity]}?${q.toString()}`;
  };

  const list = async (path: string) => {
    const r = await http.request('GET', path);
    const b = r.body as Partial<SageList> | undefined;
    if (!b || !Array.isArray(b.$items) || typeof b.$total !== 'number') {
      throw ApplicationFailure.create({ type: 'SageUnavailable', message: `GET ${path}: not a Sage list body` });
    }
    return { list: b as SageList, date: r.date };
  };

  /** One page of a listing, following `$next`; the token carries what is needed to resume. */
  const page = async (entity: SageEntity, since: Date | null, token: string | null, pageSize: number, deleted: boolean) => {
    const perPage = Math.max(1, Math.min(pageSize, c.SAGE_ITEMS_PER_PAGE));
    const tok: (PageToken & { n?: string }) | null = token ? decodePageToken(token) : null;
    let path = tok?.n ?? firstPage(entity, since, perPage, deleted);
    let { list: body, date } = await list(path);
    let state: PageToken & { n?: string };
    if (!tok) state = { p: 1, t: body.$total, s: serverTime(date, now()), r: 0 };
    else {
      state = { ...tok };
      if (body.$total < tok.t && tok.r < MAX_RESTARTS) {
        // Rows left the set while we paged: later rows moved onto pages already read. Start over
        // (records read twice are synced twice, harmlessly); the start time stays the earliest.
        path = firstPage(entity, since, perPage, deleted);
        ({ list: body, date } = await list(path));
        state = { p: 1, t: body.$total, s: tok.s, r: tok.r + 1 };
      }
    }
    const next = body.$next ? encodePageToken({ ...state, p: state.p + 1, n: body.$next } as PageToken) : null;
    return { items: body.$items, next, cursor: cursorFrom(state.s) };
  };

  /**
   * A customer's contact persons: carried by its full representation where Sage embeds them,
   * otherwise read from `GET /contact_persons?contact_id=` (one call per customer).
   */
  const withPersons = async (entity: SageEntity, items: Array<Record<string, unknown>>) => {
    if (entity !== 'customers') return items;
    for (const item of items) {
      if (Array.isArray(item.contact_persons) || typeof item.id !== 'string') continue;
      const q = new URLSearchParams({ contact_id: item.id, attributes: 'all', items_per_page: '200' });
      item.contact_persons = (await list(`/contact_persons?${q.toString()}`)).list.$items;
    }
    return items;
  };

  const entitySource = (entity: SageEntity): SageEntitySource => ({
    async listChanged(since, pageToken, pageSize): Promise<SageSourcePage> {
      const r = await page(entity, since, pageToken, pageSize, false);
      return { items: (await withPersons(entity, r.items)).map(toSourceRecord), next: r.next, cursor: r.cursor };
    },
    async listDeleted(since) {
      const ids: string[] = [];
      let token: string | null = null;
      do {
        const r = await page(entity, since, token, c.SAGE_ITEMS_PER_PAGE, true);
        for (const i of r.items) ids.push(String(i.id));
        token = r.next;
      } while (token);
      return [...new Set(ids)];
    },
    async get(id): Promise<SourceRecord | null> {
      try {
        const r = await http.request('GET', `/${RESOURCE[entity]}/${encodeURIComponent(id)}`);
        return toSourceRecord((await withPersons(entity, [r.body as Record<string, unknown>]))[0]!);
      } catch (err) {
        if (isType(err, 'SageNotFound')) return null;
        throw err;
      }
    },
    async update(id, patch) {
      const r = await http.request('PUT', `/${RESOURCE[entity]}/${encodeURIComponent(id)}`, toWriteBody(entity, patch));
      return toSourceRecord(r.body as Record<string, unknown>);
    },
    async remove(id) {
      try {
        await http.request('DELETE', `/${RESOURCE[entity]}/${encodeURIComponent(id)}`);
      } catch (err) {
        if (!isType(err, 'SageNotFound')) throw err; // already gone: done
      }
    },
  });

  const customers = entitySource('customers');

  const findByReference = async (reference: string): Promise<SourceRecord | null> => {
    const q = new URLSearchParams({ search: reference, attributes: 'all', items_per_page: '200', contact_type_id: 'CUSTOMER' });
    const { list: body } = await list(`/contacts?${q.toString()}`);
    const hit = body.$items.find((i) => textOf(i.reference ?? '').toLowerCase() === reference.toLowerCase());
    return hit ? toSourceRecord(hit) : null;
  };

  return {
    kind: 'business-cloud',
    customers,
    quotes: entitySource('quotes'),
    invoices: entitySource('invoices'),
    http,
    tokens,
    async upsertQuote(reference, fields) {
      const q = new URLSearchParams({ search: reference, attributes: 'all', items_per_page: '200' });
      const found = async () => (await list(`/sales_quotes?${q.toString()}`)).list.$items.find((i) => textOf(i.reference ?? '') === reference);
      const existing = await found();
      if (existing) return { record: toSourceRecord(existing), created: false };
      const r = await http.request('POST', '/sales_quotes', { sales_quote: { ...fields, reference } });
      return { record: toSourceRecord(r.body as Record<string, unknown>), created: true };
    },
    async contactPersonExists(id) {
      try {
        await http.request('GET', `/contact_persons/${encodeURIComponent(id)}`);
        return true;
      } catch (err) {
        if (isType(err, 'SageNotFound')) return false;
        throw err;
      }
    },
    async upsertCustomer(reference, fields) {
      const existing = await findByReference(reference);
      if (existing) {
        const record = Object.keys(fields).length > 0 ? await customers.update(existing.id, fields) : existing;
        return { record, created: false };
      }
      const body = toWriteBody('customers', fields);
      Object.assign(body.contact as Record<string, unknown>, { reference, contact_type_ids: ['CUSTOMER'] });
      try {
        const r = await http.request('POST', '/contacts', body);
        return { record: toSourceRecord(r.body as Record<string, unknown>), created: true };
      } catch (err) {
        // Another caller created it between our lookup and our POST: Sage refuses the reference.
        if (!isType(err, 'SageValidationError') || !/reference/.test((err as Error).message)) throw err;
        const raced = await findByReference(reference);
        if (!raced) throw err;
        return { record: Object.keys(fields).length > 0 ? await customers.update(raced.id, fields) : raced, created: false };
      }
    },
  };
}
