/**
 * Requests generated from the API's own OpenAPI document with fast-check: for every operation,
 * values that conform to its schemas and hostile ones (NUL bytes, lone surrogates, huge, negative
 * and fractional numbers, overlong strings, impossible dates and offsets, wrong types, missing and
 * extra fields, bad path parameters, malformed bodies, other methods).
 *
 * Outbound safety: the API resolves the host of URL fields at request time, so every string put in a
 * field whose name says URL is an IP-literal URL (loopback, private or documentation ranges: no DNS
 * query, and the API never connects to it) or a string without a scheme, which no URL parser turns
 * into a host name.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> } };

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What was generated, for the failure report. */
  kind: string;
}

export interface FuzzOperation {
  method: string;
  template: string;
  arbitrary: fc.Arbitrary<FuzzRequest>;
}

const URL_FIELD = /url|website|target|webhook/i;
const HOSTS = [
  '127.0.0.1',
  '[::1]',
  '127.0.0.1:1',
  '10.1.2.3',
  '192.168.0.1',
  '192.0.2.10',
  '198.51.100.7:8080',
  '0x7f000001',
  '[::ffff:127.0.0.1]',
  '169.254.169.254',
];
const I32 = 2 ** 31;
/** JSON nested 100 000 deep (a recursive walker of the parsed body would overflow its stack). */
const DEEP_ARRAY = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const DEEP_OBJECT = `${'{"name":'.repeat(100_000)}1${'}'.repeat(100_000)}`;

/** Strings that break things: NUL, lone surrogates, controls, RTL and emoji, SQL-ish, very long. */
export const nastyString = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d'), fc.string({ maxLength: 6 }))
      .map(([a, bad, b]) => `${a}${bad}${b}`),
  },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', '\u202e\u0007', '😀'.repeat(3), "'; drop table x; --", '%00', '${x}', '../../etc/passwd', '\\', ' ', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((k) => 'x'.repeat(k * 3000)) },
);
export const nastyNumber = fc.constantFrom(
  I32,
  -I32 - 1,
  I32 * 2,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  1e300,
  -1,
  -0.5,
  0.5,
  1.000001,
  Number.MAX_SAFE_INTEGER + 2,
  4294967296,
);
export const wrongType = fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, '', 'x', [], [null], {}, { a: 1 }, '1e3', 'NaN');
const badDates = fc.constantFrom(
  '2024-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2024-01-01T00:00:00+99:99',
  '2024-01-01T00:00:00+23:00',
  '2024-01-01T00:00:00-15:59',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '99999-01-01T00:00:00Z',
  '2024-01-01',
  'Europe/Nowhere',
  'now',
  '1e9',
);

export function resolveRef(doc: Doc, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; cur.$ref && i < 20; i++) cur = doc.components?.schemas?.[cur.$ref.replace('#/components/schemas/', '')] ?? {};
  return cur;
}

const safeUrl = fc
  .tuple(
    fc.constantFrom('http', 'https', 'ftp', 'javascript', 'file'),
    fc.constantFrom(...HOSTS),
    fc.constantFrom('', '/', '/a?b=1', '/%00', '/\u00e9', '/x#y'),
  )
  .map(([scheme, host, path]) => (scheme === 'javascript' ? 'javascript:alert(1)' : `${scheme}://${host}${path}`));
/** A URL the test configuration's allow-list (loopback) accepts; nothing listens there, nothing connects. */
const loopbackUrl = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.constantFrom('127.0.0.1', '127.0.0.1:1', '[::1]', '127.3.4.5:9'),
    fc.constantFrom('/', '/a', '/p?x=1', '/%C3%A9t%C3%A9'),
  )
  .map(([scheme, host, path]) => `${scheme}://${host}${path}`);
/** Never a URL with a host name: no scheme-like prefix at all. */
const hostileNoScheme = nastyString.map((s) => s.replace(/:/g, ''));

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.properties) return ['object'];
  return [];
}

export class OpenApiFuzzer {
  constructor(
    private readonly doc: Doc,
    /** Values path ids sometimes take, so requests reach rows that exist. */
    private readonly knownIds: () => string[] = () => [],
  ) {}

