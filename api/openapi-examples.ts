/**
 * One request-body example per JSON operation, published in the OpenAPI document (and so in the
 * docs' "try it"). They are requests that work on `npm start`'s sandbox default: URLs of the demo
 * agency sites (127.0.80.0/24, which the launcher allows), the README's order. A test posts every
 * one and expects it accepted (test/integration/openapi-examples.test.ts); an operation without an
 * example fails that test.
 */
import type { z } from 'zod';
import type { OrderInputSchema } from '../activities/concierge/order-validation.js';
import { INTERVENTION } from '../activities/sync/mapping/entities.js';

/** The README's concierge order: the docs' example, and the order the tour, the demos and the tests start from. */
export const EXAMPLE_ORDER = {
  businessName: 'Boulangerie Martin',
  contactEmail: 'claire@boulangerie-martin.fr',
  desiredDomain: 'boulangerie-martin.fr',
  plan: 'business',
  urgent: false,
  site: { kind: 'template', tagline: 'Pains au levain depuis 1952', city: 'Lyon' },
  registrant: {
    firstName: 'Claire',
    lastName: 'Martin',
    phone: '+33.472000000',
    address1: '3 rue des Fours',
    city: 'Lyon',
    postalCode: '69001',
    country: 'FR',
  },
} satisfies z.input<typeof OrderInputSchema>;

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  'POST /v1/diagnostics': { holdSeconds: 5, requestedBy: 'docs' },
  'POST /v1/sources': { name: 'Agence du Parc', website: 'http://127.0.80.2:8080/', postalCodes: ['69006'], priority: 1 },
  'PATCH /v1/sources/{id}': { priority: 2, postalCodes: ['69006', '69003'] },
  'POST /v1/alerts': {
    ownerEmail: 'marie@exemple.fr',
    name: 'T3 Lyon 6e',
    criteria: { postalCodes: ['69006'], priceMax: 500000, roomsMin: 3 },
    frequency: 'immediate',
  },
  'PATCH /v1/alerts/{id}': { criteria: { postalCodes: ['69006'], priceMax: 550000, roomsMin: 3 } },
  'POST /v1/watches/check': {},
  'POST /v1/watches': { name: 'Biens à vendre', url: 'http://127.0.80.1:8080/nos-biens/', selector: 'main', intervalMinutes: 60, target: 'ops@exemple.fr' },
  'PATCH /v1/watches/{id}': { intervalMinutes: 120 },
  'POST /v1/monitors': { url: 'http://127.0.80.1:8080/', intervalSeconds: 60, alertEmail: 'ops@exemple.fr' },
  'PATCH /v1/monitors/{id}': { paused: true },
  'POST /v1/audits': { url: 'http://127.0.80.1:8080/', options: { browser: false, samples: 1 } },
  'POST /v1/sizing': { members: 10000, agents: 100 },
  'POST /v1/concierge/orders': EXAMPLE_ORDER,
  'POST /v1/concierge/orders/{id}/domain': { domain: 'boulangerie-martin.com' },
  'POST /v1/sync/runs': { mode: 'full', dryRun: true },
  'POST /v1/sync/conflicts/{id}/resolve': { choice: 'hubspot' },
  // a new version of the interventions' mapping: the built-in one (version 2), the priority no longer synced
  'PUT /v1/sync/mappings': { entity: 'intervention', expectedVersion: INTERVENTION.version, fields: INTERVENTION.fields.filter((f) => f.field !== 'priority') },
  'POST /v1/admin/keys': { name: 'ci', scopes: ['read', 'operate'], rate: '600/min' },
  'POST /v1/interventions': {
    customerSageId: 'CLI0001',
    subject: 'Remplacement du routeur',
    priority: 'HIGH',
    status: 'SCHEDULED',
    scheduledAt: '2026-12-10T09:00:00+01:00',
  },
};

type Operation = { requestBody?: { content?: Record<string, { example?: unknown }> } };

/** The document with each JSON request body's example set from REQUEST_EXAMPLES. */
export function withRequestExamples<D extends { paths?: object }>(doc: D): D {
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      const json = op?.requestBody?.content?.['application/json'];
      const example = REQUEST_EXAMPLES[`${method.toUpperCase()} ${path}`];
      if (json && example !== undefined) json.example = example;
    }
  }
  return doc;
}
