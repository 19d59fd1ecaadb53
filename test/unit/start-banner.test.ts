/** The launcher's banner: where everything is, per topology, and API keys by fingerprint only. */
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../api/access/secrets.js';
import { bannerText, type BannerFacts } from '../../scripts/lib/start-banner.js';

const single: BannerFacts = {
  topology: 'single',
  ports: [3000],
  apiUrl: 'http://127.0.0.1:3000',
  temporalAddress: '127.0.0.1:7233',
  externalTemporal: false,
  temporalServerVersion: '1.29.1',
  groups: [[]],
  uiUrl: 'http://127.0.0.1:8233',
  namespace: 'default',
  mailNote: 'smtp://127.0.0.1:1025',
  metrics: [],
  apiKeys: 'atl_dev_0123456789abcdefghijklmnop',
  apiKeysGiven: false,
  dataNote: '/.data',
  sandboxLines: ['concierge: sandbox'],
};

describe('bannerText', () => {
  it('single topology: one API, the dev key by fingerprint and file, no cluster lines', () => {
    const text = bannerText(single);
    expect(text).toContain('API              http://127.0.0.1:3000\n');
    expect(text).not.toContain('Workers');
    expect(text).toContain(`dev key ${keyFingerprint(single.apiKeys)} (fingerprint) in /.data/dev-api-key`);
    expect(text).not.toContain(single.apiKeys);
    expect(text).toContain('http://127.0.0.1:8233/namespaces/default/workflows?query=AtelierFamily%20%3D%20');
    expect(text).toContain('Metrics          off (API_METRICS_PORT / WORKER_METRICS_PORT = 0)');
    expect(text).toContain('  concierge: sandbox\n');
  });

  it('cluster topology: every API, the server and each worker group; given keys only as fingerprints', () => {
    const keys = ['key-one-0123456789abcdef', 'key-two-0123456789abcdef'];
    const text = bannerText({
      ...single,
      topology: 'cluster',
      ports: [3000, 3001],
      groups: [['platform', 'concierge', 'audits'], ['watches'], ['sync']],
      uiUrl: undefined,
      apiKeys: keys.join(', '),
      apiKeysGiven: true,
      metrics: [{ name: 'API 1', url: 'http://127.0.0.1:9464/metrics' }],
    });
    expect(text).toContain('API              http://127.0.0.1:3000  http://127.0.0.1:3001\n');
    expect(text).toContain('Temporal server  127.0.0.1:7233 (1.29.1 on PostgreSQL)');
    expect(text).toContain('Workers          platform,concierge,audits  |  watches  |  sync   (one process each)');
    expect(text).toContain('Temporal Web UI  (external cluster: see your Temporal UI)');
    expect(text).toContain(`API_KEYS: bootstrap key(s) ${keys.map(keyFingerprint).join(', ')} (fingerprints)`);
    for (const k of keys) expect(text).not.toContain(k);
  });
});
