/**
 * A stateful Sage Business Cloud Accounting (API v3.1) on 127.0.0.1: OAuth2 token endpoint with
 * refresh-token rotation and short-lived access tokens, `X-Business`, contacts / sales_quotes /
 * sales_invoices with `$next`/`$back`/`$total` pagination, `updated_or_created_since` and
 * `deleted_since`, a rolling-window rate limit (429 + Retry-After), and test controls to change
 * records "in Sage" directly and to expire tokens.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, RollingWindow, sendJson } from '../hubspot/http.js';
import {
  BODY_KEY,
  SAGE_RESOURCES,
  SageError,
  applyArtefact,
  applyContact,
  artefactWire,
  contactWire,
  newSageId,
  type Lookup,
  type SageRecord,
  type SageResource,
} from './resources.js';
import { applyContactPerson, contactPersonWire, mainPersonWire, withSubIds } from './contact-persons.js';
import { textOf } from '../../core/text-of.js';

export type { SageResource } from './resources.js';
export { SageError } from './resources.js';

export interface SageFakeOptions {
  clientId?: string;
  clientSecret?: string;
  businessId?: string;
  /** A refresh token valid at start (what the first authorization gave); default random. */
  initialRefreshToken?: string;
  /** Access-token lifetime; Sage's is 300 s. */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  rateLimit?: { max: number; windowMs?: number };
  /**
   * Whether a contact's full representation carries its `contact_persons` (default true). Off, a
   * client reads them from `GET /contact_persons?contact_id=` as it must where Sage does not embed them.
   */
  embedContactPersons?: boolean;
  /** Clock for created_at / updated_at / deleted_at and token expiry. Default Date.now. */

  now?: () => number;
}

export interface SageRequestRecord {
  method: string;
  route: string;
  status: number;
  at: number;
}
export interface SageStats {
  requests: number;
  throttled: number;
  byRoute: Record<string, number>;
  /** Successful refresh-token grants. */
  tokenRefreshes: number;
  /** Refresh grants refused (stale, unknown or expired refresh token, bad client). */
  rejectedRefreshes: number;
  /** API calls refused 401 (expired or unknown access token). */
  unauthorized: number;
  log: SageRequestRecord[];
}

export interface SageFailureRule {
  method?: string;
  path?: string | RegExp;
  status: number;
  count?: number;
}

type Json = Record<string, unknown>;

export interface SageFake {
  /** Server root. */
  url: string;
  /** API base for SAGE_API_URL: `${url}/v3.1`. */
  apiUrl: string;
  /** Token endpoint for SAGE_OAUTH_URL: `${url}/oauth2/token` (`/token` answers too). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  businessId: string;
  close(): Promise<void>;
  /** The refresh token Sage currently accepts (the latest issued). */
  currentRefreshToken(): string;
  /** A fresh authorization: issues a new valid refresh token (invalidating the previous one). */
  issueRefreshToken(): string;
  /** Every access token issued so far stops working now. */
  expireAccessTokens(): void;
  setRateLimit(limit: { max: number; windowMs?: number } | undefined): void;
  failNext(rule: SageFailureRule): void;
  stats(): SageStats;
  resetStats(): void;
  /** Full v3.1 representation of a record (deleted ones too, with deleted_at). */
  get(resource: SageResource, id: string): Json | undefined;
  /** Live records, full representation, in creation order. */
  list(resource: SageResource): Json[];
  /** Changes made "in Sage" by a person: same validation and timestamps as the API. */
  direct: {
    create(resource: SageResource, body: Json): Json;
    update(resource: SageResource, id: string, body: Json): Json;
    delete(resource: SageResource, id: string): void;
  };
}

const base = (w: Json) => ({ id: w.id, displayed_as: w.displayed_as, $path: w.$path });

function parseSince(v: string, name: string): number {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw SageError.one(422, 'InvalidParameter', `${name} is not a valid date or date-time`, name);
  return t;
}

