/**
 * The ACME adapter against Pebble (a real ACME CA): DNS-01 answered through the Cloudflare adapter
 * and fake, whose TXT records challtestsrv serves to Pebble's validation. Then the webroot host
 * installs the certificate and the loopback HTTPS server serves the site with it. The ACME state
 * lives in a real PostgreSQL: two "worker hosts" (two adapter instances over the same database)
 * share the account and the order, counted on acme-client's own HTTP layer (axios interceptors).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as acme from 'acme-client';
import { freshDb, type TestDb } from '../support/db.js';
import { ApplicationFailure } from '@temporalio/common';
import { startAcmeStack, type AcmeStack } from '../../sandbox/concierge/index.js';
import { createCloudflareDns } from '../../activities/concierge/adapters/cloudflare-dns.js';
import { acmeOptions, createAcmeAuthority, leafNotAfter, type AcmeOptions } from '../../activities/concierge/adapters/acme.js';
import { loadConfig } from '../../core/config.js';
import { createWebrootHost } from '../../activities/concierge/adapters/webroot-host.js';
import { startWebrootServer, type WebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import type { DnsProvider, IssuedCertificate } from '../../activities/concierge/ports.js';

const pems = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

let stack: AcmeStack;
let dns: DnsProvider;
let tmp: string;
let options: AcmeOptions;
let t: TestDb;
/** Every request acme-client sent, with the CA's answer (status 0: the answer was lost). */
const acmeCalls: Array<{ method: string; url: string; status: number }> = [];
/** Lose the CA's answer to the next request whose URL matches (the worker "dies" after the CA acted). */
let loseAnswerTo: RegExp | null = null;
const logged: string[] = [];

beforeAll(async () => {
  t = await freshDb();
  stack = await startAcmeStack();
  tmp = mkdtempSync(join(tmpdir(), 'atelier-acme-'));
  // wired from config variables, as the worker does (stack.env = ACME_* + CLOUDFLARE_*)
  const config = loadConfig({ DATABASE_URL: t.url, ...stack.env });
  dns = createCloudflareDns(config);
  options = { ...acmeOptions(config), pollMinMs: 200, log: (msg, fields) => logged.push(`${msg} ${JSON.stringify(fields ?? {})}`) };
  acme.axios.interceptors.response.use(
    (res) => {
      const call = { method: String(res.config.method).toUpperCase(), url: String(res.config.url), status: res.status };
      if (loseAnswerTo?.test(call.url)) {
        loseAnswerTo = null;
        acmeCalls.push({ ...call, status: 0 });
        throw new Error('socket hang up (the worker died after the CA acted)');
      }
      acmeCalls.push(call);
      return res;
    },
    (err: Error & { config?: { method?: string; url?: string }; response?: { status: number } }) => {
      acmeCalls.push({ method: String(err.config?.method).toUpperCase(), url: String(err.config?.url), status: err.response?.status ?? 0 });
      throw err;
    },
  );
  expect(options).toMatchObject({ caPem: stack.pebble.caCertPem, dnsResolvers: [stack.challtestsrv.dnsServer], renewBeforeDays: 30 });
});

