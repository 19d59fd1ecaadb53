import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../activities/audits/hosting/report.js';
import { renderReportHtml } from '../../../activities/audits/hosting/report-html.js';
import type { HttpResult } from '../../../activities/audits/hosting/types.js';
import { dns, http, ok, tls } from './rubric-input.js';

const report = buildReport({
  id: 'audit-1',
  url: 'https://evil.example/<script>',
  domain: 'evil.example',
  startedAt: '2026-11-21T08:00:00.000Z',
  finishedAt: '2026-11-21T08:00:02.000Z',
  options: { browser: false, samples: 1 },
  probes: {
    dns: {
      ok: true,
      data: {
        host: 'evil.example',
        resolves: true,
        error: null,
        a: ['203.0.113.5'],
        aaaa: [],
        cnameChain: [],
        nsZone: 'evil.example',
        ns: ['ns1.bluehost.com'],
        mx: [],
        ptr: { '203.0.113.5': ['box5000.bluehost.com'] },
      },
    },
    http: { ok: false, error: 'probe crashed: <img onerror=alert(1)>' },
    tls: { ok: false, error: 'no TLS' },
    browser: { ok: false, skipped: true, error: 'browser probe not requested' },
  },
});

describe('renderReportHtml', () => {
  it('renders French by default and English on request, with the verdict and the brief’s recommendations', () => {
    expect(report.rubric.verdict).toBe('incompatible');
    const fr = renderReportHtml(report);
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('Verdict\u00a0: Incompatible');
    expect(fr).toContain('Bluehost (mutualisé, liste noire)');
    expect(fr).toContain('Option A — migration recommandée');
    const en = renderReportHtml(report, 'en');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Option A — recommended migration');
    expect(en).toContain('Hosting audit — evil.example');
    expect(en).toContain('Verdict: Incompatible');
    expect(en).toContain('Bluehost (shared, blacklisted)');
  });

  it('is fully in one language, dates in Europe/Paris time, icons without emoji', () => {
    const en = renderReportHtml(report, 'en');
    const fr = renderReportHtml(report, 'fr');
    // 08:00:02 UTC on 21 Nov is 09:00 in Paris (CET)
    expect(en).toContain('>21 November 2026 at 09:00 CET</time>');
    expect(fr).toContain('>21 novembre 2026 à 09:00 UTC+1</time>');
    expect(en).not.toMatch(/ : |Critère|Attendu|Recommandations|non identifié|sonde en échec|Redirections| j /);
    expect(fr).not.toMatch(/Criterion|Expected|Recommendations|not identified|probe failed|Redirects/);
    for (const html of [en, fr]) {
      expect(html).not.toMatch(/\p{Extended_Pictographic}/u);
      expect(html).toContain('<svg class="icon" role="img"');
    }
    expect(en).toMatch(/aria-label="fail"/);
    expect(fr).toMatch(/aria-label="échec"/);
  });
  it('escapes everything that comes from the audited site and embeds the screenshot only when there is one', () => {
    const html = renderReportHtml(report, 'en', Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG fake')]));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img onerror');
    expect(html).toContain('&lt;img onerror=alert(1)&gt;');
    expect(html).toContain('src="data:image/png;base64,iVBORyBmYWtl"');
    expect(renderReportHtml(report, 'en')).not.toContain('data:image/png');
  });

  it('escapes hostile values from a reachable site: url, server header, CMS, redirect chain, certificate issuer, console', () => {
    const evil = `<script>alert('x')</script> & "q"`;
    const escaped = '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;';
    const headers = { server: evil, 'x-powered-by': 'PHP/8.2.10' };
    const hostile = buildReport({
      id: 'audit-2',
      url: `https://site.example/?a=1&b="<script>"`,
      domain: 'site.example',
      startedAt: '2026-11-21T08:00:00.000Z',
      finishedAt: '2026-11-21T08:00:02.000Z',
      options: { browser: true, samples: 1 },
      probes: {
        dns: ok(dns()),
        http: ok(
          http(headers, {
            chain: [{ url: `https://site.example/${evil}`, status: 301, location: null }],
            cms: { name: evil, version: null } as HttpResult['cms'],
          }),
        ),
        tls: ok(tls({ issuer: evil })),
        browser: { ok: false, error: evil },
      },
    });
    for (const lang of ['fr', 'en'] as const) {
      const page = renderReportHtml(hostile, lang);
      expect(page).not.toContain('<script>');
      expect(page).toContain('href="https://site.example/?a=1&amp;b=&quot;&lt;script&gt;&quot;"');
      expect(page).toContain(`<td>${escaped}</td>`);
      expect(page).toContain(`301 https://site.example/${escaped}`);
      expect(page).toContain(`TLSv1.3 · ${escaped} · EC 256`);
    }
  });
});