export async function startSageFake(options: SageFakeOptions = {}): Promise<SageFake> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'sage-fake-client-id';
  const clientSecret = options.clientSecret ?? 'sage-fake-client-secret';
  const businessId = options.businessId ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const accessTtl = (options.accessTokenTtlSeconds ?? 300) * 1000;
  const refreshTtl = (options.refreshTokenTtlSeconds ?? 31 * 24 * 3600) * 1000;

  const records = new Map<SageResource, Map<string, SageRecord>>(SAGE_RESOURCES.map((r) => [r, new Map()]));
  const numbers = new Map<SageResource, number>();
  /** Live contacts by lower-cased reference (Sage keeps references unique). */
  const references = new Map<string, string>();
  const indexReference = (r: SageRecord, on: boolean) => {
    const ref = r.resource === 'contacts' && r.data.reference ? textOf(r.data.reference).toLowerCase() : undefined;
    if (ref === undefined) return;
    if (on) references.set(ref, r.id);
    else if (references.get(ref) === r.id) references.delete(ref);
  };
  let seq = 0;
  const accessTokens = new Map<string, number>();
  let refresh = { token: options.initialRefreshToken ?? `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };
  let window = options.rateLimit ? new RollingWindow(options.rateLimit.max, options.rateLimit.windowMs ?? 60_000) : undefined;
  let stats: SageStats = { requests: 0, throttled: 0, byRoute: {}, tokenRefreshes: 0, rejectedRefreshes: 0, unauthorized: 0, log: [] };
  const failures: Array<SageFailureRule & { left: number }> = [];

  const lookup: Lookup = {
    contact: (id) => records.get('contacts')!.get(id),
    referenceTaken: (ref, exceptId) => {
      const holder = references.get(ref.toLowerCase());
      return holder !== undefined && holder !== exceptId;
    },
    nextNumber: (resource) => {
      const n = (numbers.get(resource) ?? 0) + 1;
      numbers.set(resource, n);
      return n;
    },
  };

  /** Contact persons by contact, and contacts by their main address / main person id. */
  const personsOf = new Map<string, Set<string>>();
  const addressOwner = new Map<string, string>();
  const mainPersonOwner = new Map<string, string>();
  const liveContact = (id: string | undefined) => {
    const c = id ? records.get('contacts')!.get(id) : undefined;
    return c && c.deletedAt === undefined ? c : undefined;
  };
  const indexPerson = (r: SageRecord, on: boolean) => {
    const owner = String(r.data.contact_id);
    if (!personsOf.has(owner)) personsOf.set(owner, new Set());
    personsOf.get(owner)![on ? 'add' : 'delete'](r.id);
  };
  /** A change to a person is a change to its contact (an incremental read of contacts sees it). */
  const touch = (contactId: unknown) => {
    const c = liveContact(String(contactId));
    if (c) c.updatedAt = now();
  };

  const wire = (r: SageRecord): Json => {
    if (r.resource === 'contact_persons') return contactPersonWire(r);
    if (r.resource !== 'contacts') return artefactWire(r, records.get('contacts')!.get(r.data.contact_id as string));
    const others = [...(personsOf.get(r.id) ?? [])].map((id) => records.get('contact_persons')!.get(id)!).sort((a, b) => a.seq - b.seq);
    if (options.embedContactPersons === false) return contactWire(r);
    return { ...contactWire(r), contact_persons: [mainPersonWire(r), ...others.map(contactPersonWire)] };
  };

  const apply = (resource: SageResource, input: Json, existing?: SageRecord): Json =>
    resource === 'contacts'
      ? applyContact(input, existing?.data, existing?.id, lookup)
      : resource === 'contact_persons'
        ? applyContactPerson(input, existing?.data, (addressId) => liveContact(addressOwner.get(addressId)))
        : applyArtefact(resource, input, existing?.data, lookup);

  const create = (resource: SageResource, input: Json): SageRecord => {
    let data = apply(resource, input);
    if (resource === 'contacts') data = withSubIds(data);
    const t = now();
    const r: SageRecord = { id: newSageId(), seq: ++seq, resource, createdAt: t, updatedAt: t, data };
    records.get(resource)!.set(r.id, r);
    indexReference(r, true);
    if (resource === 'contacts') {
      addressOwner.set(String((data.main_address as Json).id), r.id);
      mainPersonOwner.set(String((data.main_contact_person as Json).id), r.id);
    }
    if (resource === 'contact_persons') {
      indexPerson(r, true);
      touch(data.contact_id);
    }
    return r;
  };
  const live = (resource: SageResource, id: string): SageRecord => {
    const r = records.get(resource)!.get(id);
    if (!r || r.deletedAt !== undefined) throw SageError.one(404, 'RecordNotFound', 'Resource not found');
    return r;
  };
  const update = (resource: SageResource, id: string, input: Json): SageRecord => {
    const r = live(resource, id);
    const data = apply(resource, input, r);
    indexReference(r, false);
    if (resource === 'contact_persons') indexPerson(r, false);
    const before = r.data.contact_id;
    r.data = data;
    indexReference(r, true);
    r.updatedAt = now();
    if (resource === 'contact_persons') {
      indexPerson(r, true);
      touch(before);
      touch(data.contact_id);
    }
    return r;
  };
  const remove = (resource: SageResource, id: string): void => {
    const r = live(resource, id);
    if (resource === 'contacts') {
      const used = [...records.get('sales_quotes')!.values(), ...records.get('sales_invoices')!.values()].some(
        (x) => x.deletedAt === undefined && x.data.contact_id === id,
      );
      if (used) throw SageError.one(422, 'RecordInvalid', 'Contact cannot be deleted: it has transactions', 'base');
    }
    r.deletedAt = now();
    r.updatedAt = r.deletedAt;
    indexReference(r, false);
    if (resource === 'contact_persons') {
      indexPerson(r, false);
      touch(r.data.contact_id);
    }
    if (resource === 'contacts') {
      // The contact's persons go with it.
      for (const pid of personsOf.get(id) ?? []) records.get('contact_persons')!.get(pid)!.deletedAt = r.deletedAt;
      personsOf.delete(id);
    }
  };

  const unwrap = (resource: SageResource, body: unknown): Json => {
    const inner = (body as Json | undefined)?.[BODY_KEY[resource]];
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      throw SageError.one(422, 'RecordInvalid', `the request body must be {"${BODY_KEY[resource]}": {...}}`, BODY_KEY[resource]);
    }
    return inner as Json;
  };

  const listing = (resource: SageResource, url: URL): Json => {
    const q = url.searchParams;
    const perPage = q.has('items_per_page') ? Number(q.get('items_per_page')) : 20;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      throw SageError.one(422, 'InvalidParameter', 'items_per_page must be between 1 and 200', 'items_per_page');
    const page = q.has('page') ? Number(q.get('page')) : 1;
    if (!Number.isInteger(page) || page < 1) throw SageError.one(422, 'InvalidParameter', 'page must be a positive integer', 'page');
    let rows = [...records.get(resource)!.values()];
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
  };

  const tokenGrant = (body: string, req: IncomingMessage): { status: number; body: Json } => {
    const type = req.headers['content-type'] ?? '';
    const params: Record<string, string> = type.includes('application/json')
      ? (JSON.parse(body || '{}') as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(body));
    let id = params.client_id;
    let secret = params.client_secret;
    const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    if (basic) [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':') as [string, string];
    if (id !== clientId || secret !== clientSecret) {
      stats.rejectedRefreshes++;
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    if (params.grant_type !== 'refresh_token') {
      stats.rejectedRefreshes++;
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `grant_type ${params.grant_type ?? '(none)'} is not supported here` } };
    }
    if (!params.refresh_token || params.refresh_token !== refresh.token || refresh.expiresAt <= now()) {
      stats.rejectedRefreshes++;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or was already used' } };
    }
    const access = `at-${randomBytes(24).toString('hex')}`;
    accessTokens.set(access, now() + accessTtl);
    refresh = { token: `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };
    stats.tokenRefreshes++;
    return {
      status: 200,
      body: {
        access_token: access,
        expires_in: accessTtl / 1000,
        token_type: 'bearer',
        refresh_token: refresh.token,
        refresh_token_expires_in: refreshTtl / 1000,
        scope: 'full_access',
        requested_by_id: 'f3e4d5c6b7a8',
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sage.fake');
    const path = url.pathname;
    const route = `${method} ${path.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/{id}')}`;
    const record: SageRequestRecord = { method, route, status: 0, at: now() };
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    stats.log.push(record);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      sendJson(res, status, body, { date: new Date(now()).toUTCString(), ...headers });
    };
    const fail = (e: SageError) => answer(e.httpStatus, e.items);

    if (window) {
      const wait = window.take(Date.now());
      if (wait > 0) {
        stats.throttled++;
        return answer(429, SageError.one(429, 'TooManyRequests', 'Rate limit exceeded, retry later').items, { 'retry-after': String(Math.ceil(wait / 1000)) });
      }
    }
    const raw = await readBody(req);
    const ruleIndex = failures.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    if (ruleIndex >= 0) {
      const rule = failures[ruleIndex]!;
      if (--rule.left <= 0) failures.splice(ruleIndex, 1);
      return fail(SageError.one(rule.status, 'InjectedFailure', 'Injected failure'));
    }

    if (method === 'POST' && (path === '/oauth2/token' || path === '/token')) {
      try {
        const g = tokenGrant(raw, req);
        return answer(g.status, g.body);
      } catch {
        return answer(400, { error: 'invalid_request', error_description: 'Malformed token request' });
      }
    }
    if (!path.startsWith('/v3.1/')) return fail(SageError.one(404, 'RouteNotFound', `No route for ${method} ${path}`));

    const token = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const expiry = token ? accessTokens.get(token) : undefined;
    if (expiry === undefined || expiry <= now()) {
      stats.unauthorized++;
      return fail(
        expiry === undefined
          ? SageError.one(401, 'InvalidAccessToken', 'The access token is invalid')
          : SageError.one(401, 'ExpiredAccessToken', 'The access token has expired'),
      );
    }
    const business = req.headers['x-business'];
    if (!business) return fail(SageError.one(400, 'MissingBusiness', 'The X-Business header is required', 'X-Business'));
    if (business !== businessId) return fail(SageError.one(403, 'BusinessNotFound', 'You do not have access to this business', 'X-Business'));

    const parts = path.slice('/v3.1/'.length).split('/').filter(Boolean);
    const resource = SAGE_RESOURCES.find((r) => r === parts[0]);
    try {
      if (!resource || parts.length > 2) throw SageError.one(404, 'RouteNotFound', `No route for ${method} ${path}`);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw SageError.one(400, 'InvalidJSON', 'The request body is not valid JSON');
        }
      }
      if (parts.length === 1 && method === 'GET') return answer(200, listing(resource, url));
      if (parts.length === 1 && method === 'POST') return answer(201, wire(create(resource, unwrap(resource, body))));
      const id = parts[1]!;
      if (method === 'GET' && resource === 'contact_persons' && liveContact(mainPersonOwner.get(id))) {
        return answer(200, mainPersonWire(liveContact(mainPersonOwner.get(id))!));
      }
      if (method === 'GET') {
        const r = records.get(resource)!.get(id);
        if (!r || r.deletedAt !== undefined) throw SageError.one(404, 'RecordNotFound', 'Resource not found');
        return answer(200, wire(r));
      }
      if (method === 'PUT') return answer(200, wire(update(resource, id, unwrap(resource, body))));
      if (method === 'DELETE') {
        remove(resource, id);
        return answer(204);
      }
      throw SageError.one(405, 'MethodNotAllowed', `${method} is not allowed here`);
    } catch (err) {
      if (err instanceof SageError) return fail(err);
      return fail(SageError.one(500, 'InternalError', (err as Error).message));
    }
  };

  const server = await listen((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, [{ $severity: 'error', $dataCode: 'InternalError', $message: String(err), $source: '' }]);
    });
  });

  return {
    url: server.url,
    apiUrl: `${server.url}/v3.1`,
    tokenUrl: `${server.url}/oauth2/token`,
    clientId,
    clientSecret,
    businessId,
    close: () => server.close(),
    currentRefreshToken: () => refresh.token,
    issueRefreshToken() {
      refresh = { token: `rt-${randomBytes(24).toString('hex')}`, expiresAt: now() + refreshTtl };
      return refresh.token;
    },
    expireAccessTokens() {
      for (const k of accessTokens.keys()) accessTokens.set(k, 0);
    },
    setRateLimit(limit) {
      window = limit ? new RollingWindow(limit.max, limit.windowMs ?? 60_000) : undefined;
    },
    failNext(rule) {
      failures.push({ ...rule, left: rule.count ?? 1 });
    },
    stats: () => stats,
    resetStats() {
      stats = { requests: 0, throttled: 0, byRoute: {}, tokenRefreshes: 0, rejectedRefreshes: 0, unauthorized: 0, log: [] };
    },
    get(resource, id) {
      const r = records.get(resource)!.get(id);
      return r ? wire(r) : undefined;
    },
    list: (resource) => [...records.get(resource)!.values()].filter((r) => r.deletedAt === undefined).map(wire),
    direct: {
      create: (resource, body) => wire(create(resource, body)),
      update: (resource, id, body) => wire(update(resource, id, body)),
      delete: (resource, id) => remove(resource, id),
    },
  };
}