afterAll(async () => {
  await stack?.stop();
  await t?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('ACME through Pebble with DNS-01 at the Cloudflare fake', () => {
  const domain = 'boulangerie-martin.test';
  let cert: IssuedCertificate;
  let zoneId: string;

  it("issues a real certificate for the apex and www, chained to Pebble's root, and removes the TXT records", async () => {
    ({ zoneId } = await dns.ensureZone(domain));
    const ca = createAcmeAuthority(options, t.db);
    cert = await ca.issue({ domains: [domain, `www.${domain}`], zoneId, dns, accountEmail: 'ops@atelier.test' });

    const [leafPem, ...chainPems] = pems(cert.certPem);
    expect(chainPems.length).toBeGreaterThanOrEqual(1);
    const leaf = new X509Certificate(leafPem!);
    expect(leaf.checkHost(domain)).toBe(domain);
    expect(leaf.checkHost(`www.${domain}`)).toBe(`www.${domain}`);
    expect(leaf.checkHost('other.test')).toBeUndefined();
    expect(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(cert.keyPem))).toBe(true);
    expect(cert.notAfter).toBe(leafNotAfter(cert.certPem));
    expect(Date.parse(cert.notAfter)).toBeGreaterThan(Date.now() + 60 * 86_400_000);

    // the chain: leaf <- intermediate(s) <- Pebble's root (fetched from its management API)
    const root = new X509Certificate(await stack.pebble.rootCertPem());
    const chain = [leaf, ...chainPems.map((p) => new X509Certificate(p))];
    for (let i = 0; i + 1 < chain.length; i++) expect(chain[i]!.verify(chain[i + 1]!.publicKey)).toBe(true);
    expect(chain.at(-1)!.verify(root.publicKey)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(false);

    // challenge records are gone from the zone and from the DNS Pebble asks
    expect(stack.cloudflare.records(zoneId).filter((r) => r.type === 'TXT')).toEqual([]);
    await expect(stack.challtestsrv.resolver().resolveTxt(`_acme-challenge.${domain}`)).rejects.toMatchObject({
      code: expect.stringMatching(/ENODATA|ENOTFOUND/),
    });
    // both challenges went through the Cloudflare API (create + delete each)
    const txtCalls = stack.cloudflare.requests.filter((r) => /dns_records/.test(r) && /^(POST|DELETE)/.test(r));
    expect(txtCalls.filter((r) => r.startsWith('POST'))).toHaveLength(2);
    expect(txtCalls.filter((r) => r.startsWith('DELETE'))).toHaveLength(2);

    // the account key and the order (its URL, the certificate key, the chain) are kept in PostgreSQL
    const accounts = await t.db.selectFrom('concierge_acme_accounts').selectAll().execute();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.account_key_pem).toMatch(/BEGIN (EC )?PRIVATE KEY/);
    const orders = await t.db.selectFrom('concierge_acme_orders').selectAll().where('names', '=', `${domain},www.${domain}`).execute();
    expect(orders).toEqual([
      expect.objectContaining({ status: 'valid', cert_key_pem: cert.keyPem, cert_pem: cert.certPem, order_url: expect.stringMatching(/^https:/) }),
    ]);
    // and never in a log line
    expect(logged.join('\n')).not.toMatch(/PRIVATE KEY/);
  });

  it('returns the stored certificate on a retry instead of ordering again, and orders anew when renewal is due', async () => {
    const before = stack.cloudflare.requests.length;
    const again = await createAcmeAuthority(options, t.db).issue({ domains: [`www.${domain}`, domain], zoneId, dns, accountEmail: 'ops@atelier.test' });
    expect(again.certPem).toBe(cert.certPem);
    expect(stack.cloudflare.requests.length).toBe(before); // no challenge, no order

    // with a renewal window longer than the certificate's life, the same call renews
    const renewed = await createAcmeAuthority({ ...options, renewBeforeDays: 90 }, t.db).issue({
      domains: [domain, `www.${domain}`],
      zoneId,
      dns,
      accountEmail: 'ops@atelier.test',
    });
    expect(renewed.certPem).not.toBe(cert.certPem);
    expect(new X509Certificate(pems(renewed.certPem)[0]!).checkHost(domain)).toBe(domain);
  });

  it('is refused (non-retryable) for a name the CA will not certify, and cleans up', async () => {
    const { zoneId: blockedZone } = await dns.ensureZone('blocked-domain.example');
    const err = await createAcmeAuthority(options, t.db)
      .issue({ domains: ['blocked-domain.example'], zoneId: blockedZone, dns, accountEmail: 'ops@atelier.test' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('acme-refused');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(stack.cloudflare.records(blockedZone)).toEqual([]);
  });

  it("without pre-check resolvers, acme-client's own DNS check runs: records the world cannot see fail retryably and are removed", async () => {
    const { zoneId: hidden } = await dns.ensureZone('invisible.test');
    const started = Date.now();
    const err = (await createAcmeAuthority({ ...options, dnsResolvers: [], propagationTimeoutMs: 1500 }, t.db)
      .issue({ domains: ['invisible.test'], zoneId: hidden, dns, accountEmail: 'ops@atelier.test' })
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.type).toBe('acme-failed');
    expect(err.nonRetryable).toBe(false);
    expect(err.message).toMatch(/did not propagate/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(stack.cloudflare.records(hidden)).toEqual([]);
  });

  describe('the webroot host serves the site over HTTPS with the issued certificate', () => {
    let server: WebrootServer;
    afterAll(async () => server?.close());

    it("installs the key and chain with 0600 and serves https://<domain> verified against Pebble's root", async () => {
      const hostOpts = { sitesRoot: join(tmp, 'sites'), tlsDir: join(tmp, 'tls'), nginxSitesDir: join(tmp, 'nginx'), ipv4: ['127.0.0.1'], ipv6: [] };
      const host = createWebrootHost(hostOpts);
      const site = join(tmp, 'site');
      mkdirSync(site, { recursive: true });
      writeFileSync(join(site, 'index.html'), '<!doctype html><title>Boulangerie Martin</title><h1>Bonjour</h1>');
      await host.publish(domain, { dir: site });
      await host.installCertificate(domain, cert);
      const paths = host.paths(domain);
      expect(statSync(paths.keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(paths.certPath).mode & 0o777).toBe(0o600);
      expect(statSync(paths.tlsDir).mode & 0o777).toBe(0o700);

      server = await startWebrootServer(hostOpts);
      const root = await stack.pebble.rootCertPem();
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/', servername: `www.${domain}`, headers: { host: `www.${domain}` }, ca: root },
          (res) => {
            let data = '';
            res.on('data', (c) => (data += c));
            res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`status ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(body).toContain('<title>Boulangerie Martin</title>');

      // a client that does not trust Pebble's root refuses the connection
      const refused = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, servername: domain }, () => resolve('connected'));
        socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(refused).toMatch(/UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    });
  });
});

describe('ACME state in PostgreSQL: a retry on another worker host reuses the account and the order', () => {
  let directory: { newAccount: string; newOrder: string };
  // two worker hosts: two adapter instances, nothing shared but the database
  const hostA = () => createAcmeAuthority(options, t.db);
  const hostB = () => createAcmeAuthority(options, t.db);
  const count = (method: string, url: RegExp | string, status?: number) =>
    acmeCalls.filter((c) => c.method === method && (typeof url === 'string' ? c.url === url : url.test(c.url)) && (status === undefined || c.status === status))
      .length;
  const ordersFor = (domain: string) =>
    t.db.selectFrom('concierge_acme_orders').selectAll().where('names', '=', `${domain},www.${domain}`).orderBy('id').execute();

  beforeAll(async () => {
    directory = (await acme.axios.get(options.directoryUrl)).data as typeof directory;
  });

  it('Pebble created one account for every host and every order so far', () => {
    expect(count('POST', directory.newAccount, 201)).toBe(1);
    expect(count('POST', directory.newAccount)).toBeGreaterThan(1); // the others found it (200)
  });

  it('host A crashes mid-order (its order open at the CA, challenges unanswered): host B resumes the same order; one newOrder, one finalize', async () => {
    const domain = 'crash-mid-order.test';
    const { zoneId } = await dns.ensureZone(domain);
    const before = { orders: count('POST', directory.newOrder), finalize: count('POST', /finalize/) };
    const dyingDns: DnsProvider = { ...dns, createRecord: async () => Promise.reject(new Error('worker killed')) };
    await expect(hostA().issue({ domains: [domain, `www.${domain}`], zoneId, dns: dyingDns, accountEmail: 'ops@atelier.test' })).rejects.toThrow(
      /worker killed/,
    );
    const [pending] = await ordersFor(domain);
    expect(pending).toMatchObject({ status: 'pending', cert_pem: null, order_url: expect.stringMatching(/^https:/) });

    const cert = await hostB().issue({ domains: [domain, `www.${domain}`], zoneId, dns, accountEmail: 'ops@atelier.test' });
    expect(count('POST', directory.newOrder) - before.orders).toBe(1);
    expect(count('POST', /finalize/) - before.finalize).toBe(1);
    const rows = await ordersFor(domain);
    expect(rows).toEqual([expect.objectContaining({ id: pending!.id, order_url: pending!.order_url, status: 'valid', cert_key_pem: pending!.cert_key_pem })]);
    const leaf = new X509Certificate(pems(cert.certPem)[0]!);
    expect(leaf.checkHost(`www.${domain}`)).toBe(`www.${domain}`);
    expect(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(pending!.cert_key_pem))).toBe(true);
    expect(stack.cloudflare.records(zoneId).filter((r) => r.type === 'TXT')).toEqual([]);
  });

  it('host A dies after the CA finalized (the answer lost): host B downloads that certificate; no second order or finalize', async () => {
    const domain = 'crash-after-finalize.test';
    const { zoneId } = await dns.ensureZone(domain);
    const before = { orders: count('POST', directory.newOrder), finalize: count('POST', /finalize/), certs: count('POST', /\/certZ?\//i) };
    loseAnswerTo = /finalize/;
    await expect(hostA().issue({ domains: [domain, `www.${domain}`], zoneId, dns, accountEmail: 'ops@atelier.test' })).rejects.toThrow(/socket hang up/);
    expect(loseAnswerTo).toBeNull(); // the finalize did reach Pebble
    expect(count('POST', /finalize/) - before.finalize).toBe(1);

    const cert = await hostB().issue({ domains: [domain, `www.${domain}`], zoneId, dns, accountEmail: 'ops@atelier.test' });
    expect(count('POST', directory.newOrder) - before.orders).toBe(1);
    expect(count('POST', /finalize/) - before.finalize).toBe(1);
    const rows = await ordersFor(domain);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'valid', cert_pem: cert.certPem, cert_key_pem: cert.keyPem });
    expect(new X509Certificate(pems(cert.certPem)[0]!).checkPrivateKey((await import('node:crypto')).createPrivateKey(cert.keyPem))).toBe(true);

    // once finished, a third attempt anywhere reads the certificate and its key back from
    // PostgreSQL without a single request to the CA
    const calls = acmeCalls.length;
    const again = await hostA().issue({ domains: [`www.${domain}`, domain], zoneId, dns, accountEmail: 'ops@atelier.test' });
    expect(again).toEqual(cert);
    expect(acmeCalls.length).toBe(calls);
    expect(count('POST', directory.newAccount, 201)).toBe(1);
  });
});
