/**
 * The /metrics port settings: a port or a range in the config, the first free port of a range
 * (real sockets on loopback), and npm start's assignment of one distinct port per process.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.js';
import { firstFreePort, freePort } from '../../core/free-port.js';
import { assignMetricsPorts } from '../../scripts/lib/metrics-ports.js';
import { routeTemplate } from '../../api/metrics/http.js';

const base = { DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/atelier' };
const held: Server[] = [];
const hold = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve());
    held.push(s);
  });
afterAll(() => held.forEach((s) => s.close()));

describe('metrics port settings', () => {
  it('parses a port, a range, and 0 as off; refuses a reversed range or a word', () => {
    expect(loadConfig(base).WORKER_METRICS_PORT).toEqual({ from: 0, to: 0 });
    expect(loadConfig({ ...base, API_METRICS_PORT: '9464' }).API_METRICS_PORT).toEqual({ from: 9464, to: 9464 });
    expect(loadConfig({ ...base, WORKER_METRICS_PORT: '9470-9479' }).WORKER_METRICS_PORT).toEqual({ from: 9470, to: 9479 });
    expect(loadConfig(base).METRICS_HOST).toBe('127.0.0.1');
    for (const bad of ['9479-9470', 'nine', '70000']) expect(() => loadConfig({ ...base, WORKER_METRICS_PORT: bad })).toThrow(ConfigError);
  });

  it('takes the first free port of a range, none when all are taken or the range is off', async () => {
    const a = await freePort();
    await hold(a);
    expect(await firstFreePort('127.0.0.1', { from: a, to: a })).toBeUndefined();
    expect(await firstFreePort('127.0.0.1', { from: 0, to: 0 })).toBeUndefined();
    const next = await firstFreePort('127.0.0.1', { from: a, to: Math.min(a + 20, 65535) });
    expect(next).toBeGreaterThan(a);
  });

  it('npm start gives each process its own port and lists it; 0 turns a kind off', async () => {
    const a = await freePort();
    await hold(a);
    const range = `${a}-${Math.min(a + 30, 65535)}`;
    const services: Array<[string, string, NodeJS.ProcessEnv]> = [
      ['worker 1', 'workers/main.ts', {}],
      ['worker 2', 'workers/main.ts', {}],
      ['API', 'api/main.ts', {}],
    ];
    const endpoints = await assignMetricsPorts(services, { WORKER_METRICS_PORT: range, API_METRICS_PORT: '0' });
    const ports = services.slice(0, 2).map((s) => Number(s[2].WORKER_METRICS_PORT));
    expect(new Set(ports).size).toBe(2);
    expect(ports.every((p) => p > a)).toBe(true);
    expect(services[2]![2].API_METRICS_PORT).toBe('0');
    expect(endpoints.map((e) => e.url)).toEqual(ports.map((p) => `http://127.0.0.1:${p}/metrics`));
  });

  it('labels a request with the template of the route that matched, never its path', () => {
    const mw = { method: 'ALL', path: '/*' };
    expect(routeTemplate([mw, { method: 'ALL', path: '/v1/*' }, { method: 'GET', path: '/v1/runs/:workflowId' }])).toBe('/v1/runs/:workflowId');
    expect(routeTemplate([mw, { method: 'ALL', path: '/v1/*' }])).toBe('(unmatched)');
  });
});
