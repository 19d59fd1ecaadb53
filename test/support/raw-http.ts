/**
 * The app served on a loopback port and a bare node:http client: unlike `fetch`/`app.request`,
 * it sends any method (TRACE, PROPFIND...) and any percent-escaped path as is, the way a hostile
 * client would reach @hono/node-server.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { serve } from '@hono/node-server';
import { TEST_API_KEY } from './platform.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export async function serveOnLoopback(app: { fetch: (req: Request) => Response | Promise<Response> }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  // A keep-alive socket the server closed after answering without reading a large body is reset
  // under the next request: that request is sent again once, on a new socket. A server that is
  // really gone fails the second attempt too.
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string, key: string | null = TEST_API_KEY): Promise<RawResponse> =>
    once(method, path, headers, body, key).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET') throw err;
      return once(method, path, headers, body, key);
    });
  const once = (method: string, path: string, headers: Record<string, string>, body: string | undefined, key: string | null) =>
    new Promise<RawResponse>((resolve, reject) => {
      const all = {
        ...headers,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      };
      const req = request({ host: '127.0.0.1', port, method, path, headers: all, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const close = () =>
    new Promise<void>((resolve) => {
      agent.destroy();
      server.close(() => resolve());
    });
  return { port, send, close };
}
