/**
 * Loopback sites that look like the brief's cases, each under its own name in a local DNS zone
 * (*.audit.test -> 127.0.0.1) with the nameservers of the host it imitates:
 *  - hostgator:  Apache + PHP 7.4 on HostGator's nameservers (blacklisted shared plan)
 *  - litespeed:  LiteSpeed + PHP 8.2 + HTTP/2, WordPress, cache, HSTS, alt-svc h3; http -> https, www -> apex
 *  - cloudflare: an origin behind Cloudflare's headers and nameservers, HTTP/2, no HSTS
 *  - expired / selfsigned: certificates past their date / signed by nobody
 *  - tls10:      TLS 1.0 and 1.1 still accepted
 *  - slow:       answers after 2.1 s
 *  - error500:   answers 500
 *  - unreachable: a name whose port is closed
 *  - hgfamily:   a HostGator-family site told only by its headers (a server name, the Endurance page
 *                cache) and its page (cPanel's /cgi-sys/ path, HostGator named), on a registrar's DNS
 *  - httponly:   plain http on nginx that never redirects to https
 * (and the litespeed server is also reached by address and as `localhost`: ipLiteral, localhost)
 * Certificates come from a test CA (node-forge) whose PEM the audit trusts via AUDIT_EXTRA_CA_FILE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import http2 from 'node:http2';
import https from 'node:https';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestCa, selfSigned, type TestCa } from './certs.js';
import { startDnsServer, type TestDnsServer, type ZoneRecord } from './dns-server.js';

export const FIXTURES = [
  'hostgator',
  'litespeed',
  'cloudflare',
  'expired',
  'selfsigned',
  'tls10',
  'slow',
  'error500',
  'unreachable',
  'hgfamily',
  'httponly',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export interface AuditFixtures {
  ca: TestCa;
  dns: TestDnsServer;
  /** The URL to audit for each fixture. */
  urls: Record<FixtureName, string> & { litespeedHttps: string; nxdomain: string; ipLiteral: string; localhost: string };
  /** Config variables that point the audit at the zone, the CA and the names. */
  env: Record<string, string>;
  close(): Promise<void>;
}

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

interface PageSpec {
  headers: Record<string, string>;
  status?: number;
  delayMs?: number;
  gzip?: boolean;
  html: string;
  /** Redirect www.<host> to the bare host. */
  wwwToApex?: boolean;
}

function page(spec: PageSpec) {
  return (req: Req, res: Res) => {
    const host = String(req.headers[':authority'] ?? req.headers.host ?? '');
    if (spec.wwwToApex && host.startsWith('www.')) {
      res.writeHead(301, { location: `https://${host.slice(4)}${req.url}`, server: spec.headers.server ?? '' });
      res.end();
      return;
    }
    const send = () => {
      const gz = spec.gzip && /gzip/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gz ? gzipSync(spec.html) : Buffer.from(spec.html);
      res.writeHead(spec.status ?? 200, {
        ...spec.headers,
        'content-type': 'text/html; charset=utf-8',
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
        'content-length': String(body.length),
      });
      res.end(body);
    };
    if (spec.delayMs) setTimeout(send, spec.delayMs);
    else send();
  };
}

const html = (title: string, head = '', body = '') =>
  `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title>${head}<style>body{font:16px sans-serif;margin:2rem}h1{color:#175cd3}</style></head><body><h1>${title}</h1><p>Fixture for the hosting audit.</p>${body}</body></html>`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