  /** A value conforming to the schema (as far as JSON Schema says; refinements may still refuse it). */
  valid(raw: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
    const s = resolveRef(this.doc, raw);
    const alts = s.anyOf ?? s.oneOf;
    if (alts?.length) return fc.oneof(...alts.map((a) => this.valid(a, name, depth)));
    if (s.allOf?.length) return this.valid(s.allOf[0], name, depth);
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if ('const' in s) return fc.constant(s.const);
    const types = typesOf(s).filter((t) => t !== 'null');
    const type = types[0];
    const n = (k: string) => (typeof s[k] === 'number' ? s[k] : undefined);
    switch (type) {
      case 'integer': {
        const min = n('minimum') ?? (n('exclusiveMinimum') !== undefined ? n('exclusiveMinimum')! + 1 : -1e6);
        const max = n('maximum') ?? min + 1e6;
        return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(min, max));
      }
      case 'number': {
        const min = n('minimum') ?? -1e6;
        const max = n('maximum') ?? 1e9;
        return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      }
      case 'boolean':
        return fc.boolean();
      case 'array': {
        if (depth > 4) return fc.constant([]);
        return fc.array(this.valid(s.items, name, depth + 1), { minLength: n('minItems') ?? 0, maxLength: Math.min(n('maxItems') ?? 4, 4) });
      }
      case 'object': {
        if (depth > 4 || !s.properties) return fc.constant({});
        const req = new Set(s.required ?? []);
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(s.properties)) model[k] = this.valid(v, k, depth + 1);
        return fc.record(model, { requiredKeys: Object.keys(model).filter((k) => req.has(k)) });
      }
      case 'string':
      default:
        return this.validString(s, name);
    }
  }

  private validString(s: Schema, name: string): fc.Arbitrary<unknown> {
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    const max = Math.max(min, Math.min(typeof s.maxLength === 'number' ? s.maxLength : 60, 60));
    if (URL_FIELD.test(name)) return loopbackUrl;
    if (typeof s.pattern === 'string')
      return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (typeof s.maxLength === 'number' ? s.maxLength : 1e6));
    if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= (typeof s.maxLength === 'number' ? s.maxLength : 254));
    if (s.format === 'date-time')
      return fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    if (/domain/i.test(name)) return fc.domain().map((d) => d.replace(/\.[a-z]+$/, '.fr'));
    return fc.string({ unit: 'grapheme', minLength: min, maxLength: max });
  }

  /** A value that breaks the schema or the storage behind it (mostly of the right type, sometimes not). */
  hostile(raw: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
    const s = resolveRef(this.doc, raw);
    const types = typesOf(s);
    const w = (weight: number, arbitrary: fc.Arbitrary<unknown>) => ({ weight, arbitrary });
    const options = [w(1, wrongType), w(1, URL_FIELD.test(name) ? hostileNoScheme : nastyString)];
    if (types.includes('string')) {
      const max = typeof s.maxLength === 'number' ? s.maxLength : 1000;
      options.push(
        w(6, URL_FIELD.test(name) ? fc.oneof(hostileNoScheme, safeUrl) : nastyString),
        w(1, fc.constant('y'.repeat(max + 1))),
        w(s.format === 'date-time' ? 6 : 1, badDates),
      );
    }
    if (types.includes('integer') || types.includes('number')) {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : I32;
      options.push(w(4, nastyNumber), w(3, fc.constantFrom(min - 1, max + 1, min + 0.5)));
    }
    if (types.includes('object') && s.properties && depth < 4) options.push(w(3, this.objectMix(s, depth + 1)));
    if (types.includes('array') && depth < 4)
      options.push(w(2, fc.array(this.mixed(s.items, name, depth + 1), { maxLength: 3 })), w(1, fc.constant(Array.from({ length: 1001 }, () => 'a'))));
    return fc.oneof(...options);
  }

  /** A valid value with exactly one field (at any depth) or one array item made hostile. */
  poisoned(raw: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
    const s = resolveRef(this.doc, raw);
    const alts = s.anyOf ?? s.oneOf;
    if (alts?.length) return fc.oneof(...alts.map((a) => this.poisoned(a, name, depth)));
    const props = Object.entries(s.properties ?? {});
    if (props.length && depth < 4) {
      return fc
        .integer({ min: 0, max: props.length - 1 })
        .chain((i) => fc.tuple(this.valid(s, name, depth), fc.constant(props[i]![0]), this.poisoned(props[i]![1], props[i]![0], depth + 1)))
        .map(([o, k, v]) => ({ ...(o as object), [k]: v }));
    }
    if (typesOf(s).includes('array') && depth < 4) {
      return fc.tuple(this.valid(s, name, depth), this.poisoned(s.items, name, depth + 1)).map(([a, v]) => [...(a as unknown[]), v]);
    }
    return this.hostile(s, name, depth);
  }

  /** Mostly valid, sometimes hostile. */
  mixed(raw: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 3, arbitrary: this.valid(raw, name, depth) }, { weight: 1, arbitrary: this.hostile(raw, name, depth) });
  }

  /** An object whose fields are each valid or hostile, with required ones sometimes missing and extra ones sometimes added. */
  private objectMix(s: Schema, depth: number): fc.Arbitrary<unknown> {
    const props = Object.entries(s.properties ?? {});
    const fields = props.map(([k, v]) => fc.tuple(fc.constant(k), fc.option(this.mixed(v, k, depth), { freq: 5, nil: undefined })));
    return fc.tuple(fc.tuple(...fields), fc.option(fc.tuple(nastyString, wrongType), { freq: 4, nil: undefined })).map(([pairs, extra]) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of pairs) if (v !== undefined) o[k] = v;
      if (extra) o[extra[0].slice(0, 50)] = extra[1];
      return o;
    });
  }

  private pathValue(p: Parameter): fc.Arbitrary<string> {
    const raw = fc.constantFrom(
      '%00',
      'a%00b',
      '%ED%A0%80',
      '%FF',
      '%',
      '..',
      '%2e%2e',
      '-1',
      '0',
      '1.5',
      '1e3',
      '9223372036854775808',
      '2147483648',
      '99999999999999999999',
      'NaN',
      '%20',
    );
    return fc.oneof(
      { weight: 4, arbitrary: this.valid(p.schema, p.name).map((v) => encode(String(v))) },
      { weight: 2, arbitrary: fc.constantFrom('1', '2', '3', ...this.knownIds()) },
      {
        weight: 3,
        arbitrary: fc.oneof(
          raw,
          this.hostile(p.schema, p.name).map((v) => encode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
        ),
      },
    );
  }

  /** Every operation of the document with its request generator. */
  operations(): FuzzOperation[] {
    const out: FuzzOperation[] = [];
    for (const [template, ops] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(ops))
        out.push({ method: method.toUpperCase(), template, arbitrary: this.request(method.toUpperCase(), template, op) });
    }
    return out;
  }

  private request(method: string, template: string, op: Operation): fc.Arbitrary<FuzzRequest> {
    const params = op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const pathArb = fc
      .tuple(...pathParams.map((p) => this.pathValue(p)))
      .map((vals) => pathParams.reduce((t, p, i) => t.replace(`{${p.name}}`, vals[i]!), template));
    // every parameter valid or absent, except at most one hostile
    const queryArb = fc
      .tuple(
        fc.tuple(...queryParams.map((p) => fc.option(this.valid(p.schema, p.name), { freq: p.required ? 8 : 2, nil: undefined }))),
        fc.integer({ min: -1, max: queryParams.length - 1 }),
        fc.tuple(...queryParams.map((p) => this.hostile(p.schema, p.name))),
      )
      .map(([vals, bad, hostile]) => {
        const chosen = vals.map((v, i) => (i === bad ? hostile[i] : v));
        return queryParams
          .flatMap((p, i) =>
            chosen[i] === undefined ? [] : [`${p.name}=${encode(typeof chosen[i] === 'string' ? chosen[i] : (JSON.stringify(chosen[i]) ?? ''))}`],
          )
          .join('&');
      });
    const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? ['application/json', undefined];
    const bodyArb: fc.Arbitrary<{ body?: string; type?: string; kind: string }> = fc.oneof(
      { weight: 2, arbitrary: (media ? this.valid(media.schema) : fc.constant({})).map((v) => ({ body: serialize(v, type), type, kind: 'valid' })) },
      {
        weight: 5,
        arbitrary: (media ? this.poisoned(media.schema) : this.hostile({ type: 'object', properties: {} })).map((v) => ({
          body: serialize(v, type),
          type,
          kind: 'poisoned',
        })),
      },
      {
        weight: 1,
        arbitrary: (media ? this.mixed(media.schema) : this.hostile({ type: 'object', properties: {} })).map((v) => ({
          body: serialize(v, type),
          type,
          kind: 'mixed',
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('', '{', '[1,', 'null', '"\\u0000"', '{"a":"\\ud800"}', '\u0000', 'a,b\nc\u0000,d', DEEP_ARRAY, DEEP_OBJECT)
          .map((b) => ({ body: b, type: 'application/json', kind: 'malformed' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'application/xml', 'application/zip', 'text/csv', 'multipart/form-data')
          .map((t) => ({ body: 'name,website\nx,http://127.0.0.1/', type: t, kind: 'content-type' })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'no-body' }) },
    );
    const methodArb = fc.oneof(
      { weight: 12, arbitrary: fc.constant(method) },
      { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'PUT', 'OPTIONS', 'HEAD', 'PATCH', 'DELETE') },
    );
    return fc.record({ path: pathArb, query: queryArb, body: bodyArb, method: methodArb }).map(({ path, query, body, method: m }): FuzzRequest => {
      const hasBody = body.body !== undefined && m !== 'GET' && m !== 'HEAD';
      return {
        method: m,
        path: query ? `${path}?${query}` : path,
        headers: hasBody && body.type ? { 'content-type': body.type } : {},
        body: hasBody ? body.body : undefined,
        kind: m === method ? body.kind : 'other-method',
      };
    });
  }
}

const serialize = (v: unknown, type: string) => (type !== 'application/json' && typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** encodeURIComponent, except that a lone surrogate goes out as the invalid UTF-8 it would be. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%A-Za-z0-9]/g, (ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return '%ED%A0%80';
      }
    });
  }
}
