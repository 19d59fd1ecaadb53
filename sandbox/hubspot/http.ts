/** Small node:http helpers shared by the local fakes (HubSpot, Sage). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, port chosen by the OS. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A rolling-window counter: at most `max` accepted events in any `windowMs`. */
export class RollingWindow {
  private hits: number[] = [];
  constructor(
    public max: number,
    public windowMs: number,
  ) {}

  private prune(now: number) {
    const floor = now - this.windowMs;
    let i = 0;
    while (i < this.hits.length && this.hits[i]! <= floor) i++;
    if (i > 0) this.hits.splice(0, i);
  }

  /** Records a hit and returns 0 when allowed; otherwise the milliseconds until a slot frees. */
  take(now: number): number {
    this.prune(now);
    if (this.hits.length >= this.max) return Math.max(1, this.hits[0]! + this.windowMs - now);
    this.hits.push(now);
    return 0;
  }

  remaining(now: number): number {
    this.prune(now);
    return Math.max(0, this.max - this.hits.length);
  }
}
