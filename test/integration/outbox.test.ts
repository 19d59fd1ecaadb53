/** The notification outbox against real PostgreSQL, a real SMTP server and a webhook receiver. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createMailer, type Mailer } from '../../activities/shared/mail.js';
import { parseAllowlist } from '../../activities/shared/net-guard.js';
import { deliver, enqueue } from '../../activities/shared/outbox.js';
import { sendWebhook } from '../../activities/shared/webhook-sender.js';
import { verify } from '../../activities/shared/webhook-signing.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import { freshDb, type TestDb } from '../support/db.js';

const SECRET = 'test-webhook-secret-0123';
let t: TestDb;
let smtp: MailCatcher;
let mailer: Mailer;
let receiver: Server;
let hookUrl: string;
const received: Array<{ path: string; body: string; signature: string; delivery: string }> = [];

beforeAll(async () => {
  t = await freshDb();
  smtp = await startMailCatcher();
  mailer = createMailer({ SMTP_URL: smtp.url, MAIL_FROM: 'Atelier <no-reply@atelier.test>' });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, signature: String(req.headers['atelier-signature']), delivery: String(req.headers['atelier-delivery-id']) });
      res.statusCode = req.url === '/fail' ? 500 : req.url === '/gone' ? 410 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await new Promise((r) => receiver.close(r));
  await t.drop();
});

const senders = () => ({
  mailer,
  webhook: (d: Parameters<typeof sendWebhook>[0]) => sendWebhook(d, { secret: SECRET, allow: parseAllowlist(['127.0.0.0/8']) }),
});

describe('outbox', () => {
  it('records a key once and sends its email once, however often it is enqueued or delivered', async () => {
    const note = {
      key: 'test:mail:1',
      channel: 'email' as const,
      payload: { to: 'client@exemple.fr', subject: 'Bonjour', text: 'Corps', html: '<p>Corps</p>' },
    };
    expect(await enqueue(t.db, [note])).toEqual(['test:mail:1']);
    expect(await enqueue(t.db, [note])).toEqual([]);
    expect(await deliver(t.db, 'test:mail:1', senders())).toBe('sent');
    expect(await deliver(t.db, 'test:mail:1', senders())).toBe('already-sent');
    const [mail] = await smtp.waitFor(1, (m) => m.subject === 'Bonjour');
    expect(mail!.to).toEqual(['client@exemple.fr']);
    expect(mail!.text.trim()).toBe('Corps');
    expect(mail!.messageId).toBe('<test.mail.1@atelier.localhost>');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.subject === 'Bonjour')).toHaveLength(1);
    const row = await t.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test:mail:1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('delivers concurrent attempts of one key once', async () => {
    await enqueue(t.db, [{ key: 'test:mail:race', channel: 'email', payload: { to: 'a@b.fr', subject: 'Race', text: 'x' } }]);
    const outcomes = await Promise.all([1, 2, 3].map(() => deliver(t.db, 'test:mail:race', senders())));
    expect(outcomes.sort()).toEqual(['already-sent', 'already-sent', 'sent']);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.subject === 'Race')).toHaveLength(1);
  });

  it('sends a signed webhook with its delivery id', async () => {
    await enqueue(t.db, [{ key: 'test:hook:1', channel: 'webhook', payload: { url: `${hookUrl}/ok`, body: { event: 'x' } } }]);
    expect(await deliver(t.db, 'test:hook:1', senders())).toBe('sent');
    const got = received.find((r) => r.delivery === 'test:hook:1')!;
    expect(got.body).toBe('{"event":"x"}');
    expect(verify(SECRET, got.body, got.signature, Math.floor(Date.now() / 1000)).ok).toBe(true);
  });

  it('keeps a failed delivery pending with its error, and refuses for good on a 4xx', async () => {
    await enqueue(t.db, [
      { key: 'test:hook:fail', channel: 'webhook', payload: { url: `${hookUrl}/fail`, body: {} } },
      { key: 'test:hook:gone', channel: 'webhook', payload: { url: `${hookUrl}/gone`, body: {} } },
    ]);
    await expect(deliver(t.db, 'test:hook:fail', senders())).rejects.toThrow(/answered 500/);
    const row = await t.db.selectFrom('outbox').selectAll().where('dedupe_key', '=', 'test:hook:fail').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/500/);
    const err = await deliver(t.db, 'test:hook:gone', senders()).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('refuses a webhook to a private address not on the allow-list', async () => {
    const err = await sendWebhook({ url: 'http://10.0.0.1/hook', body: {}, deliveryId: 'x' }, { secret: SECRET, allow: parseAllowlist([]) }).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('webhook-private-address');
  });
});
