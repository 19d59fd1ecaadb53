/**
 * One HTTP(S) request with the audit's rules: connects to the guarded addresses of the injected
 * resolver, never follows redirects itself, does not reject on certificate errors (the TLS probe
 * judges those), times the first byte and the whole body, decompresses up to a cap.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import zlib from 'node:zlib';
import { guardedLookup, literalRefusal } from '../../shared/guarded-connect.js';
import type { OutboundGuard } from '../../shared/net-guard.js';
import { normalizeHeaders } from './parse-http.js';

export interface FetchOptions {
  /** Every connection (each redirect hop) takes its address from this guard at connect time. */
  guard: OutboundGuard;
  timeoutMs: number;
  ca?: string[];
  maxBodyBytes?: number;
  method?: 'GET' | 'HEAD';
  /** Agents of one probe: a new TCP connection per request, TLS sessions resumed (like a browser's repeat visit). */
  agents?: { http: http.Agent; https: https.Agent };
}

/** Agents for one probe's requests: no keep-alive, a TLS session cache. */
export function probeAgents(): { http: http.Agent; https: https.Agent } {
  return { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false, maxCachedSessions: 16 }) };
}

export interface FetchResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  ttfbMs: number;
  totalMs: number;
  wireBytes: number;
}

export const USER_AGENT = 'AtelierHostingAudit/1.0 (+https://atelier.localhost/audits)';

function decode(buf: Buffer, encoding: string | undefined): Buffer {
  try {
    switch ((encoding ?? '').trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(buf);
      case 'br':
        return zlib.brotliDecompressSync(buf);
      case 'deflate':
        return zlib.inflateSync(buf);
      default:
        return buf;
    }
  } catch {
    return buf;
  }
}

/** The URL's host without IPv6 brackets. */
export const bare = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

export function fetchOnce(url: URL, opts: FetchOptions): Promise<FetchResult> {
  const lib = url.protocol === 'https:' ? https : http;
  const max = opts.maxBodyBytes ?? 2 * 1024 * 1024;
  const refused = literalRefusal(url.hostname, opts.guard);
  if (refused) return Promise.reject(refused);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttfb = 0;
    const req = lib.request(
      {
        protocol: url.protocol,
        hostname: bare(url),
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: opts.method ?? 'GET',
        agent: opts.agents ? (url.protocol === 'https:' ? opts.agents.https : opts.agents.http) : false,
        lookup: guardedLookup(opts.guard),
        headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-encoding': 'gzip, br', connection: 'close' },
        ...(url.protocol === 'https:'
          ? { ...(isIP(bare(url)) ? {} : { servername: url.hostname }), rejectUnauthorized: false, ...(opts.ca ? { ca: opts.ca } : {}) }
          : {}),
      },
      (res) => {
        ttfb = performance.now() - started;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= max) chunks.push(c);
        });
        res.on('end', () => {
          const headers = normalizeHeaders(res.headers);
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: decode(raw, headers['content-encoding']).toString('utf8'),
            ttfbMs: Math.round(ttfb * 10) / 10,
            totalMs: Math.round((performance.now() - started) * 10) / 10,
            wireBytes: size,
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** A short, human reason for a network error. */
export function describeNetError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ETIMEDOUT':
      return `timeout (${e.message})`;
    case 'ENOTFOUND':
      return `does not resolve (${e.message})`;
    case 'ECONNRESET':
      return 'connection reset (ECONNRESET)';
    case 'EREFUSED_PRIVATE':
      return `refused: ${e.message}`;
    default:
      return e.code ? `${e.code}: ${e.message}` : e.message;
  }
}
