/** What the HubSpot fake's routes share: the path's object type, batch inputs and ids, HubSpot's errors and batch envelope. */
import { resolveObjectType, type HsObjectType } from './schema.js';
import { HsError } from './hs-error.js';

export const BATCH_LIMIT = 100;
export const SOURCE = 'INTEGRATION' as const;

export interface RouteResult {
  status: number;
  body?: unknown;
}

export const notFound = (message = 'Object not found.  objectId are usually numeric.', id?: string) =>
  new HsError(404, 'OBJECT_NOT_FOUND', message, id === undefined ? {} : { context: { id: [id] } });
export const badInput = (message: string) => new HsError(400, 'VALIDATION_ERROR', message);

export function objectType(raw: string): HsObjectType {
  const t = resolveObjectType(raw);
  if (!t) throw new HsError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${raw}`);
  return t;
}

export function inputsOf(body: unknown): Array<Record<string, unknown>> {
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) throw badInput('Invalid input JSON: "inputs" is required and must be an array');
  if (inputs.length > BATCH_LIMIT) throw badInput(`Batch input limit exceeded: ${inputs.length} inputs, the maximum is ${BATCH_LIMIT}.`);
  for (const i of inputs) if (i === null || typeof i !== 'object') throw badInput('Invalid input JSON: each input must be an object');
  return inputs as Array<Record<string, unknown>>;
}

export function batchEnvelope(results: unknown[], startedAt: string, errors: unknown[] = []) {
  const base = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  return errors.length > 0 ? { ...base, numErrors: errors.length, errors } : base;
}

export function requireId(v: unknown, what = 'id'): string {
  if (typeof v !== 'string' && typeof v !== 'number') throw badInput(`Invalid input JSON: "${what}" is required`);
  return String(v);
}
