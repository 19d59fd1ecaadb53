/** Probe results for the rubric's unit tests: a healthy site by default, each part overridable. */
import { identifyProvider, type ProviderSignals } from '../../../activities/audits/hosting/identify-provider.js';
import { evaluateRubric } from '../../../activities/audits/hosting/rubric.js';
import type { RubricResult } from '../../../activities/audits/hosting/rubric-types.js';
import {
  parseCache,
  parseHsts,
  parsePhpVersion,
  parseServer,
  detectCdn,
  advertisesHttp3,
  parseCompression,
} from '../../../activities/audits/hosting/parse-http.js';
import type { DnsResult, HttpResult, ProbeResults, TlsResult } from '../../../activities/audits/hosting/types.js';

export function dns(over: Partial<DnsResult> = {}): DnsResult {
  return {
    host: 'site.example',
    resolves: true,
    error: null,
    a: ['203.0.113.10'],
    aaaa: [],
    cnameChain: [],
    nsZone: 'site.example',
    ns: ['ns1.example.net'],
    mx: [],
    ptr: {},
    ...over,
  };
}
export function http(headers: Record<string, string>, over: Partial<HttpResult> = {}): HttpResult {
  return {
    startUrl: 'https://site.example/',
    reachable: true,
    error: null,
    chain: [{ url: 'https://site.example/', status: 200, location: null }],
    finalUrl: 'https://site.example/',
    status: 200,
    httpsRedirect: true,
    httpsRedirectDetail: '',
    canonical: null,
    samples: [{ ttfbMs: 120, totalMs: 300 }],
    ttfbMs: 120,
    totalMs: 300,
    headers,
    server: parseServer(headers),
    php: parsePhpVersion(headers),
    compression: parseCompression(headers),
    cache: parseCache(headers),
    hsts: parseHsts(headers),
    http2: true,
    alpn: 'h2',
    http3: advertisesHttp3(headers),
    altSvc: headers['alt-svc'] ?? null,
    cdn: detectCdn(headers),
    cms: null,
    bodyBytes: 1000,
    ...over,
  };
}
export function tls(over: Partial<TlsResult> = {}): TlsResult {
  return {
    host: 'site.example',
    port: 443,
    connected: true,
    error: null,
    trusted: true,
    authorizationError: null,
    selfSigned: false,
    hostnameMatch: true,
    hostnameError: null,
    subject: 'site.example',
    issuer: "Let's Encrypt (R3)",
    validFrom: '2026-10-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    daysToExpiry: 41,
    expired: false,
    chain: [],
    negotiated: 'TLSv1.3',
    protocols: { TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    key: { type: 'EC', bits: 256, curve: 'P-256' },
    ...over,
  };
}
export const ok = <T>(data: T) => ({ ok: true as const, data });
export const failed = (error: string) => ({ ok: false as const, error });

export function evaluate(p: Partial<ProbeResults> & { http: ProbeResults['http'] }, signals?: Partial<ProviderSignals>): RubricResult {
  const probes: ProbeResults = { dns: ok(dns()), tls: ok(tls()), browser: { ok: false, skipped: true, error: 'not requested' }, ...p };
  const provider = identifyProvider({
    nameservers: signals?.nameservers ?? (probes.dns.ok ? probes.dns.data.ns : []),
    reverseDns: signals?.reverseDns ?? [],
    headers: probes.http.ok ? probes.http.data.headers : {},
    ...(signals?.page ? { page: signals.page } : {}),
    ...(signals?.certificate ? { certificate: signals.certificate } : {}),
  });
  return evaluateRubric({ probes, provider });
}
export const crit = (r: RubricResult, id: string) => r.criteria.find((c) => c.id === id)!;

export const FAST_MODERN = {
  server: 'LiteSpeed',
  'x-powered-by': 'PHP/8.2.10',
  'content-encoding': 'gzip',
  'x-litespeed-cache': 'hit',
  'strict-transport-security': 'max-age=63072000',
  'alt-svc': 'h3=":443"; ma=86400',
};
