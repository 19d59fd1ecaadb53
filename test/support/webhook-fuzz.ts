/**
 * Signed webhook deliveries for the API fuzz: bodies shaped like HubSpot's and Stripe's events
 * with hostile values in them, signed with the secrets of the test configuration, so requests get
 * past the signature check and reach the handlers' parsing, storage and signalling.
 */
import fc from 'fast-check';
import { HUBSPOT_SIGNATURE_V3_HEADER, HUBSPOT_TIMESTAMP_HEADER, signHubSpotV3 } from '../../activities/sync/hubspot-signature.js';
import { stripe } from '../../sandbox/concierge/stripe-events.js';
import { nastyString, nastyNumber, wrongType, type FuzzRequest } from './openapi-fuzz.js';

// mostly well-formed, so that deliveries get past parsing, with one hostile value here and there
const id = fc.oneof(
  { weight: 6, arbitrary: fc.nat() },
  { weight: 1, arbitrary: nastyNumber },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: wrongType },
);
const text = (...real: string[]) =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: wrongType });

const hubspotEvents = fc.oneof(
  { weight: 1, arbitrary: wrongType },
  {
    weight: 8,
    arbitrary: fc.array(
      fc.record(
        {
          eventId: id,
          subscriptionType: text('contact.propertyChange', 'company.creation', 'object.creation'),
          objectId: id,
          objectTypeId: text('0-1', '0-2'),
          occurredAt: fc.oneof(fc.nat(), nastyNumber),
          propertyName: text('email'),
        },
        { requiredKeys: ['eventId', 'subscriptionType', 'objectId'] },
      ),
      { maxLength: 2 },
    ),
  },
);

const stripeEvent = fc.record({
  id: fc.oneof({ weight: 8, arbitrary: fc.stringMatching(/^evt_[a-z0-9]{10}$/) }, { weight: 1, arbitrary: nastyString }),
  type: text('checkout.session.completed', 'checkout.session.async_payment_succeeded', 'payment_intent.created'),
  created: fc.oneof(fc.nat(), nastyNumber),
  data: fc.record({
    object: fc.record({
      id: text('cs_test_1'),
      metadata: fc.oneof({ weight: 6, arbitrary: fc.record({ orderId: text('ord_aaaaaaaaaaaaaaaaaaaa') }) }, { weight: 1, arbitrary: wrongType }),
      client_reference_id: text('ord_bbbbbbbbbbbbbbbbbbbb'),
      payment_status: text('paid', 'unpaid', 'no_payment_required'),
      payment_intent: text('pi_1'),
      amount_total: fc.oneof(fc.nat(), nastyNumber, wrongType),
      currency: text('eur'),
    }),
  }),
});

/** Re-signs `req` (a POST to a webhook route) with a generated, signed body; other requests pass as they are. */
export function signedWebhooks(secrets: { hubspot: string; stripe: string; baseUrl: string }) {
  return {
    '/v1/webhooks/hubspot': hubspotEvents.map((events) => (req: FuzzRequest): FuzzRequest => {
      const body = JSON.stringify(events) ?? '';
      const ts = String(Date.now());
      const signature = signHubSpotV3(secrets.hubspot, 'POST', `${secrets.baseUrl}/v1/webhooks/hubspot`, body, ts);
      return {
        ...req,
        method: 'POST',
        path: '/v1/webhooks/hubspot',
        body,
        headers: { 'content-type': 'application/json', [HUBSPOT_SIGNATURE_V3_HEADER]: signature, [HUBSPOT_TIMESTAMP_HEADER]: ts },
        kind: 'signed',
      };
    }),
    '/v1/webhooks/stripe': stripeEvent.map((event) => (req: FuzzRequest): FuzzRequest => {
      const body = JSON.stringify(event);
      const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret: secrets.stripe });
      return {
        ...req,
        method: 'POST',
        path: '/v1/webhooks/stripe',
        body,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        kind: 'signed',
      };
    }),
  } as Record<string, fc.Arbitrary<(req: FuzzRequest) => FuzzRequest>>;
}
