/**
 * A real SMTP server on loopback that keeps what it receives: the dev mail catcher of `npm start`
 * (messages also written to .data/mail/*.eml) and the SMTP peer of the tests, which read the
 * received mail back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createArrivals } from './arrivals.js';

export interface CaughtMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string | null;
  headers: Map<string, unknown>;
  raw: string;
}

export interface MailCatcher {
  url: string;
  port: number;
  messages: CaughtMail[];
  /** Resolves when at least `count` messages matching `filter` have arrived. */
  waitFor(count: number, filter?: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail[]>;
  clear(): void;
  close(): Promise<void>;
}

export async function startMailCatcher(opts: { port?: number; saveDir?: string } = {}): Promise<MailCatcher> {
  const arrivals = createArrivals<CaughtMail>('mail');
  const messages = arrivals.items;
  if (opts.saveDir) mkdirSync(opts.saveDir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on(
        'end',
        () =>
          void (async () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            try {
              const parsed: ParsedMail = await simpleParser(raw);
              const mail: CaughtMail = {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : null,
                messageId: parsed.messageId ?? null,
                headers: parsed.headers,
                raw,
              };
              if (opts.saveDir) writeFileSync(join(opts.saveDir, `${Date.now()}-${messages.length + 1}.eml`), raw);
              arrivals.push(mail);
              callback();
            } catch (err) {
              callback(err as Error);
            }
          })(),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitFor: (count, filter, timeoutMs) => arrivals.waitFor(count, filter, timeoutMs),
    clear: () => void messages.splice(0),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
