/**
 * The audit report as a self-contained HTML page (French by default, English with lang=en), with
 * the site's screenshot embedded as a data: URL. Every label in the page's language, dates in
 * Europe/Paris time, icons as inline SVG (no emoji font needed on the server that prints it).
 * Pure: built by hono/html tagged templates, so every interpolated value is escaped.
 */
import { html, htmlString, joinHtml, raw } from '../../../core/html.js';
import type { AuditReport } from './report.js';
import { formatDate, type Lang } from './dates.js';
import type { CriterionStatus, Tier, Verdict } from './rubric-types.js';
import type { Text } from './text.js';

export type { Lang };

const L = {
  title: { fr: 'Audit d’hébergement', en: 'Hosting audit' },
  verdict: { fr: 'Verdict', en: 'Verdict' },
  score: { fr: 'Score', en: 'Score' },
  provider: { fr: 'Hébergeur', en: 'Host' },
  unknownProvider: { fr: 'non identifié', en: 'not identified' },
  cdn: { fr: 'CDN', en: 'CDN' },
  dnsBy: { fr: 'DNS servi par', en: 'DNS served by' },
  blockers: { fr: 'Ce qui bloque le niveau suivant', en: 'What blocks the next tier' },
  recommendations: { fr: 'Recommandations', en: 'Recommendations' },
  criteria: { fr: 'Critères', en: 'Criteria' },
  criterion: { fr: 'Critère', en: 'Criterion' },
  expected: { fr: 'Attendu', en: 'Expected' },
  result: { fr: 'Résultat', en: 'Result' },
  reason: { fr: 'Détail', en: 'Detail' },
  checklist: { fr: 'À confirmer avec l’hébergeur', en: 'To confirm with the host' },
  measures: { fr: 'Mesures', en: 'Measurements' },
  screenshot: { fr: 'Capture d’écran', en: 'Screenshot' },
  probeFailed: { fr: 'sonde en échec', en: 'probe failed' },
  generated: { fr: 'Audit du', en: 'Audited on' },
  stack: { fr: 'Serveur / panneau', en: 'Server / panel' },
  evidence: { fr: 'Indices', en: 'Evidence' },
  certificate: { fr: 'Certificat', en: 'Certificate' },
  server: { fr: 'Serveur', en: 'Server' },
  redirects: { fr: 'Redirections', en: 'Redirects' },
  days: { fr: 'jours', en: 'days' },
  requests: { fr: 'requêtes', en: 'requests' },
  consoleErrors: { fr: 'erreur(s) console', en: 'console error(s)' },
  noPanel: { fr: 'aucun panneau détecté', en: 'no panel detected' },
} satisfies Record<string, Text>;

/** "Verdict : …" in French, "Verdict: …" in English. */
const COLON: Record<Lang, string> = { fr: '\u00a0: ', en: ': ' };

const CLASS: Record<string, Text> = {
  'shared-blacklisted': { fr: 'mutualisé, liste noire', en: 'shared, blacklisted' },
  'shared-recommended': { fr: 'mutualisé recommandé', en: 'recommended shared' },
  shared: { fr: 'mutualisé', en: 'shared' },
  managed: { fr: 'infogéré', en: 'managed' },
  vps: { fr: 'VPS', en: 'VPS' },
  cloud: { fr: 'cloud', en: 'cloud' },
  cdn: { fr: 'CDN', en: 'CDN' },
  mixed: { fr: 'mutualisé ou VPS', en: 'shared or VPS' },
};

// raw(): `body` is one of the constant SVG shapes below and `color` a constant from this file, never input.
const svg = (body: string, color: string, label: string) =>
  html`<svg class="icon" role="img" aria-label="${label}" width="16" height="16" viewBox="0 0 16 16"><title>${label}</title>${raw(body.replaceAll('{c}', color))}</svg>`;
const ICON = {
  pass: (l: string) =>
    svg('<circle cx="8" cy="8" r="7.5" fill="{c}"/><path d="M4.5 8.3l2.3 2.3 4.7-5" stroke="#fff" stroke-width="1.8" fill="none"/>', '#067647', l),
  fail: (l: string) => svg('<circle cx="8" cy="8" r="7.5" fill="{c}"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="1.8"/>', '#b42318', l),
  unknown: (l: string) =>
    svg(
      '<circle cx="8" cy="8" r="7.5" fill="{c}"/><text x="8" y="12" font-size="11" font-family="sans-serif" text-anchor="middle" fill="#fff">?</text>',
      '#667085',
      l,
    ),
  warning: (l: string) => svg('<path d="M8 1l7.5 13.5h-15z" fill="{c}"/><path d="M8 6v4.2M8 11.6v1.2" stroke="#fff" stroke-width="1.6"/>', '#b54708', l),
  dot: (color: string, l: string) => svg('<circle cx="8" cy="8" r="6.5" fill="{c}"/>', color, l),
};
const TIER_COLOR: Record<Tier, string> = { minimum: '#eaaa08', recommended: '#12b76a', enterprise: '#2e90fa' };

