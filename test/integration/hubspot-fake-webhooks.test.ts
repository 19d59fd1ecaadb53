/**
 * The HubSpot fake through the real `@hubspot/api-client`: v3-signed webhook batches for UI and
 * API changes to a loopback receiver, retried deliveries, stale and badly signed requests on demand.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import { verifyHubSpotV3 } from '../../activities/sync/hubspot-signature.js';
import type { HubSpotFake, HubSpotWebhookEvent } from '../../sandbox/hubspot/index.js';
import { SECRET, useFakeWithClient } from '../support/hubspot/sdk-client.js';

let fake: HubSpotFake;
let hs: Client;
let receiver: Server;
let hookUrl: string;
const received: Array<{ body: string; signature: string; timestamp: string; url: string }> = [];
let receiverFailures = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        body,
        url: req.url ?? '',
        signature: String(req.headers['x-hubspot-signature-v3']),
        timestamp: String(req.headers['x-hubspot-request-timestamp']),
      });
      res.statusCode = receiverFailures > 0 ? 500 : 204;
      if (receiverFailures > 0) receiverFailures--;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/v1/webhooks/hubspot`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});
useFakeWithClient((started) => {
  ({ fake, hs } = started);
});

describe('HubSpot fake: webhooks', () => {
  it('sends v3-signed batches for UI and API changes; the signature verifies and a tampered one does not', async () => {
    received.length = 0;
    fake.webhooks.configure({ url: hookUrl });
    const company = fake.ui.create('companies', { name: 'Créée dans HubSpot' });
    fake.ui.update('companies', company.id, { phone: '+33 4 72 00 00 00' });
    await hs.crm.companies.basicApi.update(company.id, { properties: { city: 'Vienne' } });
    await fake.webhooks.flush();
    fake.webhooks.configure({ url: undefined });

    const events: HubSpotWebhookEvent[] = received.flatMap((r) => JSON.parse(r.body) as HubSpotWebhookEvent[]);
    expect(events.map((e) => [e.subscriptionType, e.propertyName ?? null, e.changeSource])).toEqual([
      ['company.creation', null, 'CRM_UI'],
      ['company.propertyChange', 'name', 'CRM_UI'],
      ['company.propertyChange', 'phone', 'CRM_UI'],
      ['company.propertyChange', 'city', 'INTEGRATION'],
    ]);
    expect(events.every((e) => e.objectId === Number(company.id) && e.portalId === 62_515)).toBe(true);
    expect(events.find((e) => e.changeSource === 'INTEGRATION')!.sourceId).toBe('4242');
    for (const r of received) {
      const ok = verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: r.body,
        signature: r.signature,
        timestamp: r.timestamp,
        nowMs: Date.now(),
      });
      expect(ok.ok).toBe(true);
      const tampered = verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: `${r.body} `,
        signature: r.signature,
        timestamp: r.timestamp,
        nowMs: Date.now(),
      });
      expect(tampered).toEqual({ ok: false, reason: 'mismatch' });
    }
  });

  it('retries a delivery the receiver refused, and can send a stale or badly signed request on demand', async () => {
    received.length = 0;
    receiverFailures = 1;
    fake.webhooks.configure({ url: hookUrl, maxAttempts: 2 });
    const c = fake.ui.create('tickets', { subject: 'Panne tableau électrique' });
    await fake.webhooks.flush();
    fake.webhooks.configure({ url: undefined });
    const attempts = fake.webhooks.deliveries.filter((d) => d.events.some((e) => e.objectId === Number(c.id)));
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [0, 500],
      [1, 204],
    ]);

    received.length = 0;
    const stale = Date.now() - 6 * 60 * 1000;
    const r = await fake.webhooks.send([{ eventId: 1 }], { url: hookUrl, timestamp: stale });
    expect(r.status).toBe(204);
    const got = received[0]!;
    expect(got.timestamp).toBe(String(stale));
    expect(
      verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: got.body,
        signature: got.signature,
        timestamp: got.timestamp,
        nowMs: Date.now(),
      }),
    ).toEqual({ ok: false, reason: 'stale' });
    await fake.webhooks.send([{ eventId: 2 }], { url: hookUrl, secret: 'not-the-secret' });
    const bad = received[1]!;
    expect(
      verifyHubSpotV3({
        secret: SECRET,
        method: 'POST',
        uri: hookUrl,
        rawBody: bad.body,
        signature: bad.signature,
        timestamp: bad.timestamp,
        nowMs: Date.now(),
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });
});
