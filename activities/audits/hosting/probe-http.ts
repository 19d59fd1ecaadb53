/**
 * HTTP probe: the redirect chain (http -> https, apex <-> www), the status, TTFB and total time as
 * the median of several samples, and what the final response says about the stack.
 */
import { isIP } from 'node:net';
import tls from 'node:tls';
import { guardedLookup, literalRefusal } from '../../shared/guarded-connect.js';
import type { OutboundGuard } from '../../shared/net-guard.js';
import { bare, describeNetError, fetchOnce, probeAgents, type FetchResult } from './fetch.js';
import { extractPageSignals } from './page-signals.js';
import { advertisesHttp3, detectCdn, detectCms, median, parseCache, parseCompression, parseHsts, parsePhpVersion, parseServer } from './parse-http.js';
import type { HttpHop, HttpResult, HttpSample } from './types.js';

export interface HttpProbeOptions {
  guard: OutboundGuard;
  timeoutMs: number;
  samples: number;
  ca?: string[];
}

const MAX_HOPS = 10;

async function follow(start: URL, opts: HttpProbeOptions): Promise<{ chain: HttpHop[]; last: FetchResult; finalUrl: URL }> {
  const chain: HttpHop[] = [];
  let url = start;
  for (let i = 0; i <= MAX_HOPS; i++) {
    const res = await fetchOnce(url, opts);
    const location = res.status >= 300 && res.status < 400 ? (res.headers.location ?? null) : null;
    chain.push({ url: url.toString(), status: res.status, location });
    if (!location || i === MAX_HOPS) return { chain, last: res, finalUrl: url };
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return { chain, last: res, finalUrl: url };
    url = next;
  }
  throw new Error('unreachable');
}

/** Which protocol the server picks by ALPN when offered h2 and http/1.1. */
export function negotiateAlpn(url: URL, opts: Pick<HttpProbeOptions, 'guard' | 'timeoutMs' | 'ca'>): Promise<string | null> {
  const refused = literalRefusal(url.hostname, opts.guard);
  if (refused) return Promise.reject(refused);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: bare(url),
      port: Number(url.port || 443),
      ...(isIP(bare(url)) ? {} : { servername: url.hostname }),
      ALPNProtocols: ['h2', 'http/1.1'],
      rejectUnauthorized: false,
      lookup: guardedLookup(opts.guard),
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    socket.setTimeout(opts.timeoutMs, () => socket.destroy(Object.assign(new Error('ALPN timeout'), { code: 'ETIMEDOUT' })));
    socket.once('secureConnect', () => {
      const p = socket.alpnProtocol;
      socket.destroy();
      resolve(p || null);
    });
    socket.once('error', reject);
  });
}

function variantHost(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : `www.${host}`;
}

/** http -> https: from the audited http URL's own chain, or by asking the plain-http twin of an https URL. */
async function checkHttpsRedirect(start: URL, finalUrl: URL, opts: HttpProbeOptions): Promise<{ httpsRedirect: boolean | null; httpsRedirectDetail: string }> {
  if (start.protocol === 'http:') {
    const ok = finalUrl.protocol === 'https:';
    return { httpsRedirect: ok, httpsRedirectDetail: ok ? `${start} redirects to ${finalUrl}` : `${start} stays on plain http` };
  }
  if (start.port) return { httpsRedirect: null, httpsRedirectDetail: `not tested: the audited URL uses a non-default port (${start.port})` };
  const plain = new URL(start.toString());
  plain.protocol = 'http:';
  try {
    const r = await follow(plain, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 5000) });
    const ok = r.finalUrl.protocol === 'https:';
    return {
      httpsRedirect: ok,
      httpsRedirectDetail: ok ? `${plain} redirects to ${r.finalUrl}` : `${plain} answers ${r.last.status} without redirecting to https`,
    };
  } catch (err) {
    return { httpsRedirect: null, httpsRedirectDetail: `${plain}: ${describeNetError(err)}` };
  }
}

