/**
 * Every concierge adapter, built from config alone (`conciergePortsFromConfig`, what the worker uses) and pointed at the
 * local peers by `startConciergePeers().env`, doing an order's steps in order, without Temporal:
 * availability -> registration with Cloudflare's nameservers -> zone and records -> publish ->
 * certificate by DNS-01 -> installed and served over HTTPS, verified with Pebble's root.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConciergePeers, type ConciergePeers } from '../../sandbox/concierge/index.js';
import { conciergePortsFromConfig } from '../../activities/concierge/providers.js';
import { combineAvailability } from '../../activities/concierge/adapters/availability.js';
import { loadConfig } from '../../core/config.js';
import { freshDb, type TestDb } from '../support/db.js';

let peers: ConciergePeers;
let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
  peers = await startConciergePeers({ taken: ['boulangerie.fr'], stripe: false });
});
afterAll(async () => {
  await peers?.stop();
  await t?.drop();
});

describe('concierge adapters end to end against the local peers', () => {
  it('takes a free name from availability to a live HTTPS site', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', ...peers.env });
    const a = conciergePortsFromConfig(config, t.db);

    // the wanted name is taken; the alternative is free
    const taken = combineAvailability(
      await a.availability.whois('boulangerie.fr'),
      await a.availability.rdap('boulangerie.fr'),
      (await a.registrar.check(['boulangerie.fr']))[0]!,
    );
    expect(taken).toMatchObject({ available: false, disagreement: false });
    const domain = 'boulangerie-dupont.fr';
    const free = combineAvailability(await a.availability.whois(domain), await a.availability.rdap(domain), (await a.registrar.check([domain]))[0]!);
    expect(free).toMatchObject({ available: true, premium: false });

    const zone = await a.dns.ensureZone(domain);
    const contact = {
      firstName: 'Paul',
      lastName: 'Dupont',
      email: 'paul@example.fr',
      phone: '+33.611223344',
      address1: '1 place du Marché',
      city: 'Tours',
      postalCode: '37000',
      country: 'FR',
    };
    const reg = await a.registrar.register({ domain, years: 1, contact, nameservers: zone.nameservers });
    expect(reg.chargedAmount).toBeGreaterThan(0);
    expect(await a.registrar.getOwned(domain)).toEqual({ owned: true, nameservers: zone.nameservers });

    const { ipv4 } = await a.host.addresses();
    for (const name of [domain, `www.${domain}`]) await a.dns.upsertRecord(zone.zoneId, { type: 'A', name, content: ipv4[0]!, ttl: 300 });
    expect(await peers.acme.challtestsrv.resolver().resolve4(`www.${domain}`)).toEqual(['127.0.0.1']);

    const src = join(peers.dir, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'index.html'), '<!doctype html><title>Boulangerie Dupont</title>');
    await a.host.publish(domain, { dir: src });

    const cert = await a.ca.issue({ domains: [domain, `www.${domain}`], zoneId: zone.zoneId, dns: a.dns, accountEmail: 'ops@atelier.test' });
    await a.host.installCertificate(domain, cert);
    expect(new X509Certificate(cert.certPem.split(/(?<=-----END CERTIFICATE-----)/)[0]!).checkHost(`www.${domain}`)).toBe(`www.${domain}`);
    expect(await a.dns.listRecords(zone.zoneId, { type: 'TXT' })).toEqual([]);

    const root = readFileSync(peers.env.CONCIERGE_LIVE_CHECK_CA_PATH!, 'utf8');
    const page = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: Number(peers.env.CONCIERGE_LIVE_CHECK_PORT), path: '/', servername: domain, headers: { host: domain }, ca: root },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(page).toEqual({ status: 200, body: '<!doctype html><title>Boulangerie Dupont</title>' });
    expect(peers.namecheap.registrations(domain)).toBe(1);
  });
});
