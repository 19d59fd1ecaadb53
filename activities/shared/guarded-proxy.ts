/**
 * A forward proxy on loopback that Chromium is pointed at, so that every connection the browser
 * makes (documents, sub-resources, fetch/XHR, WebSockets, prefetches, redirects) is opened by us,
 * to an address that passed the net guard at connect time: Chromium resolves names itself, so
 * checking a URL and then letting the browser navigate is rebindable. Plain-HTTP requests arrive
 * as absolute URIs, everything else (HTTPS, WebSockets) as CONNECT tunnels; a refused target
 * gets 403 and nothing is sent to it.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { guardedLookup, literalRefusal, outboundRefusalOf } from './guarded-connect.js';
import type { OutboundGuard } from './net-guard.js';

export interface GuardedProxy {
  /** `http://127.0.0.1:<port>`, for Chromium's proxy setting. */
  readonly url: string;
  /** Connections refused so far (tests, logs). */
  readonly refused: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const CONNECT_TIMEOUT_MS = 15_000;

/** Raw headers without the hop-by-hop ones (and without what `Connection` names). */
function endToEnd(raw: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') raw[i + 1]!.split(',').forEach((t) => named.add(t.trim().toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(k) && !named.has(k)) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** host and port of a CONNECT authority (`example.fr:443`, `[2001:db8::1]:443`). */
function authority(target: string | undefined): { host: string; port: number } | null {
  try {
    const u = new URL(`http://${target ?? ''}`);
    if (!u.port || u.pathname !== '/' || u.username) return null;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
  } catch {
    return null;
  }
}

export async function startGuardedProxy(guard: OutboundGuard, opts: { onRefused?: (target: string, reason: string) => void } = {}): Promise<GuardedProxy> {
  const lookup = guardedLookup(guard);
  let refused = 0;
  const sockets = new Set<net.Socket>();
  const refuse = (target: string, err: Error) => {
    refused++;
    opts.onRefused?.(target, err.message);
  };

  const server = http.createServer((req, res) => {
    res.on('error', () => undefined);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('proxy: an absolute http:// URI is expected');
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`proxy: ${target.protocol} is not proxied`);
      return;
    }
    const deny = (err: Error) => {
      refuse(target.host, err);
      if (!res.headersSent) res.writeHead(403, { 'content-type': 'text/plain', 'x-atelier-refused': 'outbound-guard' }).end(`refused: ${err.message}`);
      else res.destroy();
    };
    const literal = literalRefusal(target.hostname, guard);
    if (literal) return deny(literal);
    const upstream = http.request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 80),
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers: endToEnd(req.rawHeaders),
      setHost: false,
      agent: false,
      lookup,
      timeout: CONNECT_TIMEOUT_MS,
    });
    upstream.on('error', (err) => {
      if (outboundRefusalOf(err)) return deny(err);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
      else res.destroy();
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('socket', (s) => s.once('connect', () => upstream.setTimeout(0)));
    upstream.on('response', (up) => {
      up.on('error', () => res.destroy());
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.rawHeaders));
      up.pipe(res);
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => undefined);
    const to = authority(req.url);
    if (!to) return void client.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    const deny = (err: Error) => {
      refuse(req.url ?? '', err);
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-atelier-refused: outbound-guard\r\nconnection: close\r\n\r\nrefused: ${err.message.replace(/[\r\n]/g, ' ')}`,
      );
    };
    const literal = literalRefusal(to.host, guard);
    if (literal) return deny(literal);
    const upstream = net.connect({ host: to.host, port: to.port, lookup });
    let open = false;
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err) => {
      if (open) return void client.destroy();
      if (outboundRefusalOf(err)) return deny(err);
      client.end(`HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n`);
    });
    upstream.once('connect', () => {
      open = true;
      upstream.setTimeout(0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  // Chromium tunnels WebSockets with CONNECT; an absolute-URI upgrade is not something it sends.
  server.on('upgrade', (_req, socket: net.Socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Proxies started on first use, one per guard (a worker process has one guard per family), closed together. */
export function guardedProxies(opts: { onRefused?: (target: string, reason: string) => void } = {}) {
  const started = new Map<OutboundGuard, Promise<GuardedProxy>>();
  return {
    for(guard: OutboundGuard): Promise<GuardedProxy> {
      let p = started.get(guard);
      if (!p) {
        p = startGuardedProxy(guard, opts);
        p.catch(() => started.delete(guard));
        started.set(guard, p);
      }
      return p;
    },
    async close(): Promise<void> {
      const all = [...started.values()];
      started.clear();
      await Promise.all(
        all.map((p) =>
          p.then(
            (x) => x.close(),
            () => undefined,
          ),
        ),
      );
    },
  };
}

/** The per-context proxy setting for Playwright; `<-loopback>` so loopback goes through the proxy too. */
export function proxySetting(proxy: GuardedProxy): { server: string; bypass: string } {
  return { server: proxy.url, bypass: '<-loopback>' };
}
