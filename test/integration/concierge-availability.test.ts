/**
 * Availability: whois (whoiser against the loopback port-43 fixture) and RDAP (HTTP fake) give
 * opinions, the registrar's check (Namecheap fake) has the final word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNamecheapFake, startRdapFake, startWhoisFixture, type NamecheapFake, type RdapFake, type WhoisFixture } from '../../sandbox/concierge/index.js';
import { availabilityEndpoints, combineAvailability, createAvailabilityLookup } from '../../activities/concierge/adapters/availability.js';
import { loadConfig } from '../../core/config.js';
import { createNamecheapRegistrar } from '../../activities/concierge/adapters/namecheap.js';
import type { AvailabilityLookup, Registrar } from '../../activities/concierge/ports.js';

let whois: WhoisFixture;
let rdap: RdapFake;
let nc: NamecheapFake;
let lookup: AvailabilityLookup;
let registrar: Registrar;

beforeAll(async () => {
  const taken = ['pris.com', 'pris.fr', 'pris.eu'];
  whois = await startWhoisFixture({ registered: taken, rateLimited: ['muet.org'] });
  rdap = await startRdapFake({ registered: taken });
  nc = await startNamecheapFake({ taken, premium: { 'luxe.com': 1200 } });
  // wired as the worker wires them: config variables from the peers' env
  const config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', ...whois.env, ...rdap.env, ...nc.env, WHOIS_TIMEOUT_MS: '3000' });
  lookup = createAvailabilityLookup(availabilityEndpoints(config));
  registrar = createNamecheapRegistrar(config);
});
afterAll(async () => {
  await whois?.close();
  await rdap?.close();
  await nc?.close();
});

async function decide(domain: string) {
  const [w, r, [c]] = await Promise.all([lookup.whois(domain), lookup.rdap(domain), registrar.check([domain])]);
  return combineAvailability(w, r, c!);
}

describe('availability: whois + RDAP opinions, the registrar decides', () => {
  it('a free name is free everywhere', async () => {
    for (const d of ['libre.com', 'libre.fr', 'libre.eu']) {
      expect(await lookup.whois(d)).toMatchObject({ available: true });
      expect(await lookup.rdap(d)).toMatchObject({ available: true });
      expect(await decide(d)).toMatchObject({ available: true, premium: false, disagreement: false });
    }
    expect(whois.queries).toContain('libre.fr');
  });

  it("a taken name is taken everywhere, whatever the registry's whois dialect", async () => {
    for (const d of ['pris.com', 'pris.fr', 'pris.eu']) {
      expect(await lookup.whois(d)).toMatchObject({ available: false });
      expect(await lookup.rdap(d)).toMatchObject({ available: false });
      expect(await decide(d)).toMatchObject({ available: false, disagreement: false });
    }
  });

  it("a premium name is available at the registrar's premium price", async () => {
    expect(await decide('luxe.com')).toMatchObject({ available: true, premium: true, premiumPrice: 1200 });
  });

  it('whois and RDAP disagreeing with the registrar: the registrar decides and the disagreement is flagged', async () => {
    // registered since the registries' data was read: whois and RDAP still say free
    nc.setTaken('tout-juste.com');
    const d = await decide('tout-juste.com');
    expect(d).toMatchObject({ available: false, disagreement: true, opinions: { whois: true, rdap: true, registrar: false } });

    // whois says taken, RDAP and the registrar say free (a stale whois): free
    whois.register('perime.com');
    const s = await decide('perime.com');
    expect(s).toMatchObject({ available: true, disagreement: true, opinions: { whois: false, rdap: true, registrar: true } });
  });

  it('no opinion (null) from a rate-limited whois or a failing RDAP', async () => {
    expect(await lookup.whois('muet.org')).toMatchObject({ available: null, detail: expect.stringMatching(/LIMIT EXCEEDED/i) });
    rdap.failWith('occupe.com', 503);
    expect(await lookup.rdap('occupe.com')).toEqual({ available: null, detail: 'RDAP answered 503' });
    const d = await decide('occupe.com');
    expect(d).toMatchObject({ available: true, disagreement: false, opinions: { rdap: null } });
  });

  it('whois fails loudly-but-gracefully when the server is down', async () => {
    const dead = createAvailabilityLookup({ whoisHost: '127.43.0.250', rdapBaseUrl: rdap.url, timeoutMs: 500 });
    const w = await dead.whois('libre.com');
    expect(w.available).toBeNull();
    expect(w.detail).toMatch(/ECONNREFUSED|whois failed/);
  });
});