const VERDICT: Record<Verdict, Text> = {
  incompatible: { fr: 'Incompatible', en: 'Incompatible' },
  minimum: { fr: 'Exigences minimales', en: 'Minimum requirements' },
  recommended: { fr: 'Exigences recommandées', en: 'Recommended requirements' },
  enterprise: { fr: 'Exigences entreprise', en: 'Enterprise requirements' },
};
const TIER: Record<Tier, Text> = {
  minimum: { fr: 'Minimales', en: 'Minimum' },
  recommended: { fr: 'Recommandées', en: 'Recommended' },
  enterprise: { fr: 'Entreprise', en: 'Enterprise' },
};
const STATUS: Record<CriterionStatus, Text> = {
  pass: { fr: 'OK', en: 'pass' },
  fail: { fr: 'échec', en: 'fail' },
  unknown: { fr: 'inconnu', en: 'unknown' },
};
const WARNING: Text = { fr: 'Attention', en: 'Warning' };
const PANEL: Record<string, string> = { cpanel: 'cPanel', plesk: 'Plesk', hpanel: 'hPanel' };
const SERVER_KIND: Record<string, Text> = {
  apache: { fr: 'Apache', en: 'Apache' },
  nginx: { fr: 'nginx', en: 'nginx' },
  litespeed: { fr: 'LiteSpeed', en: 'LiteSpeed' },
  other: { fr: 'autre', en: 'other' },
  unknown: { fr: 'inconnu', en: 'unknown' },
};
const COLOR: Record<Verdict, string> = { incompatible: '#b42318', minimum: '#b54708', recommended: '#067647', enterprise: '#175cd3' };

