/** Judges of HTTPS: the certificate, the http -> https redirect, the TLS versions accepted and HSTS. */
import { certificateChecks } from './certificate-checks.js';
import { fail, httpUnknown, pass, probeError, unknown, type Ctx, type Judge } from './rubric-types.js';
import { t } from './text.js';

const NETWORK_ERROR = /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EREFUSED_PRIVATE|timeout/i;

export function ssl(ctx: Ctx): Judge {
  if (ctx.dns && !ctx.dns.resolves) return unknown(t('Le domaine ne résout pas.', 'The domain does not resolve.'));
  if (!ctx.tls) return unknown(t(`Sonde TLS en échec : ${probeError(ctx.probes.tls)}`, `TLS probe failed: ${probeError(ctx.probes.tls)}`));
  const x = ctx.tls;
  if (!x.connected) {
    // a refused or silent port says nothing about HTTPS when the site answers nothing at all
    if (NETWORK_ERROR.test(x.error ?? '') && !ctx.http?.reachable) {
      return unknown(
        t(
          `Connexion TLS impossible sur ${x.host}:${x.port} (${x.error}) et site injoignable : HTTPS non vérifiable.`,
          `No TLS connection to ${x.host}:${x.port} (${x.error}) and the site is unreachable: HTTPS cannot be checked.`,
        ),
      );
    }
    return fail(t(`Pas de HTTPS sur ${x.host}:${x.port} (${x.error}).`, `No HTTPS on ${x.host}:${x.port} (${x.error}).`));
  }
  const checks = certificateChecks(x);
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) return { status: 'fail', reason: t(failed.map((c) => c.reason.fr).join(' '), failed.map((c) => c.reason.en).join(' ')), checks };
  return {
    status: 'pass',
    reason: t(
      `Certificat valide, émis par ${x.issuer}, expire dans ${x.daysToExpiry} jours.`,
      `Valid certificate issued by ${x.issuer}, expires in ${x.daysToExpiry} days.`,
    ),
    checks,
  };
}

export function httpsRedirect(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const x = ctx.http!;
  if (x.httpsRedirect === true) return pass(t(`http redirige vers https (${x.httpsRedirectDetail}).`, `http redirects to https (${x.httpsRedirectDetail}).`));
  if (x.httpsRedirect === false)
    return fail(t(`http ne redirige pas vers https : ${x.httpsRedirectDetail}.`, `http does not redirect to https: ${x.httpsRedirectDetail}.`));
  return unknown(
    t(
      `Redirection http → https non vérifiée : ${x.httpsRedirectDetail || 'pas de mesure'}.`,
      `http → https redirect not checked: ${x.httpsRedirectDetail || 'no measurement'}.`,
    ),
  );
}

export function legacyTls(ctx: Ctx): Judge {
  if (!ctx.tls) return unknown(t(`Sonde TLS en échec : ${probeError(ctx.probes.tls)}`, `TLS probe failed: ${probeError(ctx.probes.tls)}`));
  if (!ctx.tls.connected) return unknown(t('Pas de HTTPS.', 'No HTTPS.'));
  const p = ctx.tls.protocols;
  const accepted = (['TLSv1', 'TLSv1.1'] as const).filter((v) => p[v] === true);
  if (accepted.length) return fail(t(`Versions obsolètes acceptées : ${accepted.join(', ')}.`, `Obsolete versions accepted: ${accepted.join(', ')}.`));
  if (p.TLSv1 === null || p['TLSv1.1'] === null) return unknown(t('Versions TLS 1.0/1.1 non testées.', 'TLS 1.0/1.1 not tested.'));
  const modern = (['TLSv1.2', 'TLSv1.3'] as const).filter((v) => p[v] === true);
  return pass(t(`TLS 1.0/1.1 refusés ; acceptés : ${modern.join(', ')}.`, `TLS 1.0/1.1 refused; accepted: ${modern.join(', ')}.`));
}

const HSTS_MIN = 15_552_000; // 180 days
export function hsts(ctx: Ctx): Judge {
  const u = httpUnknown(ctx);
  if (u) return u;
  const x = ctx.http!.hsts;
  if (!x) return fail(t('En-tête Strict-Transport-Security absent.', 'No Strict-Transport-Security header.'));
  return x.maxAge >= HSTS_MIN
    ? pass(t(`HSTS max-age=${x.maxAge}.`, `HSTS max-age=${x.maxAge}.`))
    : fail(t(`HSTS max-age=${x.maxAge} trop court (≥ ${HSTS_MIN}).`, `HSTS max-age=${x.maxAge} too short (≥ ${HSTS_MIN}).`));
}
