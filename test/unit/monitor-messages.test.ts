import { describe, expect, it } from 'vitest';
import { validatePatch } from '../../activities/audits/monitor/config-patch.js';
import { monitorIdFor, normalizeMonitorUrl } from '../../activities/audits/monitor/site-id.js';
import { alertKey, alertWebhookBody, renderAlertEmail, type AlertContext } from '../../activities/audits/monitor/templates.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';

const base: AlertContext = {
  monitorId: 'monitor-www.exemple.fr',
  url: 'https://www.exemple.fr/',
  transition: 'down',
  seq: 42,
  thresholds: DEFAULT_THRESHOLDS,
  check: {
    ok: false,
    statusCode: 503,
    latencyMs: 12,
    certDaysLeft: 60,
    certValidTo: null,
    error: 'HTTP 503 <Service Unavailable>',
    checkedAt: '2026-11-21T08:00:00.000Z',
  },
};

describe('monitor alert messages', () => {
  it('renders the down alert in French by default, text and escaped HTML', () => {
    const m = renderAlertEmail(base);
    expect(m.subject).toBe('[Alerte] www.exemple.fr est hors ligne');
    expect(m.text).toContain('ne répond plus correctement depuis 3 vérification(s) consécutive(s)');
    expect(m.text).toContain('Erreur : HTTP 503 <Service Unavailable>');
    expect(m.html).toContain('lang="fr"');
    expect(m.html).toContain('HTTP 503 &lt;Service Unavailable&gt;');
    expect(m.html).not.toContain('<Service');
  });

  it('escapes hostile values in every part of the HTML (url, monitor id, error) and keeps them raw in the text', () => {
    const hostile = {
      ...base,
      monitorId: 'm"<script>alert(1)</script>',
      url: 'https://x.fr/?a=1&b="<script>"',
      check: { ...base.check, error: `<img src=x onerror="alert('&')">` },
    };
    for (const lang of ['fr', 'en'] as const) {
      const m = renderAlertEmail(hostile, lang);
      expect(m.html).not.toContain('<script>');
      expect(m.html).not.toContain('<img');
      expect(m.html).toContain('https://x.fr/?a=1&amp;b=&quot;&lt;script&gt;&quot;');
      expect(m.html).toContain('m&quot;&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(m.html).toContain('&lt;img src=x onerror=&quot;alert(&#39;&amp;&#39;)&quot;&gt;');
      expect(m.text).toContain('https://x.fr/?a=1&b="<script>"');
    }
  });

  it('renders English on request, and the recovery with the outage duration', () => {
    const m = renderAlertEmail(
      { ...base, transition: 'recovered', since: '2026-11-21T07:58:30.000Z', check: { ...base.check, ok: true, statusCode: 200, error: null } },
      'en',
    );
    expect(m.subject).toBe('[Recovered] www.exemple.fr is back up');
    expect(m.text).toContain('Outage lasted: 1 min 30 s');
    expect(renderAlertEmail({ ...base, transition: 'recovered', since: '2026-11-21T07:58:30.000Z' }).text).toContain('Durée de l’incident : 1 min 30 s');
  });

  it('renders latency and certificate alerts in the brief’s terms', () => {
    const slow = renderAlertEmail({ ...base, transition: 'slow', check: { ...base.check, ok: true, latencyMs: 2400 } });
    expect(slow.subject).toBe('[Alerte] www.exemple.fr répond lentement');
    expect(slow.text).toContain('dépasse 2 s depuis 3 vérifications consécutives');
    expect(slow.text).toContain('Temps de réponse : 2400 ms');
    const cert = renderAlertEmail({
      ...base,
      transition: 'certificate-expiring',
      check: { ...base.check, certDaysLeft: 9, certValidTo: '2026-11-30T00:00:00.000Z' },
    });
    expect(cert.subject).toBe('[Alerte] Le certificat de www.exemple.fr expire dans 9 jour(s)');
    expect(cert.text).toContain('moins de 14 jours');
    const expired = renderAlertEmail({ ...base, transition: 'certificate-expiring', check: { ...base.check, certDaysLeft: -1 } }, 'en');
    expect(expired.subject).toBe('[Alert] The certificate of www.exemple.fr has expired');
  });

  it('builds the webhook body and one outbox key per channel of a transition', () => {
    expect(alertWebhookBody(base)).toEqual({
      type: 'monitor.down',
      monitorId: 'monitor-www.exemple.fr',
      url: 'https://www.exemple.fr/',
      sequence: 42,
      occurredAt: '2026-11-21T08:00:00.000Z',
      incidentSince: null,
      check: { ok: false, statusCode: 503, latencyMs: 12, certDaysLeft: 60, certValidTo: null, error: 'HTTP 503 <Service Unavailable>' },
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(alertKey('monitor-a.fr', 'down', 7, 'email')).toBe('monitor:monitor-a.fr:down:7:email');
    expect(alertKey('monitor-a.fr', 'down', 7, 'webhook')).not.toBe(alertKey('monitor-a.fr', 'down', 7, 'email'));
  });
});

describe('monitor ids', () => {
  it.each([
    ['https://WWW.Example.com/a/b?x=1', 'monitor-www.example.com'],
    ['https://www.example.com:443/', 'monitor-www.example.com'],
    ['http://www.example.com:80', 'monitor-www.example.com'],
    ['http://127.0.0.1:8080/health', 'monitor-127.0.0.1-8080'],
    ['https://[::1]:8443/', 'monitor-__1-8443'],
    ['https://example.com./', 'monitor-example.com'],
    ['https://bücher.example/', 'monitor-xn--bcher-kva.example'],
  ])('%s -> %s', (url, id) => expect(monitorIdFor(new URL(url))).toBe(id));

  it('keeps the path and query of the checked URL, not the fragment', () => {
    expect(normalizeMonitorUrl(new URL('https://a.fr/santé?x=1#top'))).toBe('https://a.fr/sant%C3%A9?x=1');
  });
});

describe('monitor config patches', () => {
  const bounds: [number, number] = [30, 86_400];
  it('accepts valid changes', () => {
    expect(() => validatePatch({ intervalSeconds: 60, paused: true, thresholds: { latencyMs: 1500, failuresBeforeDown: 2 } }, bounds)).not.toThrow();
  });
  it.each([
    [{ intervalSeconds: 5 }, /intervalSeconds/],
    [{ intervalSeconds: 60.5 }, /intervalSeconds/],
    [{ thresholds: { latencyMs: -1 } }, /thresholds.latencyMs/],
    [{ thresholds: { bogus: 1 } }, /unknown threshold bogus/],
    [{ paused: 'yes' }, /paused/],
    [{ colour: 'red' }, /unknown field colour/],
  ])('refuses %j', (patch, message) => expect(() => validatePatch(patch as never, bounds)).toThrow(message));
});
