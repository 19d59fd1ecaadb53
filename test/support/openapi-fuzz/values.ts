/**
 * The building blocks of the OpenAPI fuzzer: the OpenAPI shapes it reads, `$ref` resolution, and
 * the fixed hostile values (strings, numbers, wrong types, impossible dates) and URLs.
 *
 * Outbound safety: the API resolves the host of URL fields at request time, so every string put in a
 * field whose name says URL is an IP-literal URL (loopback, private or documentation ranges: no DNS
 * query, and the API never connects to it) or a string without a scheme, which no URL parser turns
 * into a host name.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown> & {
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
export type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
export type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };
export type Operation = { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> } };

export const URL_FIELD = /url|website|target|webhook/i;
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
export const I32 = 2 ** 31;
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
export const badDates = fc.constantFrom(
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

export const safeUrl = fc
  .tuple(
    fc.constantFrom('http', 'https', 'ftp', 'javascript', 'file'),
    fc.constantFrom(...HOSTS),
    fc.constantFrom('', '/', '/a?b=1', '/%00', '/\u00e9', '/x#y'),
  )
  .map(([scheme, host, path]) => (scheme === 'javascript' ? 'javascript:alert(1)' : `${scheme}://${host}${path}`));
/** A URL the test configuration's allow-list (loopback) accepts; nothing listens there, nothing connects. */
export const loopbackUrl = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.constantFrom('127.0.0.1', '127.0.0.1:1', '[::1]', '127.3.4.5:9'),
    fc.constantFrom('/', '/a', '/p?x=1', '/%C3%A9t%C3%A9'),
  )
  .map(([scheme, host, path]) => `${scheme}://${host}${path}`);
/** Never a URL with a host name: no scheme-like prefix at all. */
export const hostileNoScheme = nastyString.map((s) => s.replace(/:/g, ''));

export function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.properties) return ['object'];
  return [];
}
