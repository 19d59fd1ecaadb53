/**
 * Admin routes (scope `admin`): scoped API keys (create, list, revoke) and the audit log of
 * mutating calls. The CLI (`npm run keys`) does the same on the database directly.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../../db/queries/api-keys.js';
import { listAuditEntries } from '../../db/queries/audit-log.js';
import type { ApiAuditEntry } from '../../db/schema/api-keys.js';
import type { KeyResolver } from '../access/principals.js';
import { DEFAULT_RATE, formatRate, parseRate } from '../access/rate-limit.js';
import { SCOPES } from '../access/scopes.js';
import { newSecret } from '../access/secrets.js';
import { ProblemError, problemResponses } from '../problem.js';
import { IdParam, safeText } from '../schemas/common.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { idCursor, pageFields, pageOf, pageQuery } from './keyset.js';

const tags = ['admin'];
const validRate = (v: string) => {
  try {
    parseRate(v);
    return true;
  } catch {
    return false;
  }
};

const KeyOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'Public part of the key (atl_<prefix>_…): identifies it in lists and the audit log' }),
    scopes: z.array(z.enum(SCOPES)),
    rate: z.string().openapi({ example: '600/min' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().openapi({ description: 'Updated at most once a minute' }),
  })
  .openapi('ApiKey');

const CreateKey = z
  .object({
    name: safeText(100, { min: 1 }).openapi({ example: 'ci' }),
    scopes: z.array(z.enum(SCOPES)).min(1).max(3),
    rate: safeText(20)
      .refine(validRate, 'like 600/min, 10/s, 5000/h or 100/10s (window up to a day)')
      .optional()
      .openapi({ description: `Requests per window (default ${formatRate(DEFAULT_RATE)})` }),
  })
  .strict()
  .openapi('CreateApiKey');

const AuditEntryOut = z
  .object({
    id: z.number().int(),
    at: z.string(),
    keyId: z.number().int().nullable().openapi({ description: 'null for a bootstrap key (API_KEYS)' }),
    keyName: z.string(),
    keyPrefix: z.string(),
    method: z.string(),
    route: z.string().openapi({ example: '/v1/runs/{workflowId}/cancel' }),
    target: z.string().nullable(),
    status: z.number().int(),
    requestId: z.string().nullable(),
  })
  .openapi('AuditEntry');

const keyJson = (k: ApiKeyInfo) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: SCOPES.filter((s) => k.scopes.includes(s)),
  rate: formatRate({ limit: k.rate_limit, windowSeconds: k.rate_window_seconds }),
  createdAt: k.created_at.toISOString(),
  revokedAt: k.revoked_at?.toISOString() ?? null,
  lastUsedAt: k.last_used_at?.toISOString() ?? null,
});

const auditJson = (e: ApiAuditEntry) => ({
  id: e.id,
  at: e.at.toISOString(),
  keyId: e.key_id,
  keyName: e.key_name,
  keyPrefix: e.key_prefix,
  method: e.method,
  route: e.route,
  target: e.target,
  status: e.status,
  requestId: e.request_id,
});

const listKeys = createRoute({
  method: 'get',
  path: '/keys',
  tags,
  security: SECURITY,
  summary: 'API keys (never their secrets), oldest first',
  request: { query: z.object({ ...pageQuery(200, 50), includeRevoked: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: { description: 'Keys', content: { 'application/json': { schema: z.object({ keys: z.array(KeyOut), ...pageFields }) } } },
    ...problemResponses(401, 403, 422),
  },
});
const createKey = createRoute({
  method: 'post',
  path: '/keys',
  tags,
  security: SECURITY,
  summary: 'Create an API key: its secret is in this response only',
  request: { body: { required: true, content: { 'application/json': { schema: CreateKey } } } },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: z.object({ key: KeyOut, secret: z.string().openapi({ description: 'Send as `Authorization: Bearer <secret>`; shown once' }) }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});
const revokeKey = createRoute({
  method: 'delete',
  path: '/keys/{id}',
  tags,
  security: SECURITY,
  summary: 'Revoke an API key (effective on every API process within API_KEY_CACHE_SECONDS)',
  request: { params: IdParam },
  responses: { 200: { description: 'The revoked key', content: { 'application/json': { schema: KeyOut } } }, ...problemResponses(401, 403, 404, 422) },
});
const auditLog = createRoute({
  method: 'get',
  path: '/audit-log',
  tags,
  security: SECURITY,
  summary: 'Mutating calls made with API keys, newest first',
  request: { query: z.object({ ...pageQuery(500, 100), keyName: safeText(100, { min: 1 }).optional() }) },
  responses: {
    200: { description: 'Entries', content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntryOut), ...pageFields }) } } },
    ...problemResponses(401, 403, 422),
  },
});

export function adminRoutes({ db }: ApiDeps, resolver: KeyResolver) {
  return newRouter()
    .openapi(listKeys, async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await listApiKeys(db, { afterId: idCursor(q.cursor), limit: q.limit + 1, includeRevoked: q.includeRevoked === 'true' });
      const page = pageOf(rows, q.limit, (r) => [r.id]);
      return c.json({ keys: page.rows.map(keyJson), total, nextCursor: page.nextCursor }, 200);
    })
    .openapi(createKey, async (c) => {
      const body = c.req.valid('json');
      const rate = body.rate ? parseRate(body.rate) : DEFAULT_RATE;
      const secret = newSecret();
      try {
        const key = await insertApiKey(db, {
          name: body.name,
          prefix: secret.prefix,
          hash: secret.hash,
          scopes: SCOPES.filter((s) => body.scopes.includes(s)),
          rateLimit: rate.limit,
          rateWindowSeconds: rate.windowSeconds,
        });
        c.header('Location', `/v1/admin/keys/${key.id}`);
        return c.json({ key: keyJson(key), secret: secret.key }, 201);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new ProblemError(409, 'conflict', `an active key is already named ${body.name}`);
        throw err;
      }
    })
    .openapi(revokeKey, async (c) => {
      const { id } = c.req.valid('param');
      const key = await revokeApiKey(db, id);
      if (!key) throw new ProblemError(404, 'not-found', `no API key ${id}`);
      resolver.forget();
      return c.json(keyJson(key), 200);
    })
    .openapi(auditLog, async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await listAuditEntries(db, { beforeId: idCursor(q.cursor), limit: q.limit + 1, keyName: q.keyName });
      const page = pageOf(rows, q.limit, (r) => [r.id]);
      return c.json({ entries: page.rows.map(auditJson), total, nextCursor: page.nextCursor }, 200);
    });
}
