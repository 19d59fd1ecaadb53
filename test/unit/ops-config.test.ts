/**
 * The shipped operations files agree with each other: Prometheus scrapes every API and worker
 * service of docker-compose.yml on the metrics ports compose gives them; each worker service has a
 * heap cap and a stop timeout longer than its drain; Grafana is provisioned with the datasource
 * the dashboard names and reaches nothing outside; the image runs compiled JavaScript.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  stop_grace_period?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const prometheus = parse(readFileSync('ops/prometheus/prometheus.yml', 'utf8')) as {
  scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
};
const services = Object.entries(compose.services);
const runs = (s: Service, entry: string) => (s.command ?? []).join(' ').includes(entry);
const job = (name: string) => prometheus.scrape_configs.find((j) => j.job_name === name)!.dns_sd_configs![0]!;
const seconds = (d: string) => Number(d.replace(/s$/, ''));

describe('ops configuration', () => {
  it('Prometheus scrapes every API and worker service on the port compose gives it', () => {
    const workers = services.filter(([, s]) => runs(s, 'dist/workers/main.js'));
    const apis = services.filter(([, s]) => runs(s, 'dist/api/main.js'));
    expect(workers.length).toBeGreaterThanOrEqual(3);
    expect(job('atelier-worker').names.sort()).toEqual(workers.map(([n]) => n).sort());
    expect(job('atelier-api').names).toEqual(apis.map(([n]) => n));
    for (const [, s] of workers) expect(Number(s.environment!.WORKER_METRICS_PORT)).toBe(job('atelier-worker').port);
    for (const [, s] of apis) expect(Number(s.environment!.API_METRICS_PORT)).toBe(job('atelier-api').port);
    for (const [, s] of [...workers, ...apis]) expect(s.environment!.METRICS_HOST).toBe('0.0.0.0');
  });

  it('every worker service caps its heap and stops later than its drain can last', () => {
    for (const [name, s] of services.filter(([, x]) => runs(x, 'dist/workers/main.js'))) {
      expect(s.environment!.NODE_OPTIONS, name).toMatch(/--max-old-space-size=\d+/);
      expect(s.environment!.WORKER_QUEUES, name).toMatch(/^[a-z,]+$/);
      // the SDK gives up on a drain at grace + 10 s (workers/run.ts shutdownForceTime)
      expect(seconds(s.stop_grace_period!), name).toBeGreaterThan(Number(s.environment!.WORKER_SHUTDOWN_GRACE_SECONDS) + 10);
    }
    const api = compose.services.api!;
    expect(seconds(api.stop_grace_period!)).toBeGreaterThan(Number(api.environment!.API_SHUTDOWN_GRACE_SECONDS));
    const families = services.flatMap(([, s]) => (runs(s, 'dist/workers/main.js') ? s.environment!.WORKER_QUEUES!.split(',') : []));
    expect(families.sort()).toEqual(['audits', 'concierge', 'platform', 'sync', 'watches']);
  });

  it('Grafana loads the dashboard with the datasource it names and reaches nothing outside', () => {
    const ds = parse(readFileSync('ops/grafana/provisioning/datasources/prometheus.yml', 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
    const dashboard = JSON.parse(readFileSync('ops/grafana/dashboards/atelier.json', 'utf8')) as { panels: Array<{ datasource?: { uid: string } }> };
    const uids = new Set(dashboard.panels.flatMap((p) => (p.datasource ? [p.datasource.uid] : [])));
    expect([...uids]).toEqual([ds.datasources[0]!.uid]);
    expect(ds.datasources[0]!.url).toBe('http://prometheus:9090');
    const env = compose.services.grafana!.environment!;
    for (const k of [
      'GF_ANALYTICS_REPORTING_ENABLED',
      'GF_ANALYTICS_CHECK_FOR_UPDATES',
      'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES',
      'GF_NEWS_NEWS_FEED_ENABLED',
      'GF_SNAPSHOTS_EXTERNAL_ENABLED',
    ])
      expect(env[k], k).toBe('false');
    expect(env.GF_SECURITY_DISABLE_GRAVATAR).toBe('true');
    expect(env.GF_PLUGINS_PREINSTALL_DISABLED).toBe('true');
    expect(env.GF_INSTALL_PLUGINS).toBe('');
  });

  it('the image runs compiled JavaScript with the prebuilt bundle, never tsx', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/CMD \["node", "dist\/api\/main\.js"\]/);
    expect(runtime).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/tsx/);
    for (const [name, s] of services) expect((s.command ?? []).join(' '), name).not.toMatch(/tsx/);
  });
});
