/**
 * HubSpot's checks of property values on a write: each value against its definition (type, options,
 * read-only, e-mail), normalized to the string HubSpot stores, and the 400 VALIDATION_ERROR listing
 * every invalid one. Pure.
 */
import { textOf } from '../../core/text-of.js';
import type { PropertyDef } from './schema.js';
import { HsError } from './hs-error.js';

export interface InvalidValue {
  name: string;
  error: string;
  message: string;
}

export function validationError(portalId: number, invalid: InvalidValue[]): HsError {
  const details = invalid.map((i) => ({ isValid: false, message: i.message, error: i.error, name: i.name, localizedErrorMessage: i.message, portalId }));
  return new HsError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(details)}`, {
    errors: invalid.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } })),
  });
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function parseHsDate(v: string): number | undefined {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Validates values against the property definitions; returns normalized string values (null clears). */
export function normalizeValues(
  property: (name: string) => PropertyDef | undefined,
  properties: Record<string, unknown>,
  invalid: InvalidValue[],
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    invalid.push({ name: '(properties)', error: 'INVALID_INPUT', message: 'properties must be an object' });
    return out;
  }
  for (const [name, raw] of Object.entries(properties)) {
    const def = property(name);
    if (!def) {
      invalid.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.readOnly) {
      invalid.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
      continue;
    }
    if (raw === null || raw === undefined || raw === '') {
      out[name] = null;
      continue;
    }
    if (typeof raw === 'object') {
      invalid.push({ name, error: 'INVALID_INPUT', message: `${JSON.stringify(raw)} is not a valid value for ${name}` });
      continue;
    }
    let v = textOf(raw);
    if (def.type === 'number' && !/^-?\d+(\.\d+)?$/.test(v)) {
      invalid.push({ name, error: 'INVALID_DECIMAL', message: `${v} was not a valid number.` });
      continue;
    }
    if (def.type === 'datetime' || def.type === 'date') {
      const t = parseHsDate(v);
      if (t === undefined) {
        invalid.push({ name, error: 'INVALID_DATE', message: `${v} is not a valid date or datetime.` });
        continue;
      }
      v = new Date(t).toISOString();
    }
    if (def.type === 'bool' && v !== 'true' && v !== 'false') {
      invalid.push({ name, error: 'INVALID_BOOLEAN', message: `${v} is not a valid boolean.` });
      continue;
    }
    if (def.type === 'enumeration' && def.options.length > 0 && !def.options.some((o) => o.value === v)) {
      invalid.push({ name, error: 'INVALID_OPTION', message: `${v} was not one of the allowed options: ${def.options.map((o) => o.value).join(', ')}` });
      continue;
    }
    if (name === 'email') {
      v = v.trim().toLowerCase();
      if (!EMAIL.test(v)) {
        invalid.push({ name, error: 'INVALID_EMAIL', message: `Email address ${v} is invalid` });
        continue;
      }
    }
    out[name] = v;
  }
  return out;
}
