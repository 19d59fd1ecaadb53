/**
 * `npm start`: gives every API and worker process its own /metrics port, the first free ones of
 * API_METRICS_PORT (default 9464-9469) and WORKER_METRICS_PORT (default 9470-9479), so the banner
 * can say where each one is. 0 turns a kind off.
 */
import { firstFreePort } from '../../core/free-port.js';

export interface MetricsEndpoint {
  name: string;
  url: string;
}

const DEFAULTS = { api: '9464-9469', worker: '9470-9479' } as const;

function range(value: string): { from: number; to: number } {
  const [from, to = from] = value.split('-').map(Number) as [number, number?];
  return { from, to };
}

/** Sets API_METRICS_PORT / WORKER_METRICS_PORT of each service's environment to one port; returns the endpoints. */
export async function assignMetricsPorts(services: Array<[string, string, NodeJS.ProcessEnv]>, env: NodeJS.ProcessEnv): Promise<MetricsEndpoint[]> {
  const host = env.METRICS_HOST ?? '127.0.0.1';
  const taken = new Set<number>();
  const endpoints: MetricsEndpoint[] = [];
  for (const service of services) {
    const [name, entry, childEnv] = service;
    const key = entry.startsWith('api/') ? 'API_METRICS_PORT' : 'WORKER_METRICS_PORT';
    const r = range(env[key] ?? DEFAULTS[key === 'API_METRICS_PORT' ? 'api' : 'worker']);
    let port: number | undefined;
    for (let from = r.from; from && from <= r.to; from = port + 1) {
      port = await firstFreePort(host, { from, to: r.to });
      if (port === undefined || !taken.has(port)) break;
    }
    if (!r.from || port === undefined) {
      service[2] = { ...childEnv, [key]: '0' };
      continue;
    }
    taken.add(port);
    service[2] = { ...childEnv, METRICS_HOST: host, [key]: String(port) };
    endpoints.push({ name, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics` });
  }
  return endpoints;
}
