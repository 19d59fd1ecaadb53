/**
 * A stateful fake of Cloudflare's API v4 (zones and DNS records) speaking its wire format: the
 * `{success, errors, messages, result, result_info}` envelope, page / per_page pagination, Bearer
 * token auth, 400 / 404 errors with Cloudflare's codes, and 429 with Retry-After on request.
 * Reached through the official `cloudflare` SDK with `baseURL: fake.baseURL`.
 *
 * Every A / AAAA / CNAME / TXT change is mirrored to pebble-challtestsrv (when given), so names
 * resolve in its DNS and Pebble's DNS-01 validation sees `_acme-challenge` TXT records.
 *
 * One file (just over 300 lines) on purpose: the stores, the envelope and the routes are one
 * peer's state, read together when the SDK's expectations change.
 */
import { randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from '../http.js';
import { postManagement } from './challtestsrv.js';
import { textOf } from '../../core/text-of.js';

export interface FakeZone {
  id: string;
  name: string;
  status: 'pending' | 'active';
  type: 'full';
  name_servers: string[];
  account: { id: string; name: string };
  created_on: string;
  modified_on: string;
}

export interface FakeRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  proxiable: boolean;
  comment: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  created_on: string;
  modified_on: string;
}

export interface CloudflareFake {
  /** What to give the SDK as `baseURL` (…/client/v4). */
  baseURL: string;
  /** Config overrides pointing the Cloudflare adapter here. */
  env: Record<'CLOUDFLARE_BASE_URL' | 'CLOUDFLARE_API_TOKEN' | 'CLOUDFLARE_ACCOUNT_ID', string>;
  token: string;
  accountId: string;
  zones(): FakeZone[];
  records(zoneId: string): FakeRecord[];
  /** Every request seen, in order ("GET /zones?name=x"). */
  requests: string[];
  /** The next `count` requests (matching `path` when given) fail with this status (429 carries Retry-After). */
  failNext(opts: { status: number; count?: number; retryAfterSeconds?: number; path?: RegExp }): void;
  close(): Promise<void>;
}

export interface CloudflareFakeOptions {
  token?: string;
  accountId?: string;
  nameservers?: string[];
  /** challtestsrv management URL to mirror records to. */
  challtestsrvUrl?: string;
}

const RECORD_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'CAA', 'SRV']);
const MIRRORED = new Set(['A', 'AAAA', 'CNAME', 'TXT']);
const id32 = () => randomBytes(16).toString('hex');
const now = () => new Date().toISOString();
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$/;

