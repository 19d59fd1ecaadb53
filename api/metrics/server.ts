/**
 * The API process's /metrics listener (Prometheus text format), on its own port so that it can stay
 * on loopback (or a private network) while the API faces users: HTTP metrics, business metrics
 * read at scrape time, and the Node process's own (heap, event loop lag, GC) as atelier_api_*.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../../core/logger.js';
import { isPortFree } from '../../core/free-port.js';

export function apiRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'atelier_api_' });
  return registry;
}

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  /** API_METRICS_PORT: the first free port of the range is taken. */
  ports: { from: number; to: number };
  logger: Logger;
  /** Runs before each scrape (the business metrics' refresh); must not reject. */
  beforeScrape?: () => Promise<void>;
}

/** Listens on the first free port of the range; none free is logged and the API serves on without metrics. */
export async function serveMetrics(opts: MetricsServerOptions): Promise<{ server: Server; port: number } | undefined> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at GET /metrics\n');
      return;
    }
    void (async () => {
      await opts.beforeScrape?.();
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'content-type': opts.registry.contentType, 'cache-control': 'no-store' }).end(body);
    })().catch((err: unknown) => {
      opts.logger.warn({ err }, 'metrics scrape failed');
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('metrics unavailable\n');
    });
  });
  const listen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const failed = () => resolve(false);
      server.once('error', failed);
      server.listen({ host: opts.host, port, exclusive: true }, () => {
        server.off('error', failed);
        resolve(true);
      });
    });
  for (let port = opts.ports.from; port <= opts.ports.to; port++) {
    // another process may take a free port between the probe and the listen: then the next one
    if ((await isPortFree(opts.host, port)) && (await listen(port))) {
      opts.logger.info({ url: `http://${opts.host}:${port}/metrics` }, 'metrics listening');
      return { server, port };
    }
  }
  opts.logger.error({ host: opts.host, ports: opts.ports }, 'no free port in API_METRICS_PORT: serving without /metrics');
  return undefined;
}
