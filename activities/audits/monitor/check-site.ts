/**
 * One check of a site: an HTTP(S) GET through the outbound guard, with a timeout. It reports what
 * it saw — up/down, status, latency, certificate expiry from the TLS socket's peer certificate — and
 * never throws for the site's own faults (a refused connection is a result, not an error). The
 * target is checked first (a clear refusal), and the socket takes its address from the guarded
 * lookup at connect time (a name that rebinds in between gets nowhere).
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { guardedLookup, outboundRefusalOf } from '../../shared/guarded-connect.js';
import { OutboundRefused, resolvePublicTarget, systemLookup, type Allowlist, type Lookup } from '../../shared/net-guard.js';
import type { CheckResult } from '../../../core/contracts/monitors.js';
import { textOf } from '../../../core/text-of.js';

export interface CheckSiteOptions {
  allow: Allowlist;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  extraCa?: string;
  lookup?: Lookup;
  now?: () => number;
  /** Stop reading a body after this many bytes (the check only needs to see it arrive). */
  maxBodyBytes?: number;
  /** The activity's cancellation: aborts the request (the check then rejects with the reason). */
  signal?: AbortSignal;
}

const DAY = 86_400_000;

export async function checkSite(target: string, opts: CheckSiteOptions): Promise<CheckResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const checkedAt = new Date(started).toISOString();
  const fail = (error: string, extra: Partial<CheckResult> = {}): CheckResult => ({
    ok: false,
    statusCode: null,
    latencyMs: null,
    certDaysLeft: null,
    certValidTo: null,
    error,
    checkedAt,
    ...extra,
  });

  const lookup = opts.lookup ?? systemLookup;
  let resolved: Awaited<ReturnType<typeof resolvePublicTarget>>;
  try {
    resolved = await resolvePublicTarget(target, opts.allow, lookup);
  } catch (err) {
    if (err instanceof OutboundRefused) return fail(`${err.reason}: ${err.message}`);
    throw err;
  }
  const { url, host, addresses } = resolved;
  const secure = url.protocol === 'https:';
  const isIp = addresses[0]!.address === host;
  opts.signal?.throwIfAborted();

  return new Promise<CheckResult>((resolve, reject) => {
    let settled = false;
    let cert: { certDaysLeft: number | null; certValidTo: string | null } = { certDaysLeft: null, certValidTo: null };
    let tlsError: string | null = null;
    const done = (r: CheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', cancel);
      req.destroy();
      resolve(r);
    };
    const cancel = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      const reason: unknown = opts.signal!.reason;
      reject(reason instanceof Error ? reason : new Error(textOf(reason) || 'aborted'));
    };
    const common = {
      method: 'GET',
      hostname: host,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { 'user-agent': 'AtelierMonitor/1 (+https://atelier.localhost/monitor)', accept: '*/*', 'accept-encoding': 'identity' },
      agent: false as const,
      // IP literals were checked above (Node does not call `lookup` for them)
      lookup: guardedLookup({ allow: opts.allow, lookup }),
    };
    const req = secure
      ? https.request({
          ...common,
          servername: isIp ? undefined : host,
          // Checked below from socket.authorized, so an untrusted or expired certificate is still read.
          rejectUnauthorized: false,
          ca: opts.extraCa ? [...rootCertificates, opts.extraCa] : undefined,
        })
      : http.request(common);

    req.on('socket', (socket) => {
      if (!secure) return;
      socket.once('secureConnect', () => {
        const tls = socket as TLSSocket;
        const peer = tls.getPeerCertificate();
        if (peer && peer.valid_to) {
          const validTo = Date.parse(peer.valid_to);
          if (Number.isFinite(validTo)) {
            cert = { certDaysLeft: Math.floor((validTo - now()) / DAY), certValidTo: new Date(validTo).toISOString() };
          }
        }
        if (!tls.authorized) tlsError = `TLS: ${String(tls.authorizationError ?? 'untrusted certificate')}`;
      });
    });
    req.on('response', (res) => {
      let seen = 0;
      const max = opts.maxBodyBytes ?? 1_000_000;
      const finish = () => {
        const latencyMs = Math.max(0, Math.round(now() - started));
        const status = res.statusCode ?? 0;
        const httpOk = status >= 200 && status < 400;
        const error = tlsError ?? (httpOk ? null : `HTTP ${status}`);
        done({ ok: error === null, statusCode: status, latencyMs, ...cert, error, checkedAt });
      };
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= max) finish();
      });
      res.on('end', finish);
      res.on('error', (err) => done(fail(err.message, cert)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const refused = outboundRefusalOf(err);
      if (refused) return done(fail(`${refused.reason}: ${refused.message}`));
      done(fail(tlsError ?? (err.code ? `${err.code}: ${err.message}` : err.message), cert));
    });
    const timer = setTimeout(() => done(fail(`timeout after ${opts.timeoutMs} ms`, cert)), opts.timeoutMs);
    opts.signal?.addEventListener('abort', cancel, { once: true });
    req.end();
  });
}
