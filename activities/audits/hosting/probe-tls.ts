/**
 * TLS probe: chain validity against the trusted roots (plus an optional extra CA), issuer, hostname
 * match, days to expiry, key type and size, and which protocol versions the server accepts (one
 * handshake per version with min = max version; legacy versions need OpenSSL security level 0 on
 * our side to be offered at all).
 */
import { isIP } from 'node:net';
import tls, { type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { guardedLookup, literalRefusal } from '../../shared/guarded-connect.js';
import type { OutboundGuard } from '../../shared/net-guard.js';
import type { TlsResult, TlsVersion } from './types.js';

export interface TlsProbeOptions {
  guard: OutboundGuard;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  extraCa?: string[];
  /** A ready context holding those roots (built once by the caller: parsing ~150 roots per connection is costly). */
  secureContext?: tls.SecureContext;
  now?: Date;
}

const VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0';
const DAY = 86_400_000;

function connect(host: string, port: number, opts: TlsProbeOptions, extra: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  const refused = literalRefusal(host, opts.guard);
  if (refused) return Promise.reject(refused);
  return new Promise((resolve, reject) => {
    // the name is checked apart (checkServerIdentity below): `authorized` then judges the chain alone
    const socket = tls.connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      lookup: guardedLookup(opts.guard),
      ...extra,
    });
    socket.setTimeout(opts.timeoutMs, () => socket.destroy(Object.assign(new Error(`no TLS handshake within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A TLS context trusting Node's roots plus `extraCa`. */
export function trustContext(extraCa: string[]): tls.SecureContext {
  return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extraCa] });
}

const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** The DNS names and IP addresses a certificate covers (its CN when it has no subjectAltName). */
export function certificateNames(cert: PeerCertificate): string[] {
  const san = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .map((x) => /^(?:DNS|IP Address):(.+)$/.exec(x.trim())?.[1]?.toLowerCase())
    .filter((x): x is string => Boolean(x));
  return san.length ? [...new Set(san)] : [one(cert.subject?.CN).toLowerCase()].filter(Boolean);
}

const NETWORK = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EREFUSED_PRIVATE']);

async function accepts(host: string, port: number, v: TlsVersion, opts: TlsProbeOptions): Promise<boolean | null> {
  try {
    const s = await connect(host, port, opts, { minVersion: v, maxVersion: v, ...(v === 'TLSv1' || v === 'TLSv1.1' ? { ciphers: LEGACY_CIPHERS } : {}) });
    const ok = s.getProtocol() === v;
    s.destroy();
    return ok;
  } catch (err) {
    return NETWORK.has((err as NodeJS.ErrnoException).code ?? '') ? null : false;
  }
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(', ') : (v ?? ''));
const name = (x: PeerCertificate['subject'] | undefined): string => {
  if (!x) return '?';
  const o = one(x.O);
  const cn = one(x.CN);
  return (o ? `${o}${cn ? ` (${cn})` : ''}` : cn) || '?';
};

export async function probeTls(host: string, port: number, opts: TlsProbeOptions): Promise<TlsResult> {
  const now = opts.now ?? new Date();
  const base: TlsResult = {
    host,
    port,
    connected: false,
    error: null,
    trusted: false,
    authorizationError: null,
    selfSigned: false,
    hostnameMatch: false,
    hostnameError: null,
    subject: null,
    issuer: null,
    validFrom: null,
    validTo: null,
    daysToExpiry: null,
    expired: false,
    chain: [],
    negotiated: null,
    protocols: { TLSv1: null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null },
    key: null,
  };
  const secureContext = opts.secureContext ?? (opts.extraCa?.length ? trustContext(opts.extraCa) : undefined);
  let socket: tls.TLSSocket;
  try {
    socket = await connect(host, port, opts, secureContext ? { secureContext } : {});
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ...base, error: e.code ? `${e.code}: ${e.message}` : e.message };
  }
  const cert = socket.getPeerCertificate(true);
  const negotiated = socket.getProtocol();
  const authorizationError = socket.authorizationError ? String(socket.authorizationError.message ?? socket.authorizationError) : null;
  // OpenSSL checks trust before dates: a date error means the chain itself was trusted
  const trusted = socket.authorized || DATE_ERRORS.has(authorizationError ?? '');
  socket.destroy();

  const chain: TlsResult['chain'] = [];
  let c: DetailedPeerCertificate | undefined = cert;
  const seen = new Set<string>();
  while (c && c.subject && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    chain.push({ subject: name(c.subject), issuer: name(c.issuer) });
    c = c.issuerCertificate;
  }
  const identity = tls.checkServerIdentity(host, cert);
  const validTo = cert.valid_to ? new Date(cert.valid_to) : null;
  const validFrom = cert.valid_from ? new Date(cert.valid_from) : null;
  // whole days, toward zero: 89.9 days left is 89; expired 3 days and a minute ago is -3
  const days = validTo ? Math.trunc((validTo.getTime() - now.getTime()) / DAY) : null;
  const selfSigned =
    /DEPTH_ZERO_SELF_SIGNED|^self[- ]signed certificate$/i.test(authorizationError ?? '') ||
    (chain.length === 1 && JSON.stringify(cert.subject) === JSON.stringify(cert.issuer));
  const pk = cert as PeerCertificate & { asn1Curve?: string; nistCurve?: string; modulus?: string };
  const key =
    pk.asn1Curve || pk.nistCurve
      ? { type: 'EC', bits: cert.bits ?? null, curve: pk.nistCurve ?? pk.asn1Curve ?? null }
      : pk.modulus
        ? { type: 'RSA', bits: cert.bits ?? null, curve: null }
        : { type: 'other', bits: cert.bits ?? null, curve: null };

  // the version already negotiated needs no second handshake
  const accepted = await Promise.all(VERSIONS.map((v) => (v === negotiated ? Promise.resolve(true) : accepts(host, port, v, opts))));
  return {
    ...base,
    connected: true,
    trusted,
    authorizationError,
    selfSigned,
    hostnameMatch: !identity,
    hostnameError: identity ? identity.message : null,
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    validFrom: validFrom ? validFrom.toISOString() : null,
    validTo: validTo ? validTo.toISOString() : null,
    daysToExpiry: days,
    expired: days !== null && validTo!.getTime() < now.getTime(),
    notYetValid: validFrom !== null && validFrom.getTime() > now.getTime(),
    names: certificateNames(cert),
    chain,
    negotiated,
    protocols: Object.fromEntries(VERSIONS.map((v, i) => [v, accepted[i]])) as TlsResult['protocols'],
    key,
  };
}
