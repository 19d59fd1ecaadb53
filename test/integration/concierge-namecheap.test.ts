/**
 * The Namecheap registrar adapter against the Namecheap XML API fake: check (regular, taken,
 * premium, unsupported), register with contacts and custom nameservers, check-before-create so a
 * retry never registers twice, refusals vs transient failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { startNamecheapFake, type NamecheapFake } from '../../sandbox/concierge/index.js';
import { createNamecheapRegistrar } from '../../activities/concierge/adapters/namecheap.js';
import type { Contact, Registrar } from '../../activities/concierge/ports.js';

const contact: Contact = {
  firstName: 'Marie',
  lastName: 'Martin',
  organization: 'Boulangerie Martin',
  email: 'marie@boulangerie-martin.fr',
  phone: '+33.612345678',
  address1: '12 rue des Lilas',
  city: 'Lyon',
  postalCode: '69003',
  country: 'fr',
};
const NS = ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'];

let nc: NamecheapFake;
let registrar: Registrar;
let config: Parameters<typeof createNamecheapRegistrar>[0];

beforeAll(async () => {
  nc = await startNamecheapFake({ taken: ['google.fr', 'pris.com'], premium: { 'pain.fr': 2500 }, unsupportedTlds: ['gouv.fr'] });
  config = {
    NAMECHEAP_API_URL: nc.url,
    NAMECHEAP_API_USER: nc.apiUser,
    NAMECHEAP_API_KEY: nc.apiKey,
    NAMECHEAP_USERNAME: undefined,
    NAMECHEAP_CLIENT_IP: nc.clientIp,
  };
  registrar = createNamecheapRegistrar(config);
});
afterAll(async () => nc?.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ApplicationFailure,
  );

describe('Namecheap registrar adapter', () => {
  it('checks availability with premium prices, in one call', async () => {
    const res = await registrar.check(['boulangerie-martin.fr', 'Google.fr', 'pain.fr', 'mairie.gouv.fr']);
    expect(res).toEqual([
      { domain: 'boulangerie-martin.fr', available: true, premium: false },
      { domain: 'google.fr', available: false, premium: false },
      { domain: 'pain.fr', available: true, premium: true, premiumPrice: 2500 },
      { domain: 'mairie.gouv.fr', available: false, premium: false },
    ]);
    expect(nc.commands.filter((c) => c.startsWith('namecheap.domains.check'))).toHaveLength(1);
  });

  it('splits more than 50 names into several checks', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `nom-${i}.com`);
    const res = await registrar.check(names);
    expect(res.map((r) => r.domain)).toEqual(names);
    expect(res.every((r) => r.available)).toBe(true);
  });

  it('registers with contacts and custom nameservers; a retry finds it ours and does not buy it again', async () => {
    expect(await registrar.getOwned('boulangerie-martin.fr')).toEqual({ owned: false, nameservers: [] });
    const first = await registrar.register({ domain: 'boulangerie-martin.fr', years: 1, contact, nameservers: NS });
    expect(first.orderId).toMatch(/^\d+$/);
    expect(first.chargedAmount).toBeCloseTo(10.87);
    const owned = nc.owned().find((d) => d.domain === 'boulangerie-martin.fr')!;
    expect(owned.nameservers).toEqual(NS);
    expect(owned.registrant).toMatchObject({ FirstName: 'Marie', Country: 'FR', StateProvince: 'Lyon', Phone: '+33.612345678' });

    expect(await registrar.getOwned('boulangerie-martin.fr')).toEqual({ owned: true, nameservers: NS });
    const retry = await registrar.register({ domain: 'boulangerie-martin.fr', years: 1, contact, nameservers: NS });
    expect(retry).toEqual({ domain: 'boulangerie-martin.fr', orderId: 'already-registered', chargedAmount: 0 });
    expect(nc.registrations('boulangerie-martin.fr')).toBe(1);
    expect(nc.commands.filter((c) => c === 'namecheap.domains.create boulangerie-martin.fr')).toHaveLength(1);
  });

  it('registers a premium name at its premium price', async () => {
    const res = await registrar.register({ domain: 'pain.fr', years: 1, contact, nameservers: NS });
    expect(res.chargedAmount).toBe(2500);
    expect(nc.registrations('pain.fr')).toBe(1);
  });

  it('points an owned domain at new nameservers', async () => {
    await registrar.setNameservers('boulangerie-martin.fr', ['ns1.example.net', 'ns2.example.net']);
    expect((await registrar.getOwned('boulangerie-martin.fr')).nameservers).toEqual(['ns1.example.net', 'ns2.example.net']);
    const err = await failure(registrar.setNameservers('jamais-vu.fr', NS));
    expect(err.type).toBe('registrar-refused');
    expect(err.message).toMatch(/2019166/);
  });

  it('refuses (non-retryable) a taken name, bad contacts, bad credentials', async () => {
    const taken = await failure(registrar.register({ domain: 'pris.com', years: 1, contact, nameservers: NS }));
    expect(taken).toBeInstanceOf(ApplicationFailure);
    expect(taken.type).toBe('registrar-refused');
    expect(taken.nonRetryable).toBe(true);

    const badPhone = await failure(registrar.register({ domain: 'telephone.fr', years: 1, contact: { ...contact, phone: '0612345678' }, nameservers: NS }));
    expect(badPhone.type).toBe('registrar-refused');
    expect(badPhone.message).toMatch(/2015182/);

    const wrongKey = createNamecheapRegistrar({ ...config, NAMECHEAP_API_KEY: 'wrong' });
    const denied = await failure(wrongKey.check(['x.fr']));
    expect(denied.type).toBe('registrar-refused');
    expect(denied.message).toMatch(/1011102/);

    const wrongIp = createNamecheapRegistrar({ ...config, NAMECHEAP_CLIENT_IP: '10.0.0.1' });
    expect((await failure(wrongIp.check(['x.fr']))).message).toMatch(/1011150/);
    expect(nc.registrations('pris.com') + nc.registrations('telephone.fr')).toBe(0);
  });

  it('a domain the registry fails to register is refused once; provider hiccups and HTTP errors are retryable', async () => {
    nc.failNext({ command: 'namecheap.domains.create', domain: 'echec.fr', number: 2528166, message: 'Order creation failed' });
    const refused = await failure(registrar.register({ domain: 'echec.fr', years: 1, contact, nameservers: NS }));
    expect(refused.type).toBe('registrar-refused');
    expect(refused.nonRetryable).toBe(true);

    nc.failNext({ command: 'namecheap.domains.create', domain: 'hoquet.fr', number: 3050900, message: 'Unknown error from provider' });
    const transient = await failure(registrar.register({ domain: 'hoquet.fr', years: 1, contact, nameservers: NS }));
    expect(transient.type).toBe('registrar-unavailable');
    expect(transient.nonRetryable).toBe(false);
    // the retry Temporal would make succeeds, once
    await registrar.register({ domain: 'hoquet.fr', years: 1, contact, nameservers: NS });
    expect(nc.registrations('hoquet.fr')).toBe(1);

    nc.failNext({ command: 'namecheap.domains.check', httpStatus: 503 });
    const http = await failure(registrar.check(['x.fr']));
    expect(http.type).toBe('registrar-unavailable');
    expect(http.nonRetryable).toBe(false);
  });

  it('a registration whose answer was lost is found on retry (create succeeded, reply never came)', async () => {
    // first attempt: the create goes through at the registrar but the client times out
    const slow = createNamecheapRegistrar(config, {
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const body = init?.body instanceof URLSearchParams ? init.body.toString() : ''; // the adapter posts a form
        if (body.includes('namecheap.domains.create')) throw new Error('socket hang up');
        return res;
      },
    });
    const lost = await failure(slow.register({ domain: 'perdu.fr', years: 1, contact, nameservers: NS }));
    expect(lost.type).toBe('registrar-unavailable');
    expect(nc.registrations('perdu.fr')).toBe(1);
    const retry = await registrar.register({ domain: 'perdu.fr', years: 1, contact, nameservers: NS });
    expect(retry.orderId).toBe('already-registered');
    expect(nc.registrations('perdu.fr')).toBe(1);
  });
});
