/** What each probe reports. Plain JSON: these travel through workflow history and into the report. */
import type { PageSignals } from './page-signals.js';
import type { CacheInfo, CmsInfo, HstsInfo, ServerInfo } from './parse-http.js';

/** A probe's result, or why the probe itself could not run (its criteria become "unknown"). */
export type ProbeOutcome<T> = { ok: true; data: T } | { ok: false; error: string } | { ok: false; skipped: true; error: string };

export interface DnsResult {
  host: string;
  resolves: boolean;
  /** NXDOMAIN / no address / resolver error, when the name does not resolve. */
  error: string | null;
  a: string[];
  aaaa: string[];
  cnameChain: string[];
  /** The zone whose NS records answered (the host or a parent). */
  nsZone: string | null;
  ns: string[];
  mx: Array<{ exchange: string; priority: number }>;
  /** Reverse DNS of the first addresses. */
  ptr: Record<string, string[]>;
}

export interface HttpHop {
  url: string;
  status: number;
  location: string | null;
}

export interface HttpSample {
  ttfbMs: number;
  totalMs: number;
}

export interface HttpResult {
  startUrl: string;
  reachable: boolean;
  /** Why the site could not be reached (connection refused, timeout, does not resolve). */
  error: string | null;
  chain: HttpHop[];
  finalUrl: string | null;
  status: number | null;
  /** null when it could not be tested (the plain-http URL is not known or not reachable). */
  httpsRedirect: boolean | null;
  httpsRedirectDetail: string;
  canonical: { apex: string; www: string; resolves: boolean; sameSite: boolean | null; detail: string } | null;
  samples: HttpSample[];
  ttfbMs: number | null;
  totalMs: number | null;
  headers: Record<string, string>;
  server: ServerInfo;
  php: string | null;
  compression: string | null;
  cache: CacheInfo | null;
  hsts: HstsInfo | null;
  /** null when the final URL is not https (ALPN not applicable) or the TLS handshake failed. */
  http2: boolean | null;
  alpn: string | null;
  http3: boolean;
  altSvc: string | null;
  cdn: string[];
  cms: CmsInfo | null;
  bodyBytes: number;
  /** What the final page says about its host (absent in reports made before it existed). */
  page?: PageSignals | null;
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsResult {
  host: string;
  port: number;
  connected: boolean;
  error: string | null;
  /**
   * The chain verifies against the trusted roots (plus the configured extra CA), whatever the name
   * and the dates: a valid chain for another name, or an expired certificate from a trusted CA, is
   * still a trusted chain (their faults are `hostnameMatch` and `expired`).
   */
  trusted: boolean;
  /** OpenSSL's verdict on the chain (dates included, name excluded), e.g. CERT_HAS_EXPIRED. */
  authorizationError: string | null;
  selfSigned: boolean;
  hostnameMatch: boolean;
  hostnameError: string | null;
  subject: string | null;
  issuer: string | null;
  validFrom: string | null;
  validTo: string | null;
  daysToExpiry: number | null;
  expired: boolean;
  /** Not valid yet (notBefore in the future). */
  notYetValid?: boolean;
  /** The names the certificate covers (subjectAltName DNS / IP entries, else its CN). */
  names?: string[];
  chain: Array<{ subject: string; issuer: string }>;
  negotiated: string | null;
  protocols: Record<TlsVersion, boolean | null>;
  key: { type: string; bits: number | null; curve: string | null } | null;
}

export interface BrowserResult {
  loaded: boolean;
  error: string | null;
  status: number | null;
  loadMs: number | null;
  domContentLoadedMs: number | null;
  requests: number;
  failedRequests: number;
  transferredBytes: number;
  consoleErrors: string[];
  screenshot: boolean;
  screenshotBytes: number;
}

export interface ProbeResults {
  dns: ProbeOutcome<DnsResult>;
  http: ProbeOutcome<HttpResult>;
  tls: ProbeOutcome<TlsResult>;
  browser: ProbeOutcome<BrowserResult>;
}
