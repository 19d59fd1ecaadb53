/**
 * The certificate's faults, each on its own with its own reason: the chain (trusted roots, whatever
 * the name and dates), the name (does it cover the audited host), the dates (expired / not yet
 * valid, whatever the chain) and self-signed. A valid chain for the wrong name is a name fault,
 * not an untrusted chain; an expired certificate from a trusted CA is a date fault. Pure.
 */
import { formatDate } from './dates.js';
import { t, type Text } from './text.js';
import type { TlsResult } from './types.js';

export type CheckStatus = 'pass' | 'fail';
export interface CertificateCheck {
  id: 'chain' | 'name' | 'dates' | 'self-signed';
  status: CheckStatus;
  reason: Text;
}

export function certificateChecks(x: TlsResult): CertificateCheck[] {
  const days = Math.abs(x.daysToExpiry ?? 0);
  const names = (x.names ?? []).slice(0, 6).join(', ') || x.subject || '?';
  return [
    x.selfSigned
      ? {
          id: 'self-signed',
          status: 'fail',
          reason: t(
            'Certificat auto-signé : signé par aucune autorité, les navigateurs le refusent.',
            'Self-signed certificate: signed by no authority, browsers refuse it.',
          ),
        }
      : { id: 'self-signed', status: 'pass', reason: t(`Émis par ${x.issuer}.`, `Issued by ${x.issuer}.`) },
    x.trusted
      ? {
          id: 'chain',
          status: 'pass',
          reason: t(`Chaîne de confiance valide jusqu’à une autorité reconnue (${x.issuer}).`, `Chain valid up to a trusted authority (${x.issuer}).`),
        }
      : {
          id: 'chain',
          status: 'fail',
          reason: x.selfSigned
            ? t('Chaîne non approuvée : certificat auto-signé.', 'Chain not trusted: self-signed certificate.')
            : t(
                `Chaîne non approuvée (${x.authorizationError}) : autorité inconnue ou certificat intermédiaire manquant.`,
                `Chain not trusted (${x.authorizationError}): unknown authority or missing intermediate certificate.`,
              ),
        },
    x.hostnameMatch
      ? { id: 'name', status: 'pass', reason: t(`Couvre ${x.host}.`, `Covers ${x.host}.`) }
      : { id: 'name', status: 'fail', reason: t(`Ne couvre pas ${x.host} : émis pour ${names}.`, `Does not cover ${x.host}: issued for ${names}.`) },
    x.expired
      ? {
          id: 'dates',
          status: 'fail',
          reason: t(
            `Expiré depuis ${days} jour(s) (le ${formatDate(x.validTo, 'fr', 'date')}).`,
            `Expired ${days} day(s) ago (on ${formatDate(x.validTo, 'en', 'date')}).`,
          ),
        }
      : x.notYetValid
        ? {
            id: 'dates',
            status: 'fail',
            reason: t(
              `Pas encore valide (à partir du ${formatDate(x.validFrom, 'fr', 'date')}).`,
              `Not valid yet (from ${formatDate(x.validFrom, 'en', 'date')}).`,
            ),
          }
        : { id: 'dates', status: 'pass', reason: t(`Valide, expire dans ${x.daysToExpiry} jours.`, `Valid, expires in ${x.daysToExpiry} days.`) },
  ];
}
