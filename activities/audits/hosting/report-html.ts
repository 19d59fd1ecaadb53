/**
 * The audit report as a self-contained HTML page (French by default, English with lang=en), with
 * the site's screenshot embedded as a data: URL. Pure: every value is escaped.
 */
import type { AuditReport } from './report.js';
import type { CriterionStatus, Text, Tier, Verdict } from './rubric.js';

export type Lang = 'fr' | 'en';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

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
} satisfies Record<string, Text>;

const VERDICT: Record<Verdict, Text> = {
  incompatible: { fr: 'Incompatible', en: 'Incompatible' },
  minimum: { fr: 'Exigences minimales', en: 'Minimum requirements' },
  recommended: { fr: 'Exigences recommandées', en: 'Recommended requirements' },
  enterprise: { fr: 'Exigences entreprise', en: 'Enterprise requirements' },
};
const TIER: Record<Tier, Text> = {
  minimum: { fr: '🟡 Minimales', en: '🟡 Minimum' },
  recommended: { fr: '🟢 Recommandées', en: '🟢 Recommended' },
  enterprise: { fr: '🔵 Entreprise', en: '🔵 Enterprise' },
};
const STATUS: Record<CriterionStatus, Text> = {
  pass: { fr: '✅ OK', en: '✅ pass' },
  fail: { fr: '❌ échec', en: '❌ fail' },
  unknown: { fr: '❔ inconnu', en: '❔ unknown' },
};
const COLOR: Record<Verdict, string> = { incompatible: '#b42318', minimum: '#b54708', recommended: '#067647', enterprise: '#175cd3' };

export function renderReportHtml(report: AuditReport, lang: Lang = 'fr', screenshotPng: Buffer | null = null): string {
  const tr = (x: Text) => esc(x[lang]);
  const r = report.rubric;
  const p = report.provider;
  const http = report.probes.http.ok ? report.probes.http.data : null;
  const tls = report.probes.tls.ok ? report.probes.tls.data : null;
  const browser = report.probes.browser.ok ? report.probes.browser.data : null;
  const host = p.hosting ? `${esc(p.hosting.name)} (${esc(p.hosting.class)})` : tr(L.unknownProvider);

  const rows = r.criteria
    .map(
      (c) => `<tr class="${c.status}"><td>${tr(TIER[c.tier])}</td><td>${tr(c.label)}</td><td>${tr(c.expected)}</td><td>${tr(STATUS[c.status])}</td><td>${tr(c.reason)}${c.warning ? `<br><strong>⚠️ ${tr(c.warning)}</strong>` : ''}</td></tr>`,
    )
    .join('\n');
  const measures: Array<[string, string]> = [];
  if (http) {
    measures.push(['HTTP', `${esc(http.status ?? '—')} · TTFB ${esc(Math.round(http.ttfbMs ?? 0))} ms · total ${esc(Math.round(http.totalMs ?? 0))} ms`]);
    measures.push(['Server', esc(http.server.raw ?? '—')]);
    measures.push(['PHP', esc(http.php ?? '—')]);
    measures.push(['CMS', esc(http.cms ? `${http.cms.name} ${http.cms.version ?? ''}` : '—')]);
    measures.push(['Redirections', esc(http.chain.map((h) => `${h.status} ${h.url}`).join(' → '))]);
  } else measures.push(['HTTP', `${tr(L.probeFailed)}: ${esc(report.probes.http.ok ? '' : report.probes.http.error)}`]);
  if (tls) measures.push(['TLS', esc(tls.connected ? `${tls.negotiated} · ${tls.issuer} · ${tls.daysToExpiry} j · ${tls.key?.type ?? ''} ${tls.key?.bits ?? tls.key?.curve ?? ''}` : tls.error)]);
  if (browser) measures.push(['Chromium', esc(browser.loaded ? `load ${browser.loadMs} ms · DOMContentLoaded ${browser.domContentLoadedMs} ms · ${browser.requests} req · ${Math.round(browser.transferredBytes / 1024)} KiB · ${browser.consoleErrors.length} console error(s)` : browser.error)]);

  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tr(L.title)} — ${esc(report.domain)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#1d2939}
h1{margin-bottom:.2rem}.verdict{display:inline-block;padding:.3rem .8rem;border-radius:6px;color:#fff;background:${COLOR[r.verdict]};font-weight:600}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #d0d5dd;padding:.35rem .5rem;vertical-align:top;text-align:left}
tr.fail td{background:#fef3f2}tr.pass td{background:#f6fef9}tr.unknown td{background:#f9fafb}
img.shot{max-width:100%;border:1px solid #d0d5dd}small{color:#667085}
</style>
</head>
<body>
<h1>${tr(L.title)} — ${esc(report.domain)}</h1>
<p><small>${tr(L.generated)} ${esc(report.finishedAt)} · <a href="${esc(report.url)}">${esc(report.url)}</a></small></p>
<p><span class="verdict" id="verdict" data-verdict="${r.verdict}">${tr(L.verdict)} : ${tr(VERDICT[r.verdict])}</span> &nbsp; ${tr(L.score)} : <strong id="score">${r.score}/100</strong></p>
<p>${tr(L.provider)} : <strong>${host}</strong>${p.cdn.length ? ` · ${tr(L.cdn)} : ${esc(p.cdn.map((c) => c.name).join(', '))}` : ''}${p.dns ? ` · ${tr(L.dnsBy)} ${esc(p.dns.name)}` : ''}</p>
${r.blockers.length ? `<h2>${tr(L.blockers)}</h2><ul>${r.blockers.map((b) => `<li>${tr(b.reason)}</li>`).join('')}</ul>` : ''}
<h2>${tr(L.recommendations)}</h2>
<ol>${r.recommendations.map((x) => `<li>${tr(x.text)}</li>`).join('')}</ol>
<h2>${tr(L.criteria)}</h2>
<table><thead><tr><th></th><th>${tr(L.criterion)}</th><th>${tr(L.expected)}</th><th>${tr(L.result)}</th><th>${tr(L.reason)}</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>${tr(L.measures)}</h2>
<table>${measures.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>
<h2>${tr(L.checklist)}</h2>
<ul>${r.checklist.map((c) => `<li>${tr(c)}</li>`).join('')}</ul>
${screenshotPng ? `<h2>${tr(L.screenshot)}</h2><img class="shot" alt="${tr(L.screenshot)}" src="data:image/png;base64,${screenshotPng.toString('base64')}">` : ''}
</body>
</html>`;
}
