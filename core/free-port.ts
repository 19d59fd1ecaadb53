/**
 * Free TCP ports: one the OS picks (servers the tests, benches and sandbox start), or the first free
 * one of a configured range (the metrics listeners of several processes on one host).
 */
import { createServer } from 'node:net';

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first free port of the range, or undefined (range off, or every port taken). */
export async function firstFreePort(host: string, range: { from: number; to: number }): Promise<number | undefined> {
  if (range.from === 0) return undefined;
  for (let port = range.from; port <= range.to; port++) if (await isPortFree(host, port)) return port;
  return undefined;
}

/** A loopback TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
