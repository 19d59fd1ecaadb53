/**
 * The peer helpers themselves: stripe-mock reached by the `stripe` SDK, Pebble's directory and
 * root, and the fakes' raw wire format (what an SDK or curl would see).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findGoPeers } from '../../sandbox/concierge/go-peers.js';
import { conciergePortsFromConfig } from '../../activities/concierge/providers.js';
import { loadConfig } from '../../core/config.js';
import { createDb } from '../../db/client.js';
import Stripe from 'stripe';
import { Agent, fetch as undiciFetch } from 'undici';
import { XMLParser } from 'fast-xml-parser';
import { startChallTestSrv, startCloudflareFake, startNamecheapFake, startPebble, startRdapFake, startStripeMock } from '../../sandbox/concierge/index.js';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('adapters from config', () => {
  it('builds every concierge adapter from the config alone', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', SITE_HOST_IPV4: '198.51.100.7' });
    // building the adapters opens no connection (the ACME state is read when a certificate is asked for)
    const db = createDb(config);
    stops.push(() => db.destroy());
    const adapters = conciergePortsFromConfig(config, db);
    expect(Object.keys(adapters).sort()).toEqual(['availability', 'ca', 'dns', 'host', 'payments', 'registrar']);
    expect(adapters.host.kind).toBe('webroot');
    expect(await adapters.host.addresses()).toEqual({ ipv4: ['198.51.100.7'], ipv6: [] });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', SITE_HOST_IPV4: 'not-an-ip' })).toThrow(/SITE_HOST_IPV4/);
  });
});

describe('peers', () => {
  it('provisioning installed the Go-built peers where scripts outside the test runner find them too', () => {
    const found = findGoPeers(process.env);
    expect(found.stripeMock).toBe(inject('stripeMock'));
    expect(found.pebble).toBe(inject('pebble'));
    expect(found.challtestsrv).toBe(inject('challtestsrv'));
    expect(found.pebble).toMatch(/\.tools\/bin\/pebble$/);
  });

  it('stripe-mock answers the stripe SDK over http on a free loopback port', async () => {
    const mock = await startStripeMock();
    stops.push(mock.stop);
    const stripe = new Stripe('sk_test_123', { host: mock.host, port: mock.port, protocol: mock.protocol, maxNetworkRetries: 0 });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://atelier.test/ok',
      line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 49_000, product_data: { name: 'Site vitrine' } } }],
      metadata: { orderId: 'ord_1' },
    });
    expect(session.id).toMatch(/^cs_/);
    expect(session.object).toBe('checkout.session');
    // stripe-mock validates requests against the OpenAPI spec (unknown parameters are refused)
    const bad = await stripe.refunds.create({ payment_intent: 'pi_1', not_a_stripe_param: 'x' } as Stripe.RefundCreateParams).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('Pebble serves its ACME directory over TLS from the generated CA and publishes its issuing root', async () => {
    const chall = await startChallTestSrv();
    stops.push(chall.stop);
    const pebble = await startPebble({ dnsServer: chall.dnsServer });
    stops.push(pebble.stop);
    const dispatcher = new Agent({ connect: { ca: pebble.caCertPem } });
    const dir = (await (await undiciFetch(pebble.directoryUrl, { dispatcher })).json()) as Record<string, string>;
    expect(dir.newOrder).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    // without the CA, the TLS connection is refused
    await expect(fetch(pebble.directoryUrl)).rejects.toThrow();
    const root = new X509Certificate(await pebble.rootCertPem());
    expect(root.ca).toBe(true);
    expect(root.subject).toMatch(/Pebble Root CA/);
    expect(readFileSync(await pebble.rootCertPath(), 'utf8')).toBe(await pebble.rootCertPem());
    await dispatcher.close();
  });

  it('the Cloudflare fake speaks the v4 envelope, errors included', async () => {
    const cf = await startCloudflareFake();
    stops.push(cf.close);
    const auth = { authorization: `Bearer ${cf.token}`, 'content-type': 'application/json' };
    const created = await (
      await fetch(`${cf.baseURL}/zones`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'wire.fr', account: { id: cf.accountId } }) })
    ).json();
    expect(created).toMatchObject({ success: true, errors: [], messages: [], result: { name: 'wire.fr', status: 'pending', name_servers: expect.any(Array) } });
    const list = await (await fetch(`${cf.baseURL}/zones?name=wire.fr`, { headers: auth })).json();
    expect(list).toMatchObject({
      success: true,
      result: [{ name: 'wire.fr' }],
      result_info: { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 },
    });
    const missing = await fetch(`${cf.baseURL}/zones/${'f'.repeat(32)}/dns_records/abc`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false, result: null, errors: [{ code: 7003 }] });
    const zoneId = (created as { result: { id: string } }).result.id;
    const rec = (await (
      await fetch(`${cf.baseURL}/zones/${zoneId}/dns_records`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'A', name: 'www', content: '127.0.0.1', ttl: 1 }),
      })
    ).json()) as { result: { id: string; name: string } };
    expect(rec.result.name).toBe('www.wire.fr');
    const patched = await (
      await fetch(`${cf.baseURL}/zones/${zoneId}/dns_records/${rec.result.id}`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ content: '127.0.0.9' }),
      })
    ).json();
    expect(patched).toMatchObject({ success: true, result: { id: rec.result.id, type: 'A', name: 'www.wire.fr', content: '127.0.0.9' } });
    const filtered = await (await fetch(`${cf.baseURL}/zones/${zoneId}/dns_records?type=A&name.exact=www.wire.fr`, { headers: auth })).json();
    expect(filtered).toMatchObject({ result: [{ content: '127.0.0.9' }], result_info: { total_count: 1 } });
    const deleted = await (await fetch(`${cf.baseURL}/zones/${zoneId}/dns_records/${rec.result.id}`, { method: 'DELETE', headers: auth })).json();
    expect(deleted).toMatchObject({ success: true, result: { id: rec.result.id } });
    const badJson = await fetch(`${cf.baseURL}/zones`, { method: 'POST', headers: auth, body: '{nope' });
    expect(badJson.status).toBe(400);
    const noAuth = await fetch(`${cf.baseURL}/zones`);
    expect(noAuth.status).toBe(403);
    cf.failNext({ status: 429, retryAfterSeconds: 7 });
    const limited = await fetch(`${cf.baseURL}/zones`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
  });

  it('the Namecheap fake answers GET query strings like the real /xml.response', async () => {
    const nc = await startNamecheapFake({ taken: ['pris.fr'] });
    stops.push(nc.close);
    const q = new URLSearchParams({
      ApiUser: nc.apiUser,
      ApiKey: nc.apiKey,
      UserName: nc.apiUser,
      ClientIp: nc.clientIp,
      Command: 'namecheap.domains.check',
      DomainList: 'pris.fr,libre.fr',
    });
    const res = await fetch(`${nc.url}?${q}`);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await res.text());
    expect(doc.ApiResponse.Status).toBe('OK');
    expect(doc.ApiResponse.CommandResponse.DomainCheckResult.map((r: Record<string, string>) => [r.Domain, r.Available])).toEqual([
      ['pris.fr', 'false'],
      ['libre.fr', 'true'],
    ]);
    q.set('Command', 'namecheap.domains.nope');
    const bad = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(await (await fetch(`${nc.url}?${q}`)).text());
    expect(bad.ApiResponse.Status).toBe('ERROR');
    expect(bad.ApiResponse.Errors.Error.Number).toBe('1011146');
  });

  it('the RDAP fake answers RFC 9083 objects and errors', async () => {
    const rdap = await startRdapFake({ registered: ['pris.fr'] });
    stops.push(rdap.close);
    const found = await fetch(`${rdap.url}domain/PRIS.fr`);
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('application/rdap+json');
    expect(await found.json()).toMatchObject({ objectClassName: 'domain', ldhName: 'PRIS.FR' });
    const missing = await fetch(`${rdap.url}domain/libre.fr`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: 404 });
  });
});
