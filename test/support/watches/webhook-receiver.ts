/** A webhook receiver on loopback that verifies Atelier's signature on the raw body and keeps what it got. */
import { createServer, type Server } from 'node:http';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verify } from '../../../activities/shared/webhook-signing.js';

export interface ReceivedHook {
  delivery: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
}

export async function startWebhookReceiver(secret: string) {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const v = verify(secret, raw, req.headers[SIGNATURE_HEADER] as string | undefined, Math.floor(Date.now() / 1000));
      received.push({ delivery: String(req.headers[DELIVERY_HEADER] ?? ''), body: JSON.parse(raw) as Record<string, unknown>, signatureOk: v.ok });
      res.writeHead(v.ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/listings`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
