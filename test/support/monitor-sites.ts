/**
 * Loopback sites for the monitor tests: a controllable HTTP(S) server (up, down with a 503, slow)
 * and a throwaway certificate authority (node-forge) issuing certificates for 127.0.0.1 that
 * expire when a test wants.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import forge from 'node-forge';
import { createArrivals } from '../../scripts/lib/arrivals.js';

const DAY = 86_400_000;

export interface TestCa {
  certPem: string;
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
  /** A server certificate for 127.0.0.1 / localhost valid from `fromDays` to `toDays` days from now. */
  issue(opts: { toDays: number; fromDays?: number }): { certPem: string; keyPem: string };
}

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey), privatePem: privateKey };
}

export function createTestCa(): TestCa {
  const kp = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = kp.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  const subject = [{ name: 'commonName', value: 'Atelier Monitor Test CA' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  cert.sign(kp.privateKey, forge.md.sha256.create());
  const ca: TestCa = {
    cert,
    key: kp.privateKey,
    certPem: forge.pki.certificateToPem(cert),
    issue({ toDays, fromDays = -1 }) {
      const leafKeys = keyPair();
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = leafKeys.publicKey;
      leaf.serialNumber = `02${randomBytes(8).toString('hex')}`;
      // an hour of margin so whole-day counts are exact: toDays: 10 -> 10 days left
      leaf.validity.notBefore = new Date(Date.now() + fromDays * DAY);
      leaf.validity.notAfter = new Date(Date.now() + toDays * DAY + 3_600_000);
      leaf.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
      leaf.setIssuer(cert.subject.attributes);
      leaf.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ]);
      leaf.sign(ca.key, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.privatePem };
    },
  };
  return ca;
}

export type SiteMode = { kind: 'up' } | { kind: 'down'; status?: number } | { kind: 'slow'; delayMs: number };

export interface TestSite {
  url: string;
  port: number;
  hits: number;
  set(mode: SiteMode): void;
  close(): Promise<void>;
}

export async function startTestSite(tls?: { certPem: string; keyPem: string }): Promise<TestSite> {
  let mode: SiteMode = { kind: 'up' };
  const site = { hits: 0 } as TestSite;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    site.hits += 1;
    const m = mode;
    if (m.kind === 'down') {
      res.writeHead(m.status ?? 503, { 'content-type': 'text/plain' }).end('maintenance');
      return;
    }
    const send = () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>ok</title><p>Bonjour</p>');
    if (m.kind === 'slow') setTimeout(send, m.delayMs);
    else send();
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 1000;
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  site.port = port;
  site.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`;
  site.set = (m) => {
    mode = m;
  };
  site.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return site;
}

/** A webhook receiver on loopback that keeps what it receives (raw body and headers). */
export interface WebhookReceiver {
  url: string;
  received: Array<{ body: string; signature: string; delivery: string }>;
  waitFor(count: number, filter?: (r: { body: string }) => boolean, timeoutMs?: number): Promise<Array<{ body: string; signature: string; delivery: string }>>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const arrivals = createArrivals<WebhookReceiver['received'][number]>('webhook');
  const received = arrivals.items;
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      res.writeHead(204).end();
      arrivals.push({ body, signature: String(req.headers['atelier-signature'] ?? ''), delivery: String(req.headers['atelier-delivery-id'] ?? '') });
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${port}/hooks/monitors`,
    received,
    waitFor: arrivals.waitFor,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
