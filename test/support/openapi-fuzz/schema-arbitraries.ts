/**
 * Values generated from a JSON Schema of the API's OpenAPI document with fast-check: conforming
 * ones, hostile ones (breaking the schema or the storage behind it), a valid value with one field
 * poisoned, and mixes of both.
 */
import fc from 'fast-check';
import {
  badDates,
  hostileNoScheme,
  I32,
  loopbackUrl,
  nastyNumber,
  nastyString,
  resolveRef,
  safeUrl,
  typesOf,
  URL_FIELD,
  wrongType,
  type Doc,
  type Schema,
} from './values.js';

export class SchemaArbitraries {
  constructor(protected readonly doc: Doc) {}

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
}
