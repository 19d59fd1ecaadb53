/**
 * The text of a value read from JSON, XML or a provider payload where a scalar is expected (a
 * reference, a name, a cell of a report): '' for null and undefined, a string as it is, a number,
 * boolean or bigint by String(). An object or array (a payload not of the expected shape) is
 * written as its JSON, never as "[object Object]". Pure.
 */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return '';
  return JSON.stringify(v);
}
