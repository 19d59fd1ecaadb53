/**
 * A stateful HubSpot CRM on 127.0.0.1 speaking the v3 objects / properties and v4 associations
 * wire format, for `@hubspot/api-client` with `basePath` pointed at `fake.url`. Enforces unique
 * properties, batch limits, a rolling 10-second rate limit (429 + Retry-After), counts requests,
 * lets tests act "in the HubSpot UI" and sends signed v3 webhooks.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from '../http.js';
import { RollingWindow } from '../rolling-window.js';
import { associationsBatchRoute, associationsObjectRoute } from './associations-routes.js';
import { objectsRoute } from './objects-routes.js';
import { propertiesRoute } from './properties-routes.js';
import type { RouteResult } from './route-common.js';
import { resolveObjectType, type HsObjectType } from './schema.js';
import { HsError } from './hs-error.js';
import { HubSpotStore } from './store.js';
import { WebhookEmitter } from './webhooks.js';
import { toWire } from './wire.js';
import type { FailureRule, HubSpotFake, HubSpotFakeOptions, HubSpotStats, PropertyInput, RequestRecord } from './types.js';

export type { HsObjectType } from './schema.js';
export type { WireObject } from './wire.js';
export type { HubSpotWebhookEvent, WebhookOptions, SendOptions, WebhookDelivery } from './webhooks.js';
export { BATCH_LIMIT } from './route-common.js';
export type { FailureRule, HubSpotFake, HubSpotFakeOptions, HubSpotStats, PropertyInput, RateLimitOptions, RequestRecord } from './types.js';

function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

export async function startHubSpotFake(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
  const now = options.now ?? Date.now;
  const portalId = options.portalId ?? 62_515;
  const store = new HubSpotStore(portalId, now);
  const webhooks = new WebhookEmitter(options.webhooks ?? { secret: 'hubspot-fake-app-secret' }, portalId, now);
  store.listeners.push((c) => webhooks.onChanges(c));
  for (const [type, defs] of Object.entries(options.properties ?? {}) as Array<[HsObjectType, PropertyInput[]]>) {
    for (const d of defs) store.createProperty(type, { ...d, type: d.type ?? 'string' });
  }

  let window = options.rateLimit ? new RollingWindow(options.rateLimit.max, options.rateLimit.windowMs ?? 10_000) : undefined;
  const searchWindow = options.searchPerSecond ? new RollingWindow(options.searchPerSecond, 1_000) : undefined;
  let dailyUsed = 0;
  let stats: HubSpotStats = { requests: 0, throttled: 0, byRoute: {}, log: [] };
  const failures: Array<FailureRule & { left: number }> = [];

  const route = (method: string, path: string, url: URL, body: unknown): RouteResult | undefined => {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'crm') return undefined;
    if (parts[1] === 'v3' && parts[2] === 'objects' && parts.length >= 4) return objectsRoute(store, method, parts.slice(3), url, body);
    if (parts[1] === 'v3' && parts[2] === 'properties' && parts.length >= 4) return propertiesRoute(store, method, parts.slice(3), body);
    if (parts[1] === 'v4' && parts[2] === 'objects' && parts[5] === 'associations') return associationsObjectRoute(store, method, parts.slice(3), body);
    if (parts[1] === 'v4' && parts[2] === 'associations' && parts.length >= 6) return associationsBatchRoute(store, method, parts.slice(3), body);
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://hubspot.fake');
    const path = url.pathname;
    const record: RequestRecord = { method, route: routeKey(method, path), path, status: 0, at: now() };
    stats.requests++;
    stats.byRoute[record.route] = (stats.byRoute[record.route] ?? 0) + 1;
    stats.log.push(record);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (status === 429) stats.throttled++;
      const t = Date.now();
      const limitHeaders: Record<string, string> = window
        ? {
            'x-hubspot-ratelimit-max': String(window.max),
            'x-hubspot-ratelimit-remaining': String(window.remaining(t)),
            'x-hubspot-ratelimit-interval-milliseconds': String(window.windowMs),
          }
        : {};
      if (options.dailyLimit !== undefined) {
        limitHeaders['x-hubspot-ratelimit-daily'] = String(options.dailyLimit);
        limitHeaders['x-hubspot-ratelimit-daily-remaining'] = String(Math.max(0, options.dailyLimit - dailyUsed));
      }
      sendJson(res, status, body, { 'x-hubspot-correlation-id': randomUUID(), ...limitHeaders, ...headers });
    };

    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!token || (options.accessToken !== undefined && token !== options.accessToken)) {
      return answer(
        401,
        new HsError(
          401,
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        ).body(),
      );
    }
    if (window) {
      const wait = window.take(Date.now());
      if (wait > 0) {
        return answer(
          429,
          {
            status: 'error',
            message: 'You have reached your ten_secondly_rolling limit.',
            errorType: 'RATE_LIMIT',
            correlationId: randomUUID(),
            policyName: 'TEN_SECONDLY_ROLLING',
            groupName: `publicapi:private-app:${portalId}`,
          },
          { 'retry-after': String(Math.ceil(wait / 1000)) },
        );
      }
    }
    if (searchWindow && method === 'POST' && path.endsWith('/search')) {
      const wait = searchWindow.take(Date.now());
      if (wait > 0) {
        return answer(
          429,
          {
            status: 'error',
            message: 'You have reached your secondly limit.',
            errorType: 'RATE_LIMIT',
            correlationId: randomUUID(),
            policyName: 'SECONDLY',
            groupName: `publicapi:search:${portalId}`,
          },
          { 'retry-after': '1' },
        );
      }
    }
    if (options.dailyLimit !== undefined) {
      if (dailyUsed >= options.dailyLimit) {
        return answer(429, {
          status: 'error',
          message: 'You have reached your daily limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'DAILY',
          groupName: `publicapi:private-app:${portalId}`,
        });
      }
      dailyUsed++;
    }

    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch (err) {
        return answer(400, new HsError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${(err as Error).message}`).body());
      }
    }
    const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
    if (Array.isArray(inputs)) record.inputs = inputs.length;

    const ruleIndex = failures.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))),
    );
    const rule = ruleIndex >= 0 ? failures[ruleIndex]! : undefined;
    if (rule) {
      if (--rule.left <= 0) failures.splice(ruleIndex, 1);
      if (!rule.afterApply) return answer(rule.status, rule.body ?? new HsError(rule.status, 'INTERNAL_ERROR', 'Injected failure').body());
    }
    try {
      const result = route(method, path, url, body);
      if (rule) return answer(rule.status, rule.body ?? new HsError(rule.status, 'INTERNAL_ERROR', 'Injected failure after the write').body());
      if (!result) return answer(404, new HsError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`).body());
      return answer(result.status, result.body);
    } catch (err) {
      if (err instanceof HsError) return answer(err.httpStatus, err.body());
      return answer(500, new HsError(500, 'INTERNAL_ERROR', (err as Error).message).body());
    }
  };

  const server = await listen((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { status: 'error', message: String(err), category: 'INTERNAL_ERROR' });
    });
  });

  const requireType = (raw: string): HsObjectType => {
    const t = resolveObjectType(raw);
    if (!t) throw new Error(`unknown HubSpot object type ${raw}`);
    return t;
  };
  const mustGet = (type: HsObjectType, id: string) => {
    const o = store.get(type, id);
    if (!o) throw new Error(`no ${type} ${id} in the HubSpot fake`);
    return o;
  };

  return {
    url: server.url,
    async close() {
      webhooks.stop();
      await server.close();
    },
    stats: () => stats,
    resetStats() {
      stats = { requests: 0, throttled: 0, byRoute: {}, log: [] };
    },
    setRateLimit(limit) {
      window = limit ? new RollingWindow(limit.max, limit.windowMs ?? 10_000) : undefined;
    },
    failNext(rule) {
      failures.push({ ...rule, left: rule.count ?? 1 });
    },
    defineProperty(type, def) {
      store.createProperty(requireType(type), { ...def, type: def.type ?? 'string' });
    },
    objects: (type) => store.live(requireType(type)).map((o) => toWire(store, o, 'all')),
    get(type, id) {
      const o = store.get(requireType(type), id);
      return o ? toWire(store, o, 'all') : undefined;
    },
    findBy(type, property, value) {
      const t = requireType(type);
      const v = property === 'email' ? value.toLowerCase() : value;
      return store
        .live(t)
        .filter((o) => o.properties[property] === v)
        .map((o) => toWire(store, o, 'all'));
    },
    associations: (type, id, toType) => store.associations(requireType(type), id, requireType(toType)).map((a) => a.toObjectId),
    ui: {
      create(type, properties) {
        const [o] = store.write(requireType(type), [{ properties }], 'CRM_UI');
        return toWire(store, o!, 'all');
      },
      update(type, id, properties) {
        const t = requireType(type);
        const o = mustGet(t, id);
        store.write(t, [{ existing: o, properties }], 'CRM_UI');
        return toWire(store, o, 'all');
      },
      archive(type, id) {
        store.archive(requireType(type), id, 'CRM_UI');
      },
      associate(type, id, toType, toId) {
        store.associate(requireType(type), id, requireType(toType), toId);
      },
    },
    webhooks,
  };
}
