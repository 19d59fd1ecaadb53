/**
 * Pebble: Let's Encrypt's small ACME test CA. It serves ACME over HTTPS with a certificate from a
 * CA generated here (`caCertPem`: what the ACME client must trust), validates DNS-01 by asking the
 * DNS server given (challtestsrv), and signs the certificates it issues with a root it generates
 * at start (`rootCertPem()`, from the management endpoint `/roots/0`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../core/free-port.js';
import { peerBinary, requireBinary } from './go-peers.js';
import { spawnPeer } from './process.js';
import { createTestCa } from './tls.js';

export interface Pebble {
  directoryUrl: string;
  managementUrl: string;
  /** PEM of the CA that signed Pebble's own TLS certificate (trust it to talk ACME). */
  caCertPem: string;
  /** The same PEM written to a file (for ACME_CA_CERT_PATH / NODE_EXTRA_CA_CERTS). */
  caCertPath: string;
  /** Pebble's issuing root: the certificates it issues chain to this. */
  rootCertPem(): Promise<string>;
  /** Pebble's issuing root written to a file (for a live check's extra CA), once. */
  rootCertPath(): Promise<string>;
  /** Fetches a management path (`/roots/0`, `/intermediates/0`, ...) over the trusted TLS. */
  management(path: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPebbleOptions {
  /** host:port of the DNS server validation asks (challtestsrv's `dnsServer`). */
  dnsServer: string;
  binary?: string | null;
  /** Validity of issued certificates in seconds (default 90 days). */
  validitySeconds?: number;
}

/** Ports are picked free then handed to Pebble: if another process grabs one meanwhile, start again. */
export async function startPebble(opts: StartPebbleOptions): Promise<Pebble> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPebbleOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/address already in use|never answered|exited with/.test((err as Error).message)) throw err;
    }
  }
}

async function startPebbleOnce(opts: StartPebbleOptions): Promise<Pebble> {
  const binary = requireBinary(peerBinary('pebble', opts.binary), 'pebble');
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pebble-'));
  const ca = createTestCa('Atelier Pebble TLS CA');
  const leaf = ca.issue(['localhost', '127.0.0.1', 'pebble']);
  const caCertPath = join(dir, 'ca.pem');
  writeFileSync(caCertPath, ca.certPem);
  writeFileSync(join(dir, 'cert.pem'), leaf.certPem);
  writeFileSync(join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
  const [acmePort, mgmtPort, httpPort, tlsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'pebble-config.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        domainBlocklist: ['blocked-domain.example'],
        retryAfter: { authz: 1, order: 1 },
        keyAlgorithm: 'ecdsa',
        profiles: { default: { description: 'test profile', validityPeriod: opts.validitySeconds ?? 90 * 86_400 } },
      },
    }),
  );

  let peer;
  try {
    ({ peer } = await spawnPeer({
      name: 'pebble',
      cmd: binary,
      args: ['-config', join(dir, 'pebble-config.json'), '-dnsserver', opts.dnsServer],
      env: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
      cwd: dir,
      ready: /ACME directory available at/,
    }));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const dispatcher = new Agent({ connect: { ca: ca.certPem } });
  const managementUrl = `https://127.0.0.1:${mgmtPort}`;
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const get = async (url: string) => {
    const res = await fetch(url, { dispatcher });
    if (!res.ok) throw new Error(`pebble ${url} answered ${res.status}`);
    return res.text();
  };
  // the listener starts right after the log line: wait until the directory answers
  for (let i = 0; ; i++) {
    try {
      await get(directoryUrl);
      break;
    } catch (err) {
      if (i > 100) {
        await peer.stop();
        await dispatcher.close();
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pebble directory never answered: ${(err as Error).message}\n${peer.output()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    directoryUrl,
    managementUrl,
    caCertPem: ca.certPem,
    caCertPath,
    rootCertPem: () => get(`${managementUrl}/roots/0`),
    async rootCertPath() {
      const path = join(dir, 'pebble-root.pem');
      writeFileSync(path, await get(`${managementUrl}/roots/0`));
      return path;
    },
    management: (path) => get(`${managementUrl}${path}`),
    async stop() {
      await peer.stop();
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
