/**
 * The DNS + ACME peers wired together as in production: the Cloudflare fake mirrors its records
 * into challtestsrv's DNS, which Pebble's validation asks. `env` holds the config variables that
 * point the real adapters at them (merge it into testConfig's overrides).
 */
import { startChallTestSrv, type ChallTestSrv } from './challtestsrv.js';
import { startCloudflareFake, type CloudflareFake } from './cloudflare-fake.js';
import { startPebble, type Pebble } from './pebble.js';

export interface AcmeStack {
  challtestsrv: ChallTestSrv;
  pebble: Pebble;
  cloudflare: CloudflareFake;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startAcmeStack(opts: { validitySeconds?: number } = {}): Promise<AcmeStack> {
  const challtestsrv = await startChallTestSrv();
  const stops: Array<() => Promise<void>> = [() => challtestsrv.stop()];
  try {
    const [pebble, cloudflare] = await Promise.all([
      startPebble({ dnsServer: challtestsrv.dnsServer, ...(opts.validitySeconds ? { validitySeconds: opts.validitySeconds } : {}) }),
      startCloudflareFake({ challtestsrvUrl: challtestsrv.managementUrl }),
    ]);
    stops.push(
      () => pebble.stop(),
      () => cloudflare.close(),
    );
    return {
      challtestsrv,
      pebble,
      cloudflare,
      env: {
        ACME_DIRECTORY_URL: pebble.directoryUrl,
        ACME_CA_CERT_PATH: pebble.caCertPath,
        ACME_DNS_RESOLVERS: challtestsrv.dnsServer,
        ...cloudflare.env,
      },
      async stop() {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }
}
