/**
 * Requests generated from the API's own OpenAPI document with fast-check: for every operation,
 * values that conform to its schemas and hostile ones (NUL bytes, lone surrogates, huge, negative
 * and fractional numbers, overlong strings, impossible dates and offsets, wrong types, missing and
 * extra fields, bad path parameters, malformed bodies, other methods).
 *
 * This file turns each operation into requests (path, query, body, method); the values come from
 * openapi-fuzz/schema-arbitraries.ts, the fixed hostile ones and URL safety from openapi-fuzz/values.ts.
 */
import fc from 'fast-check';
import { SchemaArbitraries } from './openapi-fuzz/schema-arbitraries.js';
import type { Doc, Operation, Parameter } from './openapi-fuzz/values.js';

export { nastyNumber, nastyString, resolveRef, wrongType } from './openapi-fuzz/values.js';

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

/** JSON nested 100 000 deep (a recursive walker of the parsed body would overflow its stack). */
const DEEP_ARRAY = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const DEEP_OBJECT = `${'{"name":'.repeat(100_000)}1${'}'.repeat(100_000)}`;

export class OpenApiFuzzer extends SchemaArbitraries {
  constructor(
    doc: Doc,
    /** Values path ids sometimes take, so requests reach rows that exist. */
    private readonly knownIds: () => string[] = () => [],
  ) {
    super(doc);
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
