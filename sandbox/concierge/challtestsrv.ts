/**
 * pebble-challtestsrv: the DNS server Pebble's validation authority asks, with a management HTTP
 * API to publish records (`/set-txt`, `/clear-txt`, `/add-a`, `/clear-a`). Only DNS and the
 * management API are enabled; both listen on loopback with ports chosen here.
 */
import { promises as dns } from 'node:dns';
import { freePort } from '../../core/free-port.js';
import { peerBinary, requireBinary } from './go-peers.js';
import { spawnPeer } from './process.js';

export interface ChallTestSrv {
  /** host:port of its DNS server (UDP and TCP). */
  dnsServer: string;
  /** http://127.0.0.1:<port> of its management API. */
  managementUrl: string;
  setTxt(host: string, value: string): Promise<void>;
  clearTxt(host: string): Promise<void>;
  addA(host: string, addresses: string[]): Promise<void>;
  clearA(host: string): Promise<void>;
  /** A resolver that asks this server only. */
  resolver(): dns.Resolver;
  stop(): Promise<void>;
}

/** The management API wants fully qualified names with the trailing dot. */
const fqdn = (host: string) => (host.endsWith('.') ? host : `${host}.`);

export async function postManagement(managementUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${managementUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`challtestsrv ${path} answered ${res.status}: ${await res.text()}`);
}

/** Ports are picked free then handed over: if another process grabs one meanwhile, start again. */
export async function startChallTestSrv(binary?: string | null): Promise<ChallTestSrv> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startChallTestSrvOnce(binary);
    } catch (err) {
      if (attempt >= 3 || !/address already in use|exited with|did not answer/.test((err as Error).message)) throw err;
    }
  }
}

async function startChallTestSrvOnce(binary?: string | null): Promise<ChallTestSrv> {
  const [dnsPort, mgmtPort] = [await freePort(), await freePort()];
  const { peer } = await spawnPeer({
    name: 'pebble-challtestsrv',
    cmd: requireBinary(peerBinary('challtestsrv', binary), 'pebble-challtestsrv'),
    args: [
      '-dnsserver',
      `127.0.0.1:${dnsPort}`,
      '-management',
      `127.0.0.1:${mgmtPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-doh',
      '',
      '-tlsalpn01',
      '',
      // names nobody published resolve to nothing rather than to loopback
      '-defaultIPv4',
      '',
      '-defaultIPv6',
      '',
    ],
    ready: /Starting management server/,
  });
  const managementUrl = `http://127.0.0.1:${mgmtPort}`;
  const dnsServer = `127.0.0.1:${dnsPort}`;
  // the DNS listener starts just after the management line: wait until it answers
  const probe = new dns.Resolver({ timeout: 200, tries: 1 });
  probe.setServers([dnsServer]);
  for (let i = 0; ; i++) {
    try {
      await probe.resolveTxt('ready.probe.test');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' && (err as NodeJS.ErrnoException).code !== 'ETIMEOUT') break;
      if (i > 50) {
        await peer.stop();
        throw new Error(`challtestsrv DNS did not answer: ${(err as Error).message}\n${peer.output()}`);
      }
    }
  }
  // and its management API (a port taken meanwhile would have made it exit)
  try {
    await postManagement(managementUrl, '/clear-txt', { host: 'ready.probe.test.' });
  } catch (err) {
    await peer.stop();
    throw new Error(`challtestsrv management API did not answer: ${(err as Error).message}\n${peer.output()}`);
  }
  return {
    dnsServer,
    managementUrl,
    setTxt: (host, value) => postManagement(managementUrl, '/set-txt', { host: fqdn(host), value }),
    clearTxt: (host) => postManagement(managementUrl, '/clear-txt', { host: fqdn(host) }),
    addA: (host, addresses) => postManagement(managementUrl, '/add-a', { host: fqdn(host), addresses }),
    clearA: (host) => postManagement(managementUrl, '/clear-a', { host: fqdn(host) }),
    resolver() {
      const r = new dns.Resolver({ timeout: 1000, tries: 2 });
      r.setServers([dnsServer]);
      return r;
    },
    stop: () => peer.stop(),
  };
}
