/**
 * Alert messages: the email (subject, plain text, HTML; French by default, English on request) and
 * the webhook's JSON body. Pure functions of the alert.
 */
import { html, htmlString, joinHtml } from '../../../core/html.js';
import type { AlertTransition, CheckResult, Language, Thresholds } from '../../../core/contracts/monitors.js';

export interface AlertContext {
  monitorId: string;
  url: string;
  transition: AlertTransition;
  /** Sequence number of the check that caused the transition. */
  seq: number;
  check: CheckResult;
  thresholds: Thresholds;
  /** When the incident this closes was opened (for `recovered`). */
  since?: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function durationText(fromIso: string, toIso: string): string | null {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return null;
  const s = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', `${sec} s`].filter(Boolean);
  return parts.join(' ');
}

function lines(a: AlertContext, lang: Language): { subject: string; headline: string; details: string[] } {
  const host = hostOf(a.url);
  const c = a.check;
  const t = a.thresholds;
  const fr = lang === 'fr';
  const statusLine = c.statusCode !== null ? (fr ? `Code HTTP : ${c.statusCode}` : `HTTP status: ${c.statusCode}`) : null;
  const latencyLine = c.latencyMs !== null ? (fr ? `Temps de réponse : ${c.latencyMs} ms` : `Response time: ${c.latencyMs} ms`) : null;
  const errorLine = c.error ? (fr ? `Erreur : ${c.error}` : `Error: ${c.error}`) : null;
  const at = fr ? `Vérification n° ${a.seq} du ${c.checkedAt}` : `Check #${a.seq} at ${c.checkedAt}`;
  const keep = (xs: Array<string | null>) => xs.filter((x): x is string => x !== null);
  switch (a.transition) {
    case 'down':
      return {
        subject: fr ? `[Alerte] ${host} est hors ligne` : `[Alert] ${host} is down`,
        headline: fr
          ? `Le site ${a.url} ne répond plus correctement depuis ${t.failuresBeforeDown} vérification(s) consécutive(s).`
          : `The site ${a.url} has failed ${t.failuresBeforeDown} consecutive check(s).`,
        details: keep([errorLine, statusLine, at]),
      };
    case 'recovered': {
      const lasted = a.since ? durationText(a.since, c.checkedAt) : null;
      return {
        subject: fr ? `[Rétabli] ${host} répond de nouveau` : `[Recovered] ${host} is back up`,
        headline: fr ? `Le site ${a.url} répond de nouveau.` : `The site ${a.url} is answering again.`,
        details: keep([lasted ? (fr ? `Durée de l’incident : ${lasted}` : `Outage lasted: ${lasted}`) : null, statusLine, latencyLine, at]),
      };
    }
    case 'slow':
      return {
        subject: fr ? `[Alerte] ${host} répond lentement` : `[Alert] ${host} is slow`,
        headline: fr
          ? `Le temps de réponse de ${a.url} dépasse ${t.latencyMs / 1000} s depuis ${t.slowChecksBeforeAlert} vérifications consécutives.`
          : `The response time of ${a.url} has exceeded ${t.latencyMs / 1000} s for ${t.slowChecksBeforeAlert} checks in a row.`,
        details: keep([
          latencyLine,
          fr ? 'Action : analyser les goulots d’étranglement (cache, CDN, hébergement).' : 'Action: look for bottlenecks (cache, CDN, hosting).',
          at,
        ]),
      };
    case 'certificate-expiring': {
      const days = c.certDaysLeft ?? 0;
      const expired = days < 0;
      return {
        subject: expired
          ? fr
            ? `[Alerte] Le certificat de ${host} a expiré`
            : `[Alert] The certificate of ${host} has expired`
          : fr
            ? `[Alerte] Le certificat de ${host} expire dans ${days} jour(s)`
            : `[Alert] The certificate of ${host} expires in ${days} day(s)`,
        headline: expired
          ? fr
            ? `Le certificat TLS de ${a.url} a expiré.`
            : `The TLS certificate of ${a.url} has expired.`
          : fr
            ? `Le certificat TLS de ${a.url} expire dans moins de ${t.certificateDays} jours.`
            : `The TLS certificate of ${a.url} expires in less than ${t.certificateDays} days.`,
        details: keep([
          c.certValidTo ? (fr ? `Date d’expiration : ${c.certValidTo}` : `Expires: ${c.certValidTo}`) : null,
          fr ? 'Action : renouveler le certificat.' : 'Action: renew the certificate.',
          at,
        ]),
      };
    }
  }
}

export function renderAlertEmail(a: AlertContext, lang: Language = 'fr'): RenderedEmail {
  const { subject, headline, details } = lines(a, lang);
  const footer =
    lang === 'fr'
      ? `Surveillance ${a.monitorId}. Vous recevez ce message une seule fois par changement d’état.`
      : `Monitor ${a.monitorId}. You get this message once per change of state.`;
  const text = [headline, '', ...details.map((d) => `- ${d}`), '', footer, ''].join('\n');
  const items = details.map((d) => html`<li>${d}</li>`);
  const page = html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5">
<h1 style="font-size:1.2em">${subject}</h1>
<p>${headline}</p>
<ul>${joinHtml(items, '')}</ul>
<p style="color:#666;font-size:.9em">${footer}</p>
</body></html>`;
  return { subject, text, html: htmlString(page) };
}

export interface AlertWebhookBody {
  type: `monitor.${AlertTransition}`;
  monitorId: string;
  url: string;
  sequence: number;
  occurredAt: string;
  incidentSince: string | null;
  check: {
    ok: boolean;
    statusCode: number | null;
    latencyMs: number | null;
    certDaysLeft: number | null;
    certValidTo: string | null;
    error: string | null;
  };
  thresholds: Thresholds;
}

export function alertWebhookBody(a: AlertContext): AlertWebhookBody {
  const c = a.check;
  return {
    type: `monitor.${a.transition}`,
    monitorId: a.monitorId,
    url: a.url,
    sequence: a.seq,
    occurredAt: c.checkedAt,
    incidentSince: a.since ?? null,
    check: { ok: c.ok, statusCode: c.statusCode, latencyMs: c.latencyMs, certDaysLeft: c.certDaysLeft, certValidTo: c.certValidTo, error: c.error },
    thresholds: a.thresholds,
  };
}

/** The outbox key of one channel of one alert: the same transition at the same check is sent once. */
export function alertKey(monitorId: string, transition: AlertTransition, seq: number, channel: 'email' | 'webhook'): string {
  return `monitor:${monitorId}:${transition}:${seq}:${channel}`;
}
