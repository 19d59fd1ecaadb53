/**
 * The cases issue 10 names, through the real app on a loopback socket, a fresh PostgreSQL database
 * and the real Temporal dev server (no worker): NUL bytes and lone surrogates in bodies, query
 * strings and paths (the public unsubscribe route too, no key), integers past int4 or 2^53,
 * impossible dates and UTC offsets, input that used to be accepted and then fail inside the run,
 * unknown methods, and the OpenAPI document stating the bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';
import { testApp, testClient, testConfig } from '../support/platform.js';
import { serveOnLoopback, type RawResponse } from '../support/raw-http.js';

let t: TestDb;
let config: Config;
let client: Client;
let http: Awaited<ReturnType<typeof serveOnLoopback>>;

beforeAll(async () => {
  t = await freshDb();
  config = testConfig(t.url);
  // the intervention routes need a customer the sync knows
  await t.db.insertInto('sync_id_map').values({ entity: 'customer', sage_id: 'C-1', mapping_version: 1 }).execute();
  client = await testClient(config);
  http = await serveOnLoopback(testApp(config, t.db, client).app);
});
afterAll(async () => {
  await http.close();
  await client.connection.close();
  await t.drop();
});

const post = (path: string, body: unknown, key?: string | null) => http.send('POST', path, { 'content-type': 'application/json' }, JSON.stringify(body), key);
const get = (path: string, key?: string | null) => http.send('GET', path, {}, undefined, key);

function expect422(res: RawResponse, field: string) {
  expect(res.status, res.body).toBe(422);
  expect(res.headers['content-type']).toBe('application/problem+json');
  const body = JSON.parse(res.body) as { type: string; errors: Array<{ path: string; message: string }> };
  expect(body.type).toBe('/problems/validation-error');
  expect(body.errors.map((e) => e.path)).toContain(field);
  return body;
}

async function runsOnQueue(family: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `TaskQueue = '${config.TASK_QUEUE_PREFIX}-${family}-v1'` })) n++;
  return n;
}

describe('NUL bytes and lone surrogates', () => {
  it('are refused with 422 in bodies, at any depth, as keys too', async () => {
    const body = expect422(await post('/v1/sources', { name: 'Agence\u0000', website: 'http://127.0.0.1/' }), 'name');
    expect(body.errors[0]!.message).toMatch(/NUL/);
    expect422(await post('/v1/interventions', { customerSageId: 'C-1', subject: 'x\ud800' }), 'subject');
    expect422(await post('/v1/alerts', { ownerEmail: 'a@example.fr', criteria: { cities: ['Paris\u0000'] } }), 'criteria.cities.0');
    expect422(await post('/v1/sync/conflicts/1/resolve', { choice: 'value', value: '\u0000' }), 'value');
    expect((await get('/v1/sources')).body).not.toContain('Agence');
  });

  it('are refused with 422 in query strings and path parameters', async () => {
    const refused: Array<[string, string]> = [
      ['/v1/sources?q=a%00b', 'q'],
      ['/v1/monitors?domain=%00', 'domain'],
      ['/v1/interventions?customerSageId=%00', 'customerSageId'],
      ['/v1/sync/runs/a%00b', 'id'],
      ['/v1/runs/%00', 'workflowId'],
    ];
    for (const [path, field] of refused) expect422(await get(path), field);
  });

  it('are refused with 422 on the public unsubscribe link, without an API key', async () => {
    expect422(await get('/public/alerts/unsubscribe?token=0123456789%00', null), 'token');
    expect422(await http.send('POST', '/public/alerts/unsubscribe?token=%00%00%00%00%00%00%00%00%00%00', {}, undefined, null), 'token');
    expect((await get('/public/alerts/unsubscribe?token=0123456789abcdef', null)).status).toBe(404);
  });

  it('are refused in a CSV import before anything is written', async () => {
    const res = await http.send('POST', '/v1/sources/import', { 'content-type': 'text/csv' }, 'name,website\nAgence\u0000,http://127.0.0.1/\n');
    expect422(res, '(body)');
    const long = await http.send('POST', '/v1/sources/import', { 'content-type': 'text/csv' }, `name,website\nAgence,http://127.0.0.1/${'a'.repeat(3000)}\n`);
    expect(long.status).toBe(200);
    expect(JSON.parse(long.body)).toMatchObject({ created: 0, errors: [{ line: 2, message: expect.stringMatching(/^website: /) }] });
  });
});

describe('numbers', () => {
  it('refuses integers past their column (int4, or 2^53 - 1 for bigint ids) with 422', async () => {
    const refused: Array<[string, string]> = [
      ['/v1/listings?rooms_min=2147483648', 'rooms_min'],
      ['/v1/listings?price_max=9007199254740992', 'price_max'],
      ['/v1/listings?surface_min=1e400', 'surface_min'],
      ['/v1/sources/9223372036854775808', 'id'],
      ['/v1/interventions/2147483648999999999', 'id'],
    ];
    for (const [path, field] of refused) expect422(await get(path), field);
    expect((await get('/v1/interventions/2147483648')).status).toBe(404);
    expect((await get(`/v1/listings?rooms_min=2147483647&price_max=${Number.MAX_SAFE_INTEGER}`)).status).toBe(200);
  });

  it('refuses what a loose number parser would read: "1e3", "0x10", "", " 7", fractions for integers', async () => {
    for (const v of ['1e3', '0x10', '', '%207', '1.5', 'NaN', 'Infinity']) expect422(await get(`/v1/alerts?limit=${v}`), 'limit');
    expect422(await get('/v1/listings/1.5'), 'id');
    expect422(await get('/v1/listings/-1'), 'id');
  });
});

describe('dates and UTC offsets', () => {
  it('refuses offsets PostgreSQL cannot hold, year 0 and impossible days with 422; keeps a valid +14:00', async () => {
    for (const scheduledAt of [
      '2026-12-01T09:00:00+23:00',
      '2026-12-01T09:00:00-15:30',
      '0000-01-01T00:00:00Z',
      '2026-02-30T09:00:00Z',
      '2026-12-01T24:00:00Z',
    ]) {
      expect422(await post('/v1/interventions', { customerSageId: 'C-1', subject: 'Visite', scheduledAt }), 'scheduledAt');
    }
    const ok = await post('/v1/interventions', { customerSageId: 'C-1', subject: 'Visite', scheduledAt: '2026-12-01T09:00:00+14:00' });
    expect(ok.status, ok.body).toBe(201);
    expect(JSON.parse(ok.body).scheduledAt).toBe('2026-11-30T19:00:00.000Z');
  });
});

describe('input that used to be accepted, then fail inside the run', () => {
  it('a diagnostics run requested by a name holding NUL (its activity could never store it) is refused; nothing starts', async () => {
    expect422(await post('/v1/diagnostics', { requestedBy: 'ops\u0000' }), 'requestedBy');
    expect(await runsOnQueue('platform')).toBe(0);
  });

  it('an invalid CSS selector is refused for a generic watch and a source (it made every run match nothing)', async () => {
    expect422(await post('/v1/watches', { name: 'Tarifs', url: 'http://127.0.0.1/', selector: 'div[', target: 'ops@example.fr' }), 'selector');
    expect422(await post('/v1/sources', { name: 'Agence', website: 'http://127.0.0.1/', selectors: { item: 'a:nope(' } }), 'selectors.item');
    expect(JSON.parse((await get('/v1/watches')).body).items).toEqual([]);
  });
});

describe('methods', () => {
  it('answers 405 with Allow to TRACE, PROPFIND and PUT on a known path; 404 on an unknown one; OPTIONS lists the methods', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'PUT']) {
      const res = await http.send(method, '/v1/sources/1');
      expect(res.status, method).toBe(405);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PATCH');
      expect(JSON.parse(res.body).type).toBe('/problems/method-not-allowed');
    }
    expect((await http.send('TRACE', '/public/alerts/unsubscribe', {}, undefined, null)).headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect((await http.send('TRACE', '/v1/nope')).status).toBe(404);
    const options = await http.send('OPTIONS', '/v1/sources');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
  });
});

describe('the OpenAPI document', () => {
  type Param = { name: string; in: string; schema: Record<string, unknown> };
  type Doc = {
    paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { required?: boolean } }>>;
    components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
  };

  it('states integer bounds, string lengths, formats and required bodies', async () => {
    const doc = JSON.parse((await get('/openapi.json', null)).body) as Doc;
    const param = (path: string, method: string, name: string) => doc.paths[path]![method]!.parameters!.find((p) => p.name === name)!.schema;
    expect(param('/v1/listings', 'get', 'rooms_min')).toMatchObject({ type: 'integer', minimum: 0, maximum: 2147483647 });
    expect(param('/v1/listings', 'get', 'price_max')).toMatchObject({ type: 'integer', maximum: Number.MAX_SAFE_INTEGER });
    expect(param('/v1/sources/{id}', 'get', 'id')).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
    expect(param('/public/alerts/unsubscribe', 'get', 'token')).toMatchObject({ type: 'string', minLength: 10, maxLength: 200 });
    expect(doc.components.schemas.NewIntervention!.properties.scheduledAt).toMatchObject({ format: 'date-time', maxLength: 40 });
    // a body with required fields is itself required
    const resolve = (x: Record<string, unknown>) =>
      typeof x.$ref === 'string' ? (doc.components.schemas[x.$ref.split('/').pop()!] as unknown as Record<string, unknown>) : x;
    const bodies = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(([method, op]) => ({
          at: `${method} ${path}`,
          body: op.requestBody as { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> },
        })),
    );
    expect(bodies.length).toBeGreaterThan(15);
    const optionalButNeeded = bodies.filter(
      ({ body }) => body.required !== true && Object.values(body.content).some((m) => ((resolve(m.schema).required as unknown[] | undefined) ?? []).length > 0),
    );
    expect(optionalButNeeded.map((b) => b.at)).toEqual([]);
    expect(bodies.filter((b) => b.body.required === true).length).toBeGreaterThan(15);
    // every string of every request body has a maximum length
    const unbounded: string[] = [];
    const walk = (s: Record<string, unknown> | undefined, at: string): void => {
      if (!s) return;
      if (typeof s.$ref === 'string') return walk(doc.components.schemas[s.$ref.split('/').pop()!], at);
      const types = ([] as unknown[]).concat(s.type ?? []);
      // an anchored pattern without *, + or {n,} bounds the length too
      const boundedPattern = typeof s.pattern === 'string' && /^\^.*\$$/.test(s.pattern) && !/[*+]|\{\d+,\}/.test(s.pattern.replace(/\\[*+]/g, ''));
      if (types.includes('string') && !s.enum && s.maxLength === undefined && !boundedPattern && s.format !== 'binary') unbounded.push(at);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${at}.${k}`);
      if (s.items) walk(s.items as Record<string, unknown>, `${at}[]`);
      for (const alt of [...((s.anyOf ?? []) as Array<Record<string, unknown>>), ...((s.oneOf ?? []) as Array<Record<string, unknown>>)]) walk(alt, at);
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const content = (op.requestBody as { content?: Record<string, { schema: Record<string, unknown> }> } | undefined)?.content ?? {};
        for (const [type, media] of Object.entries(content)) if (type === 'application/json') walk(media.schema, `${method} ${path}`);
      }
    }
    expect(unbounded).toEqual([]);
  });
});