/** apex <-> www: both names should end on the same site. */
async function checkCanonical(finalUrl: URL, opts: HttpProbeOptions): Promise<HttpResult['canonical']> {
  const other = variantHost(finalUrl.hostname);
  const otherUrl = new URL(finalUrl.toString());
  otherUrl.hostname = other;
  otherUrl.pathname = '/';
  otherUrl.search = '';
  const [apex, www] = finalUrl.hostname.startsWith('www.') ? [other, finalUrl.hostname] : [finalUrl.hostname, other];
  try {
    const r = await follow(otherUrl, { ...opts, timeoutMs: Math.min(opts.timeoutMs, 5000) });
    const same = r.finalUrl.hostname === finalUrl.hostname;
    return {
      apex,
      www,
      resolves: true,
      sameSite: same,
      detail: same
        ? `${other} redirects to ${finalUrl.hostname}`
        : `${other} ends on ${r.finalUrl.hostname} (status ${r.last.status}), not on ${finalUrl.hostname}`,
    };
  } catch (err) {
    const d = describeNetError(err);
    return { apex, www, resolves: !/does not resolve/.test(d), sameSite: null, detail: `${other}: ${d}` };
  }
}

/** HTTP/2 through ALPN on the final URL (null when it is not https or the handshake fails). */
async function finalAlpn(finalUrl: URL, opts: HttpProbeOptions): Promise<{ alpn: string | null; http2: boolean | null }> {
  if (finalUrl.protocol !== 'https:') return { alpn: null, http2: null };
  try {
    const alpn = await negotiateAlpn(finalUrl, opts);
    return { alpn, http2: alpn === 'h2' };
  } catch {
    return { alpn: null, http2: null };
  }
}

export async function probeHttp(startUrl: string, probeOpts: HttpProbeOptions): Promise<HttpResult> {
  const agents = probeAgents();
  try {
    return await probeWith(startUrl, { ...probeOpts, agents });
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

async function probeWith(startUrl: string, opts: HttpProbeOptions & { agents: ReturnType<typeof probeAgents> }): Promise<HttpResult> {
  const start = new URL(startUrl);
  const empty: HttpResult = {
    startUrl,
    reachable: false,
    error: null,
    chain: [],
    finalUrl: null,
    status: null,
    httpsRedirect: null,
    httpsRedirectDetail: '',
    canonical: null,
    samples: [],
    ttfbMs: null,
    totalMs: null,
    headers: {},
    server: { raw: null, family: null, version: null },
    php: null,
    compression: null,
    cache: null,
    hsts: null,
    http2: null,
    alpn: null,
    http3: false,
    altSvc: null,
    cdn: [],
    cms: null,
    bodyBytes: 0,
  };
  let first: Awaited<ReturnType<typeof follow>>;
  try {
    first = await follow(start, opts);
  } catch (err) {
    return { ...empty, error: describeNetError(err) };
  }
  const { chain, last, finalUrl } = first;

  // timing: the final URL, sampled on fresh TCP connections (TLS sessions resumed); the chain's last hop is the first sample
  const samples: HttpSample[] = [{ ttfbMs: last.ttfbMs, totalMs: last.totalMs }];
  for (let i = 1; i < opts.samples; i++) {
    try {
      const r = await fetchOnce(finalUrl, opts);
      samples.push({ ttfbMs: r.ttfbMs, totalMs: r.totalMs });
    } catch {
      break;
    }
  }

  // after the timed samples, the checks that do not time anything, side by side
  const [redirect, canonical, alpnResult] = await Promise.all([
    checkHttpsRedirect(start, finalUrl, opts),
    checkCanonical(finalUrl, opts),
    finalAlpn(finalUrl, opts),
  ]);
  const { alpn, http2 } = alpnResult;
  const { httpsRedirect, httpsRedirectDetail } = redirect;

  const headers = last.headers;
  return {
    startUrl,
    reachable: true,
    error: null,
    chain,
    finalUrl: finalUrl.toString(),
    status: last.status,
    httpsRedirect,
    httpsRedirectDetail,
    canonical,
    samples,
    ttfbMs: median(samples.map((s) => s.ttfbMs)),
    totalMs: median(samples.map((s) => s.totalMs)),
    headers,
    server: parseServer(headers),
    php: parsePhpVersion(headers),
    compression: parseCompression(headers),
    cache: parseCache(headers),
    hsts: finalUrl.protocol === 'https:' ? parseHsts(headers) : null,
    http2,
    alpn,
    http3: advertisesHttp3(headers),
    altSvc: headers['alt-svc'] ?? null,
    cdn: detectCdn(headers),
    cms: /html/i.test(headers['content-type'] ?? 'text/html') ? detectCms(last.body, headers) : null,
    bodyBytes: last.wireBytes,
    page: /html/i.test(headers['content-type'] ?? 'text/html') ? extractPageSignals(last.body) : null,
  };
}
