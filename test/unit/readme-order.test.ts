/**
 * The README's concierge curl posts the same body as EXAMPLE_ORDER (the docs' example, the tour's,
 * the demo's and the tests' base order): one order, so editing one place without the other fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { OrderInputSchema } from '../../activities/concierge/order-validation.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("README's concierge order", () => {
  it('is EXAMPLE_ORDER, and the API schema accepts it', () => {
    const m = /curl -s -X POST localhost:3000\/v1\/concierge\/orders [^\n]*-d '(\{[\s\S]*?\})'\n/.exec(readme);
    expect(m, 'the README has a concierge order curl with a JSON body').not.toBeNull();
    const body: unknown = JSON.parse(m![1]!);
    expect(body).toEqual(EXAMPLE_ORDER);
    expect(OrderInputSchema.safeParse(body).success).toBe(true);
  });
});
