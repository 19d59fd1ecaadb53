/**
 * A loopback HTTP pass-through that notes when each request went by: one in front of the HubSpot
 * stand-in per worker process shows how many requests each process sent, and when, while the
 * stand-in itself sees them all together.
 */
import { createServer, request, type Server } from 'node:http';

export interface HttpTap {
  url: string;
  /** Start time (ms) of every request passed on. */
  ats: number[];
  close(): Promise<void>;
}

export async function startHttpTap(target: string): Promise<HttpTap> {
  const to = new URL(target);
  const ats: number[] = [];
  const server: Server = createServer((req, res) => {
    ats.push(Date.now());
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    ats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
