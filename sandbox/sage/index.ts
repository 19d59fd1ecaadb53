/**
 * A stateful Sage Business Cloud Accounting (API v3.1) on 127.0.0.1: OAuth2 token endpoint with
 * refresh-token rotation and short-lived access tokens (oauth.ts), `X-Business`, contacts /
 * sales_quotes / sales_invoices / contact_persons (records.ts) with `$next`/`$back`/`$total`
 * pagination, `updated_or_created_since` and `deleted_since` (listing.ts), a rolling-window rate
 * limit (429 + Retry-After), and test controls to change records "in Sage" directly and to expire
 * tokens (types.ts). This file routes the requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from '../http.js';
import { RollingWindow } from '../rolling-window.js';
import { mainPersonWire } from './contact-persons.js';
import { listPage } from './listing.js';
import { createSageOAuth } from './oauth.js';
import { createSageRecords } from './records.js';
import { BODY_KEY, SAGE_RESOURCES, SageError, type SageResource } from './resources.js';
import type { SageFake, SageFakeOptions, SageFailureRule, SageRequestRecord, SageStats } from './types.js';

export type { SageResource } from './resources.js';
export { SageError } from './resources.js';
export type { SageFake, SageFakeOptions, SageFailureRule, SageRequestRecord, SageStats } from './types.js';

type Json = Record<string, unknown>;

export async function startSageFake(options: SageFakeOptions = {}): Promise<SageFake> {
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? 'sage-fake-client-id';
  const clientSecret = options.clientSecret ?? 'sage-fake-client-secret';
  const businessId = options.businessId ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const accessTtl = (options.accessTokenTtlSeconds ?? 300) * 1000;
  const refreshTtl = (options.refreshTokenTtlSeconds ?? 31 * 24 * 3600) * 1000;

  const store = createSageRecords({ now, embedContactPersons: options.embedContactPersons });
  const oauth = createSageOAuth({ clientId, clientSecret, now, accessTtl, refreshTtl, initialRefreshToken: options.initialRefreshToken });
  let window = options.rateLimit ? new RollingWindow(options.rateLimit.max, options.rateLimit.windowMs ?? 60_000) : undefined;
  let stats: SageStats = { requests: 0, throttled: 0, byRoute: {}, tokenRefreshes: 0, rejectedRefreshes: 0, unauthorized: 0, log: [] };
  const failures: Array<SageFailureRule & { left: number }> = [];

  const unwrap = (resource: SageResource, body: unknown): Json => {
    const inner = (body as Json | undefined)?.[BODY_KEY[resource]];
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      throw SageError.one(422, 'RecordInvalid', `the request body must be {"${BODY_KEY[resource]}": {...}}`, BODY_KEY[resource]);
    }
    return inner as Json;
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
        const g = oauth.grant(raw, req, stats);
        return answer(g.status, g.body);
      } catch {
        return answer(400, { error: 'invalid_request', error_description: 'Malformed token request' });
      }
    }
    if (!path.startsWith('/v3.1/')) return fail(SageError.one(404, 'RouteNotFound', `No route for ${method} ${path}`));

    const access = oauth.access(req.headers.authorization?.match(/^Bearer (.+)$/)?.[1]);
    if (access !== 'valid') {
      stats.unauthorized++;
      return fail(
        access === 'unknown'
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
      if (parts.length === 1 && method === 'GET') return answer(200, listPage(store.all(resource), resource, url, store.wire));
      if (parts.length === 1 && method === 'POST') return answer(201, store.wire(store.create(resource, unwrap(resource, body))));
      const id = parts[1]!;
      const mainPersonOf = resource === 'contact_persons' ? store.mainPersonContact(id) : undefined;
      if (method === 'GET' && mainPersonOf) return answer(200, mainPersonWire(mainPersonOf));
      if (method === 'GET') {
        const r = store.get(resource, id);
        if (!r || r.deletedAt !== undefined) throw SageError.one(404, 'RecordNotFound', 'Resource not found');
        return answer(200, store.wire(r));
      }
      if (method === 'PUT') return answer(200, store.wire(store.update(resource, id, unwrap(resource, body))));
      if (method === 'DELETE') {
        store.remove(resource, id);
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
    currentRefreshToken: oauth.currentRefreshToken,
    issueRefreshToken: oauth.issueRefreshToken,
    expireAccessTokens: oauth.expireAccessTokens,
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
      const r = store.get(resource, id);
      return r ? store.wire(r) : undefined;
    },
    list: (resource) =>
      store
        .all(resource)
        .filter((r) => r.deletedAt === undefined)
        .map(store.wire),
    direct: {
      create: (resource, body) => store.wire(store.create(resource, body)),
      update: (resource, id, body) => store.wire(store.update(resource, id, body)),
      delete: (resource, id) => store.remove(resource, id),
    },
  };
}