export async function startAuditFixtures(): Promise<AuditFixtures> {
  const ca = createTestCa();
  const dir = mkdtempSync(join(tmpdir(), 'atelier-audit-fixtures-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.cert);
  const good = ca.issue(['audit.test', '*.audit.test', '*.litespeed.audit.test']);
  const expired = ca.issue(['expired.audit.test'], { notBefore: new Date(Date.now() - 100 * 86_400_000), notAfter: new Date(Date.now() - 3 * 86_400_000) });
  const self = selfSigned(['selfsigned.audit.test']);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const port = async (s: Server) => {
    servers.push(s);
    s.on('connection', (sock: Socket) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
    });
    return listen(s);
  };

  const hostgator = await port(
    https.createServer(
      { ...good },
      page({
        headers: {
          server: 'Apache/2.4.57 (cPanel) OpenSSL/1.1.1w mod_bwlimited/1.4',
          'x-powered-by': 'PHP/7.4.33',
          'cache-control': 'no-store, no-cache, must-revalidate',
        },
        html: html('Artisanats Luna', '', '<script>console.error("widget: timeout after 30s")</script>'),
      }),
    ),
  );
  const litespeed = await port(
    http2.createSecureServer(
      { ...good, allowHTTP1: true },
      page({
        headers: {
          server: 'LiteSpeed',
          'x-powered-by': 'PHP/8.2.10',
          'x-litespeed-cache': 'hit',
          'cache-control': 'public, max-age=3600',
          'strict-transport-security': 'max-age=63072000; includeSubDomains',
          'alt-svc': 'h3=":443"; ma=2592000, h3-29=":443"; ma=2592000',
          link: '<https://litespeed.audit.test/wp-json/>; rel="https://api.w.org/"',
        },
        gzip: true,
        wwwToApex: true,
        html: html(
          'Boutique LiteSpeed',
          '<meta name="generator" content="WordPress 6.4.2"><link rel="https://api.w.org/" href="/wp-json/">',
          '<img alt="" src="/wp-content/uploads/logo.png">',
        ),
      }) as never,
    ),
  );
  const litespeedHttp = await port(
    http.createServer((req, res) => {
      res.writeHead(301, { location: `https://litespeed.audit.test:${litespeed}${req.url}`, server: 'LiteSpeed' });
      res.end();
    }),
  );
  const cloudflare = await port(
    http2.createSecureServer(
      { ...good, allowHTTP1: true },
      page({
        headers: {
          server: 'cloudflare',
          'cf-ray': '8c1f2e3d4a5b6c7d-CDG',
          'cf-cache-status': 'HIT',
          'x-powered-by': 'PHP/8.1.27',
          'cache-control': 'max-age=14400',
          age: '120',
        },
        gzip: true,
        html: html('Derrière Cloudflare'),
      }) as never,
    ),
  );
  const expiredPort = await port(https.createServer({ ...expired }, page({ headers: { server: 'nginx/1.24.0' }, html: html('Certificat expiré') })));
  const selfPort = await port(https.createServer({ ...self }, page({ headers: { server: 'nginx/1.24.0' }, html: html('Auto-signé') })));
  const tls10 = await port(
    http2.createSecureServer(
      { ...good, allowHTTP1: true, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
      page({
        headers: {
          server: 'nginx/1.18.0',
          'x-powered-by': 'PHP/8.2.7',
          'strict-transport-security': 'max-age=31536000',
          'cache-control': 'public, max-age=600',
        },
        gzip: true,
        html: html('TLS 1.0 accepté'),
      }) as never,
    ),
  );
  const slow = await port(
    http2.createSecureServer(
      { ...good, allowHTTP1: true },
      page({
        headers: { server: 'nginx/1.24.0', 'x-powered-by': 'PHP/8.2.12', 'strict-transport-security': 'max-age=31536000' },
        delayMs: 2100,
        html: html('Serveur lent'),
      }) as never,
    ),
  );
  const error500 = await port(
    https.createServer({ ...good }, page({ status: 500, headers: { server: 'nginx/1.24.0', 'x-powered-by': 'PHP/8.1.2' }, html: html('Erreur 500') })),
  );
  const hgfamily = await port(
    https.createServer(
      { ...good },
      page({
        headers: {
          server: 'Apache',
          'x-powered-by': 'PHP/8.1.31',
          'x-endurance-cache-level': '2',
          'x-server-name': 'gator4123.hostgator.com',
          'cache-control': 'max-age=300',
        },
        html: html(
          'Default Web Site Page',
          '',
          '<p>This is the default web page for this server, hosted by HostGator.</p><img alt="" src="/cgi-sys/images/logo.png"><a href="/cgi-sys/defaultwebpage.cgi">more</a>',
        ),
      }),
    ),
  );
  const httponly = await port(http.createServer(page({ headers: { server: 'nginx/1.24.0', 'x-powered-by': 'PHP/8.2.12' }, html: html('Pas de HTTPS') })));
  // a port that was just free: nothing listens there
  const closed = http.createServer();
  const unreachable = await listen(closed);
  await new Promise((r) => closed.close(r));

  const lo = (ns: string[], extra: ZoneRecord = {}): ZoneRecord => ({ A: ['127.0.0.1'], NS: ns, ...extra });
  const dns = await startDnsServer({
    'hostgator.audit.test': lo(['ns1234.hostgator.com', 'ns1235.hostgator.com'], { MX: [{ exchange: 'mail.hostgator.audit.test', priority: 0 }] }),
    'litespeed.audit.test': lo(['ns1.chemicloud.com', 'ns2.chemicloud.com'], {
      MX: [
        { exchange: 'mx2.litespeed.audit.test', priority: 20 },
        { exchange: 'mx1.litespeed.audit.test', priority: 10 },
      ],
    }),
    'www.litespeed.audit.test': { CNAME: 'litespeed.audit.test' },
    'alias.audit.test': { CNAME: 'edge.alias.audit.test' },
    'edge.alias.audit.test': { CNAME: 'litespeed.audit.test' },
    'cloudflare.audit.test': lo(['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com']),
    'expired.audit.test': lo(['dns1.registrar-servers.com']),
    'selfsigned.audit.test': lo(['dns1.registrar-servers.com']),
    'tls10.audit.test': lo(['ns1.digitalocean.com', 'ns2.digitalocean.com']),
    'slow.audit.test': lo(['ns1.digitalocean.com', 'ns2.digitalocean.com']),
    'error500.audit.test': lo(['dns10.ovh.net', 'ns10.ovh.net']),
    'unreachable.audit.test': lo(['ns1.digitalocean.com']),
    'hgfamily.audit.test': lo(['dns1.registrar-servers.com', 'dns2.registrar-servers.com']),
    'httponly.audit.test': lo(['ns1.digitalocean.com']),
    'private.audit.test': { A: ['10.1.2.3'] },
    '1.0.0.127.in-addr.arpa': { PTR: ['localhost'] },
  });

  const u = (name: string, p: number, scheme = 'https') => `${scheme}://${name}.audit.test:${p}/`;
  return {
    ca,
    dns,
    urls: {
      hostgator: u('hostgator', hostgator),
      litespeed: u('litespeed', litespeedHttp, 'http'),
      litespeedHttps: u('litespeed', litespeed),
      cloudflare: u('cloudflare', cloudflare),
      expired: u('expired', expiredPort),
      selfsigned: u('selfsigned', selfPort),
      tls10: u('tls10', tls10),
      slow: u('slow', slow),
      error500: u('error500', error500),
      unreachable: u('unreachable', unreachable),
      hgfamily: u('hgfamily', hgfamily),
      httponly: u('httponly', httponly, 'http'),
      ipLiteral: `https://127.0.0.1:${litespeed}/`,
      localhost: `https://localhost:${litespeed}/`,
      nxdomain: 'https://nxdomain.audit.test/',
    },
    env: {
      DNS_SERVERS: `127.0.0.1:${dns.port}`,
      AUDIT_EXTRA_CA_FILE: caFile,
      AUDIT_BROWSER_HOST_RULES: 'MAP *.audit.test 127.0.0.1',
      AUDIT_TIMEOUT_MS: '5000',
    },
    async close() {
      const closing = servers.map((s) => new Promise((r) => s.close(r)));
      for (const sock of sockets) sock.destroy();
      await Promise.all(closing);
      await dns.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
