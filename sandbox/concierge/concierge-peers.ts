/**
 * The concierge sandbox: every peer a concierge order meets, started together: stripe-mock, the
 * whois fixture, the RDAP fake, the Namecheap fake, the ACME stack (challtestsrv + Pebble +
 * Cloudflare fake), folders for the web roots / certificates, and the loopback HTTPS server for the
 * sites. `env` holds every config variable that points the real adapters (and the live check) at
 * them: the tests (`testConfig(dbUrl, { ...peers.env })`), the demo, the benches and `npm start`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebrootServer, type WebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import { startAcmeStack, type AcmeStack } from './acme-stack.js';
import { startNamecheapFake, type NamecheapFake, type NamecheapFakeOptions } from './namecheap-fake.js';
import { startRdapFake, type RdapFake } from './rdap-fake.js';
import { startStripeMock, type StripeMock } from './stripe-mock.js';
import { startWhoisFixture, type WhoisFixture } from './whois-fixture.js';

export interface ConciergePeers {
  /** null when started with `stripe: false`. */
  stripe: StripeMock | null;
  whois: WhoisFixture;
  rdap: RdapFake;
  namecheap: NamecheapFake;
  acme: AcmeStack;
  sites: WebrootServer;
  /** The temp folder holding sites/, tls/, nginx/, acme/. */
  dir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The Stripe secrets the sandbox's orders are paid with (stripe-mock accepts any `sk_test_` key). */
export const SANDBOX_STRIPE_SECRET_KEY = 'sk_test_AtelierSandbox'; // stripe-mock wants sk_test_ + letters and digits
export const SANDBOX_STRIPE_WEBHOOK_SECRET = 'whsec_atelier_sandbox';

export interface ConciergePeersOptions {
  /** Names registered by others: whois, RDAP and the registrar all say so. */
  taken?: string[];
  /** Names whois and RDAP say are registered (default: `taken`); the registrar goes by `taken`. */
  registered?: string[];
  /** Where sites/, tls/, nginx/ live (kept); default a temp folder removed on stop. */
  dir?: string;
  premium?: NamecheapFakeOptions['premium'];
  /** Without stripe-mock (tests that never pay). */
  stripe?: boolean;
}

export async function startConciergePeers(opts: ConciergePeersOptions = {}): Promise<ConciergePeers> {
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'atelier-concierge-peers-'));
    mkdirSync(dir, { recursive: true });
    if (!opts.dir) stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const taken = opts.taken ?? [];
    const registered = opts.registered ?? taken;
    const stripe = opts.stripe === false ? null : await startStripeMock();
    if (stripe) stops.push(() => stripe.stop());
    const whois = await startWhoisFixture({ registered });
    stops.push(() => whois.close());
    const rdap = await startRdapFake({ registered });
    stops.push(() => rdap.close());
    const namecheap = await startNamecheapFake({ taken, ...(opts.premium ? { premium: opts.premium } : {}) });
    stops.push(() => namecheap.close());
    const acme = await startAcmeStack();
    stops.push(() => acme.stop());
    const paths = { sitesRoot: join(dir, 'sites'), tlsDir: join(dir, 'tls'), nginxSitesDir: join(dir, 'nginx') };
    const sites = await startWebrootServer(paths);
    stops.push(() => sites.close());
    // the live check trusts Pebble's root and intermediate (both only known at run time)
    const trustPath = join(dir, 'pebble-chain.pem');
    writeFileSync(trustPath, `${await acme.pebble.rootCertPem()}\n${await acme.pebble.management('/intermediates/0')}`);
    const env: Record<string, string> = {
      ...(stripe ? { ...stripe.env, STRIPE_SECRET_KEY: SANDBOX_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: SANDBOX_STRIPE_WEBHOOK_SECRET } : {}),
      ...whois.env,
      ...rdap.env,
      ...namecheap.env,
      ...acme.env,
      SITES_ROOT: paths.sitesRoot,
      SITES_TLS_DIR: paths.tlsDir,
      NGINX_SITES_DIR: paths.nginxSitesDir,
      SITE_HOST_IPV4: '127.0.0.1',
      // the live check: every name to loopback, the sites' HTTPS port, Pebble's issuing root trusted
      CONCIERGE_LIVE_CHECK_RESOLVE: 'MAP * 127.0.0.1',
      CONCIERGE_LIVE_CHECK_PORT: String(sites.port),
      CONCIERGE_LIVE_CHECK_CA_PATH: trustPath,
    };
    return {
      stripe,
      whois,
      rdap,
      namecheap,
      acme,
      sites,
      dir,
      env,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
