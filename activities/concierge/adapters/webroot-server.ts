/**
 * A tiny HTTPS server for the web roots the webroot host publishes, picking each site's installed
 * certificate by SNI (`www.<domain>` uses the apex's). It stands in for nginx on loopback in tests,
 * the demo and the benchmark, so the live check loads `https://<domain>:<port>/` over the issued
 * certificate. Static files only; paths cannot leave the web root.
 */
import { createServer, type Server } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { sitePaths, type WebrootHostOptions } from './webroot-host.js';
import { SAFE_DOMAIN } from './nginx-vhost.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface WebrootServer {
  port: number;
  /** Requests served, as "<host> <path> <status>". */
  log: string[];
  close(): Promise<void>;
}

const apexOf = (host: string) => {
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return h.startsWith('www.') ? h.slice(4) : h;
};

export async function startWebrootServer(
  opts: Pick<WebrootHostOptions, 'sitesRoot' | 'tlsDir' | 'nginxSitesDir'>,
  listen: { host?: string; port?: number } = {},
): Promise<WebrootServer> {
  const contexts = new Map<string, { mtime: number; ctx: SecureContext }>();
  const log: string[] = [];

  async function contextFor(servername: string): Promise<SecureContext | undefined> {
    const domain = apexOf(servername);
    if (!SAFE_DOMAIN.test(domain)) return undefined;
    const p = sitePaths(opts, domain);
    const st = await stat(p.certPath).catch(() => null);
    if (!st) return undefined;
    const cached = contexts.get(domain);
    if (cached && cached.mtime === st.mtimeMs) return cached.ctx;
    const ctx = createSecureContext({ cert: await readFile(p.certPath), key: await readFile(p.keyPath) });
    contexts.set(domain, { mtime: st.mtimeMs, ctx });
    return ctx;
  }

  const server: Server = createServer(
    {
      SNICallback: (servername, cb) => {
        contextFor(servername).then(
          (ctx) => (ctx ? cb(null, ctx) : cb(new Error(`no certificate for ${servername}`))),
          (err: Error) => cb(err),
        );
      },
    },
    (req, res) => {
      const domain = apexOf(req.headers.host ?? '');
      const url = new URL(req.url ?? '/', 'https://x');
      const done = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
        log.push(`${req.headers.host ?? ''} ${url.pathname} ${status}`);
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, 'method not allowed');
      if (!SAFE_DOMAIN.test(domain)) return done(404, 'unknown site');
      (async () => {
        const root = await realpath(sitePaths(opts, domain).webRoot).catch(() => null);
        if (!root) return done(404, 'unknown site');
        let rel: string;
        try {
          rel = decodeURIComponent(url.pathname);
        } catch {
          return done(400, 'bad path');
        }
        let file = join(root, rel);
        if (rel.endsWith('/')) file = join(file, 'index.html');
        const real = await realpath(file).catch(() => null);
        if (!real || (real !== root && !real.startsWith(root + sep))) return done(404, 'not found');
        const st = await stat(real);
        const target = st.isDirectory() ? join(real, 'index.html') : real;
        const body = await readFile(target).catch(() => null);
        if (!body) return done(404, 'not found');
        done(200, body, TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream');
      })().catch((err: Error) => done(500, err.message));
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
