/**
 * A TCP relay on loopback the test can cut and reopen: a network partition, or a server that
 * stops and comes back, between a client and PostgreSQL.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class Relay {
  private server?: Server;
  private sockets = new Set<Socket>();
  constructor(private readonly target: { host: string; port: number }) {}
  port = 0;
  async open(port = 0): Promise<number> {
    this.server = createServer((inbound) => {
      const outbound = createConnection(this.target);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