class CfError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function envelope(result: unknown, resultInfo?: Record<string, number>) {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

function paginate<T>(items: T[], q: URLSearchParams, defaultPer: number, maxPer: number) {
  const page = Math.max(1, Number(q.get('page') ?? 1) || 1);
  const perPage = Math.min(maxPer, Math.max(1, Number(q.get('per_page') ?? defaultPer) || defaultPer));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return envelope(slice, {
    page,
    per_page: perPage,
    count: slice.length,
    total_count: items.length,
    total_pages: Math.max(1, Math.ceil(items.length / perPage)),
  });
}

/** `name`, `name.exact` and the SDK's `name[exact]`-style filters. */
function filterValue(q: URLSearchParams, field: string): string | undefined {
  return q.get(`${field}.exact`) ?? q.get(`${field}[exact]`) ?? q.get(field) ?? undefined;
}

export async function startCloudflareFake(opts: CloudflareFakeOptions = {}): Promise<CloudflareFake> {
  const token = opts.token ?? 'cf-test-token-0123456789';
  const accountId = opts.accountId ?? id32();
  const nameservers = opts.nameservers ?? ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'];
  const zones = new Map<string, FakeZone>();
  const records = new Map<string, FakeRecord[]>();
  const requests: string[] = [];
  let failures: Array<{ status: number; count: number; retryAfterSeconds?: number; path?: RegExp }> = [];

  async function mirror(name: string, type: string): Promise<void> {
    if (!opts.challtestsrvUrl || !MIRRORED.has(type)) return;
    const host = `${name}.`;
    const all = [...records.values()].flat().filter((r) => r.name === name && r.type === type);
    const m = (path: string, body: unknown) => postManagement(opts.challtestsrvUrl!, path, body);
    if (type === 'TXT') {
      await m('/clear-txt', { host });
      for (const r of all) await m('/set-txt', { host, value: r.content.replace(/^"(.*)"$/, '$1') });
    } else if (type === 'A' || type === 'AAAA') {
      const kind = type === 'A' ? 'a' : 'aaaa';
      await m(`/clear-${kind}`, { host });
      if (all.length) await m(`/add-${kind}`, { host, addresses: all.map((r) => r.content) });
    } else {
      await m('/clear-cname', { host });
      if (all[0]) await m('/set-cname', { host, target: `${all[0].content.replace(/\.$/, '')}.` });
    }
  }

  function zoneOr404(zoneId: string): FakeZone {
    const z = zones.get(zoneId);
    if (!z) throw new CfError(404, 7003, `Could not route to /zones/${zoneId}, perhaps your object identifier is invalid?`);
    return z;
  }

  /** Validates a record body into its stored fields (name made fully qualified within the zone). */
  function recordFields(zone: FakeZone, body: Record<string, unknown>, partialOf?: FakeRecord) {
    const type = textOf(body.type ?? partialOf?.type ?? '').toUpperCase();
    if (!RECORD_TYPES.has(type)) throw new CfError(400, 9004, 'DNS record type is invalid.');
    let name = textOf(body.name ?? partialOf?.name ?? '')
      .toLowerCase()
      .replace(/\.$/, '');
    if (name === '@' || name === '') name = zone.name;
    else if (name !== zone.name && !name.endsWith(`.${zone.name}`)) name = `${name}.${zone.name}`;
    const content = textOf(body.content ?? partialOf?.content ?? '');
    if (!content) throw new CfError(400, 9007, 'Content is required.');
    if (type === 'A' && !isIPv4(content)) throw new CfError(400, 9005, 'Content for A record must be a valid IPv4 address.');
    if (type === 'AAAA' && !isIPv6(content)) throw new CfError(400, 9006, 'Content for AAAA record must be a valid IPv6 address.');
    const ttl = Number(body.ttl ?? partialOf?.ttl ?? 1);
    if (!(ttl === 1 || (ttl >= 60 && ttl <= 86_400))) throw new CfError(400, 9020, 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.');
    const proxied = Boolean(body.proxied ?? partialOf?.proxied ?? false);
    if (proxied && !['A', 'AAAA', 'CNAME'].includes(type)) throw new CfError(400, 9041, 'This record type cannot be proxied.');
    const comment = (body.comment as string | undefined) ?? partialOf?.comment ?? null;
    return { type, name, content, ttl, proxied, comment };
  }

  function checkConflicts(zoneId: string, f: { type: string; name: string; content: string }, selfId?: string) {
    const others = (records.get(zoneId) ?? []).filter((r) => r.id !== selfId && r.name === f.name);
    if (others.some((r) => r.type === f.type && r.content === f.content)) {
      throw new CfError(400, 81058, 'An identical record already exists.');
    }
    const addressish = ['A', 'AAAA', 'CNAME'];
    if ((f.type === 'CNAME' && others.some((r) => addressish.includes(r.type))) || (addressish.includes(f.type) && others.some((r) => r.type === 'CNAME'))) {
      throw new CfError(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}${url.search}`);

    const failure = failures.find((f) => !f.path || f.path.test(path));
    if (failure) {
      failure.count -= 1;
      failures = failures.filter((f) => f.count > 0);
      const headers: Record<string, string> = failure.status === 429 ? { 'retry-after': String(failure.retryAfterSeconds ?? 1) } : {};
      const code = failure.status === 429 ? 971 : 1000;
      const message = failure.status === 429 ? 'Please wait and consider throttling your request speed' : 'Internal server error';
      return sendJson(res, failure.status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new CfError(403, 9109, 'Unauthorized to access requested resource');
    }
    const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new CfError(400, 6007, 'Malformed JSON in request body');
      }
    }
    const q = url.searchParams;
    let m: RegExpMatchArray | null;

    if (path === '/zones' && method === 'GET') {
      const name = filterValue(q, 'name');
      const acct = q.get('account.id') ?? q.get('account[id]');
      const list = [...zones.values()]
        .filter((z) => (!name || z.name === name.toLowerCase()) && (!acct || z.account.id === acct))
        .sort((a, b) => a.name.localeCompare(b.name));
      return sendJson(res, 200, paginate(list, q, 20, 50));
    }
    if (path === '/zones' && method === 'POST') {
      const name = textOf(body.name ?? '').toLowerCase();
      if (!DOMAIN_RE.test(name)) throw new CfError(400, 1049, `${name || '(empty)'} is not a registered domain`);
      const acct = (body.account as { id?: string } | undefined)?.id;
      if (acct && acct !== accountId) throw new CfError(403, 1068, 'Permission denied for this account');
      if ([...zones.values()].some((z) => z.name === name)) throw new CfError(400, 1061, `${name} already exists`);
      const zone: FakeZone = {
        id: id32(),
        name,
        status: 'pending',
        type: 'full',
        name_servers: nameservers,
        account: { id: accountId, name: 'Atelier' },
        created_on: now(),
        modified_on: now(),
      };
      zones.set(zone.id, zone);
      records.set(zone.id, []);
      return sendJson(res, 200, envelope(zone));
    }
    if ((m = path.match(/^\/zones\/([^/]+)$/))) {
      const zone = zoneOr404(m[1]!);
      if (method === 'GET') return sendJson(res, 200, envelope(zone));
      if (method === 'DELETE') {
        const gone = records.get(zone.id) ?? [];
        zones.delete(zone.id);
        records.delete(zone.id);
        for (const r of gone) await mirror(r.name, r.type);
        return sendJson(res, 200, envelope({ id: zone.id }));
      }
    }
    if ((m = path.match(/^\/zones\/([^/]+)\/dns_records$/))) {
      const zone = zoneOr404(m[1]!);
      const list = records.get(zone.id)!;
      if (method === 'GET') {
        const type = q.get('type');
        const name = filterValue(q, 'name')?.toLowerCase().replace(/\.$/, '');
        const content = filterValue(q, 'content');
        const found = list.filter((r) => (!type || r.type === type) && (!name || r.name === name) && (!content || r.content === content));
        return sendJson(res, 200, paginate(found, q, 100, 5000));
      }
      if (method === 'POST') {
        const f = recordFields(zone, body);
        checkConflicts(zone.id, f);
        const rec: FakeRecord = {
          id: id32(),
          zone_id: zone.id,
          zone_name: zone.name,
          ...f,
          proxiable: ['A', 'AAAA', 'CNAME'].includes(f.type),
          tags: [],
          meta: {},
          created_on: now(),
          modified_on: now(),
        };
        list.push(rec);
        await mirror(rec.name, rec.type);
        return sendJson(res, 200, envelope(rec));
      }
    }
    if ((m = path.match(/^\/zones\/([^/]+)\/dns_records\/([^/]+)$/))) {
      const zone = zoneOr404(m[1]!);
      const list = records.get(zone.id)!;
      const idx = list.findIndex((r) => r.id === m![2]);
      if (idx < 0) throw new CfError(404, 81044, 'Record does not exist.');
      const existing = list[idx]!;
      if (method === 'GET') return sendJson(res, 200, envelope(existing));
      if (method === 'DELETE') {
        list.splice(idx, 1);
        await mirror(existing.name, existing.type);
        return sendJson(res, 200, envelope({ id: existing.id }));
      }
      if (method === 'PUT' || method === 'PATCH') {
        const f = recordFields(zone, body, method === 'PATCH' ? existing : undefined);
        checkConflicts(zone.id, f, existing.id);
        const updated: FakeRecord = { ...existing, ...f, modified_on: now() };
        list[idx] = updated;
        await mirror(existing.name, existing.type);
        if (updated.name !== existing.name || updated.type !== existing.type) await mirror(updated.name, updated.type);
        return sendJson(res, 200, envelope(updated));
      }
    }
    throw new CfError(404, 7000, `No route for that URI`);
  }

  const server = await listen(async (req, res) => {
    try {
      await route(req, res);
    } catch (err) {
      if (!(err instanceof CfError)) throw err;
      sendJson(res, err.status, { success: false, errors: [{ code: err.code, message: err.message }], messages: [], result: null });
    }
  });

  return {
    baseURL: `${server.url}/client/v4`,
    env: { CLOUDFLARE_BASE_URL: `${server.url}/client/v4`, CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_ACCOUNT_ID: accountId },
    token,
    accountId,
    zones: () => [...zones.values()],
    records: (zoneId) => [...(records.get(zoneId) ?? [])],
    requests,
    failNext: (f) => failures.push({ ...f, count: f.count ?? 1 }),
    close: () => server.close(),
  };
}
