/**
 * The Cloudflare DNS adapter (official SDK) against the Cloudflare API v4 fake, which mirrors its
 * records into pebble-challtestsrv's DNS: what the adapter writes is what a resolver sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Cloudflare, { type APIError } from 'cloudflare';
import { ApplicationFailure } from '@temporalio/common';
import { startChallTestSrv, startCloudflareFake, type ChallTestSrv, type CloudflareFake } from '../../sandbox/concierge/index.js';
import { createCloudflareClient, createCloudflareDns } from '../../activities/concierge/adapters/cloudflare-dns.js';
import type { DnsProvider } from '../../activities/concierge/ports.js';
import { loadConfig, type Config } from '../../core/config.js';

let chall: ChallTestSrv;
let cf: CloudflareFake;
let dns: DnsProvider;
let config: Config;

beforeAll(async () => {
  chall = await startChallTestSrv();
  cf = await startCloudflareFake({ challtestsrvUrl: chall.managementUrl });
  config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', ...cf.env });
  dns = createCloudflareDns(config);
});
afterAll(async () => {
  await cf?.close();
  await chall?.stop();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ApplicationFailure,
  );

describe('Cloudflare DNS adapter', () => {
  it('finds or creates the zone, once, whatever the number of calls', async () => {
    const a = await dns.ensureZone('atelier-zone.fr');
    const b = await dns.ensureZone('Atelier-Zone.fr.');
    expect(b).toEqual(a);
    expect(a.nameservers).toEqual(['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com']);
    expect(cf.zones().filter((z) => z.name === 'atelier-zone.fr')).toHaveLength(1);
    expect(cf.requests.filter((r) => r.startsWith('POST /zones'))).toHaveLength(1);
  });

  it('concurrent calls agree on one zone (a create that loses the race, 1061, takes the winner)', async () => {
    const results = await Promise.all([dns.ensureZone('race.fr'), dns.ensureZone('race.fr'), dns.ensureZone('race.fr')]);
    expect(new Set(results.map((r) => r.zoneId)).size).toBe(1);
    expect(cf.zones().filter((x) => x.name === 'race.fr')).toHaveLength(1);
    // what a losing create receives
    const raw = createCloudflareClient(config);
    const dup = await raw.zones.create({ name: 'race.fr', account: { id: cf.accountId } }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(Cloudflare.BadRequestError);
    expect((dup as APIError).errors[0]).toMatchObject({ code: 1061 });
  });

  it('upserts apex and www A records idempotently, and they resolve in the DNS', async () => {
    const { zoneId } = await dns.ensureZone('upsert.fr');
    const first = await dns.upsertRecord(zoneId, { type: 'A', name: 'upsert.fr', content: '127.0.0.1', ttl: 300 });
    const again = await dns.upsertRecord(zoneId, { type: 'A', name: 'upsert.fr', content: '127.0.0.1', ttl: 300 });
    expect(again.id).toBe(first.id);
    const www = await dns.upsertRecord(zoneId, { type: 'A', name: 'www.upsert.fr', content: '127.0.0.1' });
    expect(cf.records(zoneId)).toHaveLength(2);
    expect(await chall.resolver().resolve4('upsert.fr')).toEqual(['127.0.0.1']);

    // a changed address updates the same record (PUT), not a second one
    const moved = await dns.upsertRecord(zoneId, { type: 'A', name: 'www.upsert.fr', content: '127.0.0.2' });
    expect(moved.id).toBe(www.id);
    expect(
      cf
        .records(zoneId)
        .filter((r) => r.name === 'www.upsert.fr')
        .map((r) => r.content),
    ).toEqual(['127.0.0.2']);
    expect(await chall.resolver().resolve4('www.upsert.fr')).toEqual(['127.0.0.2']);
    expect(await dns.listRecords(zoneId, { type: 'A' })).toHaveLength(2);
  });

  it('creates ACME TXT records beside each other, visible in the DNS, and deletes them (twice is fine)', async () => {
    const { zoneId } = await dns.ensureZone('txt.fr');
    const a = await dns.createRecord(zoneId, { type: 'TXT', name: '_acme-challenge.txt.fr', content: 'token-one' });
    const b = await dns.createRecord(zoneId, { type: 'TXT', name: '_acme-challenge.txt.fr', content: 'token-two' });
    const retried = await dns.createRecord(zoneId, { type: 'TXT', name: '_acme-challenge.txt.fr', content: 'token-one' });
    expect(retried.id).toBe(a.id);
    expect(a.id).not.toBe(b.id);
    const seen = (await chall.resolver().resolveTxt('_acme-challenge.txt.fr')).map((r) => r.join('')).sort();
    expect(seen).toEqual(['token-one', 'token-two']);

    await dns.deleteRecord(zoneId, a.id);
    await dns.deleteRecord(zoneId, a.id); // already gone: no error
    expect((await chall.resolver().resolveTxt('_acme-challenge.txt.fr')).map((r) => r.join(''))).toEqual(['token-two']);
    await dns.deleteRecord(zoneId, b.id);
    await expect(chall.resolver().resolveTxt('_acme-challenge.txt.fr')).rejects.toMatchObject({ code: expect.stringMatching(/ENODATA|ENOTFOUND/) });
    expect(await dns.listRecords(zoneId, { type: 'TXT' })).toEqual([]);
  });

  it('pages through long record lists', async () => {
    const { zoneId } = await dns.ensureZone('many.fr');
    for (let i = 0; i < 130; i++) await dns.createRecord(zoneId, { type: 'TXT', name: `r${i}.many.fr`, content: `v${i}` });
    const all = await dns.listRecords(zoneId);
    expect(all).toHaveLength(130);
    expect(new Set(all.map((r) => r.id)).size).toBe(130);
    expect(cf.requests.filter((r) => r.startsWith(`GET /zones/${zoneId}/dns_records`) && /page=2/.test(r)).length).toBeGreaterThan(0);
  });

  it('waits out a 429 with Retry-After and succeeds; a lasting 429 is a retryable failure', async () => {
    const { zoneId } = await dns.ensureZone('busy.fr');
    cf.failNext({ status: 429, retryAfterSeconds: 1, path: /dns_records/ });
    const started = Date.now();
    await dns.upsertRecord(zoneId, { type: 'A', name: 'busy.fr', content: '127.0.0.1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(cf.records(zoneId)).toHaveLength(1);

    const impatient = createCloudflareDns(config, createCloudflareClient(config, { maxRetries: 0 }));
    cf.failNext({ status: 429, retryAfterSeconds: 1, path: /dns_records/ });
    const err = await failure(impatient.listRecords(zoneId));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe('dns-unavailable');
    expect(err.nonRetryable).toBe(false);
  });

  it('turns API refusals into non-retryable dns-refused failures', async () => {
    const { zoneId } = await dns.ensureZone('bad.fr');
    const badIp = await failure(dns.upsertRecord(zoneId, { type: 'A', name: 'bad.fr', content: 'not-an-ip' }));
    expect(badIp.type).toBe('dns-refused');
    expect(badIp.nonRetryable).toBe(true);
    expect(badIp.message).toMatch(/valid IPv4/);

    const badZone = await failure(dns.ensureZone('-nope-'));
    expect(badZone.type).toBe('dns-refused');

    const unknownZone = await failure(dns.listRecords('0'.repeat(32)));
    expect(unknownZone.type).toBe('dns-refused');
    expect(unknownZone.message).toMatch(/7003|Could not route/);

    const wrongToken = createCloudflareDns({ ...config, CLOUDFLARE_API_TOKEN: 'wrong-token-0123456789' });
    const denied = await failure(wrongToken.ensureZone('denied.fr'));
    expect(denied.type).toBe('dns-refused');
    expect(cf.zones().some((z) => z.name === 'denied.fr')).toBe(false);

    await dns.upsertRecord(zoneId, { type: 'A', name: 'www.bad.fr', content: '127.0.0.1' });
    const cname = await failure(dns.createRecord(zoneId, { type: 'CNAME', name: 'www.bad.fr', content: 'bad.fr' }));
    expect(cname.type).toBe('dns-refused');
    expect(cname.message).toMatch(/already exists/);
  });
});