export function renderReportHtml(report: AuditReport, lang: Lang = 'fr', screenshotPng: Buffer | null = null): string {
  const tr = (x: Text) => x[lang];
  const r = report.rubric;
  const p = report.provider;
  const http = report.probes.http.ok ? report.probes.http.data : null;
  const tls = report.probes.tls.ok ? report.probes.tls.data : null;
  const browser = report.probes.browser.ok ? report.probes.browser.data : null;
  const colon = COLON[lang];
  const host = p.hosting ? `${p.hosting.name} (${tr(CLASS[p.hosting.class] ?? { fr: p.hosting.class, en: p.hosting.class })})` : tr(L.unknownProvider);
  const evidence = p.hosting?.evidence.length
    ? html`<p><small>${tr(L.evidence)}${colon}${p.hosting.evidence.map((e) => e.detail).join(' · ')}</small></p>`
    : '';
  const stack = report.stack
    ? html`<p>${tr(L.stack)}${colon}${tr(SERVER_KIND[report.stack.server] ?? SERVER_KIND.unknown!)} / ${report.stack.panel === 'none' ? tr(L.noPanel) : (PANEL[report.stack.panel] ?? report.stack.panel)}</p>`
    : '';
  const status = (c: { status: CriterionStatus }) => html`${ICON[c.status](STATUS[c.status][lang])} ${tr(STATUS[c.status])}`;

  const rows = r.criteria.map((c) => {
    const checks = c.checks?.length
      ? html`<ul class="checks">${joinHtml(
          c.checks.map((k) => html`<li>${ICON[k.status](STATUS[k.status][lang])} ${tr(k.reason)}</li>`),
          '',
        )}</ul>`
      : '';
    const warning = c.warning ? html`<br><strong>${ICON.warning(WARNING[lang])} ${tr(c.warning)}</strong>` : '';
    return html`<tr class="${c.status}"><td>${ICON.dot(TIER_COLOR[c.tier], TIER[c.tier][lang])} ${tr(TIER[c.tier])}</td><td>${tr(c.label)}</td><td>${tr(c.expected)}</td><td>${status(c)}</td><td>${tr(c.reason)}${checks}${warning}</td></tr>`;
  });
  const measures: Array<[string, string]> = [];
  if (http) {
    measures.push(['HTTP', `${http.status ?? '—'} · TTFB ${Math.round(http.ttfbMs ?? 0)} ms · total ${Math.round(http.totalMs ?? 0)} ms`]);
    measures.push([L.server[lang], http.server.raw ?? '—']);
    measures.push(['PHP', http.php ?? '—']);
    measures.push(['CMS', http.cms ? `${http.cms.name} ${http.cms.version ?? ''}` : '—']);
    measures.push([L.redirects[lang], http.chain.map((h) => `${h.status} ${h.url}`).join(' → ')]);
  } else measures.push(['HTTP', `${tr(L.probeFailed)}${colon}${report.probes.http.ok ? '' : report.probes.http.error}`]);
  if (tls) {
    measures.push([
      'TLS',
      tls.connected ? `${tls.negotiated} · ${tls.issuer} · ${tls.key?.type ?? ''} ${tls.key?.bits ?? tls.key?.curve ?? ''}` : (tls.error ?? ''),
    ]);
    if (tls.connected)
      measures.push([
        L.certificate[lang],
        `${(tls.names ?? []).slice(0, 6).join(', ') || tls.subject} · ${formatDate(tls.validFrom, lang)} → ${formatDate(tls.validTo, lang)} (${tls.daysToExpiry} ${L.days[lang]})`,
      ]);
  }
  if (browser)
    measures.push([
      'Chromium',
      browser.loaded
        ? `load ${browser.loadMs} ms · DOMContentLoaded ${browser.domContentLoadedMs} ms · ${browser.requests} ${L.requests[lang]} · ${Math.round(browser.transferredBytes / 1024)} KiB · ${browser.consoleErrors.length} ${L.consoleErrors[lang]}`
        : (browser.error ?? ''),
    ]);
  const list = (items: string[]) =>
    joinHtml(
      items.map((x) => html`<li>${x}</li>`),
      '',
    );

  return htmlString(html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tr(L.title)} — ${report.domain}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#1d2939}
h1{margin-bottom:.2rem}.verdict{display:inline-block;padding:.3rem .8rem;border-radius:6px;color:#fff;background:${COLOR[r.verdict]};font-weight:600}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #d0d5dd;padding:.35rem .5rem;vertical-align:top;text-align:left}
tr.fail td{background:#fef3f2}tr.pass td{background:#f6fef9}tr.unknown td{background:#f9fafb}
img.shot{max-width:100%;border:1px solid #d0d5dd}small{color:#667085}svg.icon{vertical-align:-3px}ul.checks{margin:.3rem 0 0;padding-left:1rem;list-style:none}
@media print{body{margin:0;max-width:none;font-size:11px}tr{break-inside:avoid}h2{break-after:avoid}}
</style>
</head>
<body>
<h1>${tr(L.title)} — ${report.domain}</h1>
<p><small>${tr(L.generated)} <time datetime="${report.finishedAt}">${formatDate(report.finishedAt, lang)}</time> · <a href="${report.url}">${report.url}</a></small></p>
<p><span class="verdict" id="verdict" data-verdict="${r.verdict}">${tr(L.verdict)}${colon}${tr(VERDICT[r.verdict])}</span> &nbsp; ${tr(L.score)}${colon}<strong id="score">${r.score}/100</strong></p>
<p>${tr(L.provider)}${colon}<strong>${host}</strong>${p.cdn.length ? html` · ${tr(L.cdn)}${colon}${p.cdn.map((c) => c.name).join(', ')}` : ''}${p.dns ? html` · ${tr(L.dnsBy)} ${p.dns.name}` : ''}</p>
${evidence}${stack}
${r.blockers.length ? html`<h2>${tr(L.blockers)}</h2><ul>${list(r.blockers.map((b) => tr(b.reason)))}</ul>` : ''}
<h2>${tr(L.recommendations)}</h2>
<ol>${list(r.recommendations.map((x) => tr(x.text)))}</ol>
<h2>${tr(L.criteria)}</h2>
<table><thead><tr><th></th><th>${tr(L.criterion)}</th><th>${tr(L.expected)}</th><th>${tr(L.result)}</th><th>${tr(L.reason)}</th></tr></thead>
<tbody>
${joinHtml(rows, '\n')}
</tbody></table>
<h2>${tr(L.measures)}</h2>
<table>${joinHtml(
    measures.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`),
    '',
  )}</table>
<h2>${tr(L.checklist)}</h2>
<ul>${list(r.checklist.map(tr))}</ul>
${screenshotPng ? html`<h2>${tr(L.screenshot)}</h2><img class="shot" alt="${tr(L.screenshot)}" src="data:image/png;base64,${screenshotPng.toString('base64')}">` : ''}
</body>
</html>`);
}
