/** Pure pieces of API access: key format, scope table, rate notation and headers, audit targets. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE, formatRate, parseRate, rateLimitHeaders } from '../../api/access/rate-limit.js';
import { openApiTemplate, parseScopes, requiredScope, targetOf, withScopes } from '../../api/access/scopes.js';
import { keyDigest, newSecret, storedKeyPrefix } from '../../api/access/secrets.js';

describe('key secrets', () => {
  it('are atl_<prefix>_<43 chars>, digested with SHA-256, and never repeat', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a.key).toMatch(/^atl_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(storedKeyPrefix(a.key)).toBe(a.prefix);
    expect(a.hash.equals(keyDigest(a.key))).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(storedKeyPrefix('test-key-0123456789abcdef')).toBeNull();
    expect(storedKeyPrefix(`${a.key}x`)).toBeNull();
  });
});

describe('scopes', () => {
  it('GET needs read, other methods operate, /v1/admin admin, with the table of exceptions', () => {
    expect(requiredScope('GET', '/v1/runs/{workflowId}')).toBe('read');
    expect(requiredScope('head', '/v1/audits')).toBe('read');
    expect(requiredScope('POST', '/v1/runs/{workflowId}/cancel')).toBe('operate');
    expect(requiredScope('DELETE', '/v1/monitors/{id}')).toBe('operate');
    expect(requiredScope('PATCH', '/v1/sources/{id}')).toBe('operate');
    expect(requiredScope('GET', '/v1/admin/audit-log')).toBe('admin');
    expect(requiredScope('POST', '/v1/admin/keys')).toBe('admin');
    expect(requiredScope('POST', '/v1/sizing')).toBe('read');
    expect(requiredScope('POST', '/v1/administrators')).toBe('operate');
  });
  it('parse a comma list and refuse unknown ones', () => {
    expect(parseScopes('read, operate,read')).toEqual(['read', 'operate']);
    expect(() => parseScopes('read,write')).toThrow(/not write/);
    expect(() => parseScopes('')).toThrow(/read, operate, admin/);
  });
  it('are written into the OpenAPI document per operation, with 403 and 429', () => {
    const doc = withScopes({
      paths: {
        '/v1/runs/{workflowId}/cancel': { post: { security: [{ bearerAuth: [] }], responses: {} } },
        '/v1/webhooks/stripe': { post: { responses: {} } },
      },
    });
    const cancel = doc.paths['/v1/runs/{workflowId}/cancel'].post as { security: unknown; responses: Record<string, unknown> };
    expect(cancel.security).toEqual([{ bearerAuth: ['operate'] }]);
    expect(Object.keys(cancel.responses)).toEqual(['403', '429']);
    expect(doc.paths['/v1/webhooks/stripe'].post).toEqual({ responses: {} });
  });
});

describe('audit targets', () => {
  it('are the path parameters of the route template, decoded', () => {
    expect(openApiTemplate('/v1/runs/:workflowId/cancel')).toBe('/v1/runs/{workflowId}/cancel');
    expect(openApiTemplate('/v1/x/:id{[0-9]+}/y/:name?')).toBe('/v1/x/{id}/y/{name}');
    expect(targetOf('/v1/runs/{workflowId}/cancel', '/v1/runs/diag%2F1/cancel')).toBe('diag/1');
    expect(targetOf('/v1/sync/conflicts/{id}/resolve', '/v1/sync/conflicts/7/resolve')).toBe('7');
    expect(targetOf('/v1/diagnostics', '/v1/diagnostics')).toBeNull();
    expect(targetOf('/v1/runs/{workflowId}', '/v1/runs/%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('rate limits', () => {
  it('parse the n/unit notation', () => {
    expect(parseRate('600/min')).toEqual({ limit: 600, windowSeconds: 60 });
    expect(parseRate('10/s')).toEqual({ limit: 10, windowSeconds: 1 });
    expect(parseRate('5000/h')).toEqual({ limit: 5000, windowSeconds: 3600 });
    expect(parseRate('100/10s')).toEqual({ limit: 100, windowSeconds: 10 });
    expect(parseRate('3/d')).toEqual({ limit: 3, windowSeconds: 86_400 });
    for (const bad of ['0/min', '600', '600/week', '-1/s', '10/2d', '1.5/s']) expect(() => parseRate(bad)).toThrow(/600\/min/);
    expect(formatRate(DEFAULT_RATE)).toBe('600/min');
    expect(formatRate({ limit: 100, windowSeconds: 10 })).toBe('100/10s');
  });
  it('answer the IETF draft headers, with Retry-After once over the limit', () => {
    expect(rateLimitHeaders({ limit: 10, windowSeconds: 60 }, 3, 41.2)).toEqual({ 'RateLimit-Policy': '"key";q=10;w=60', RateLimit: '"key";r=7;t=42' });
    expect(rateLimitHeaders({ limit: 10, windowSeconds: 60 }, 11, 0.2)).toEqual({
      'RateLimit-Policy': '"key";q=10;w=60',
      RateLimit: '"key";r=0;t=1',
      'Retry-After': '1',
    });
  });
});
