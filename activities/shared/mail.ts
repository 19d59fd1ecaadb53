/** Outgoing email over SMTP (nodemailer), configured from SMTP_URL / MAIL_FROM. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../core/config.js';

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** Stable id (from the outbox key) so a resend after a crash is recognisable as the same mail. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(msg: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
  const transport: Transporter = nodemailer.createTransport(config.SMTP_URL, { from: config.MAIL_FROM });
  return {
    async send(msg) {
      const info = await transport.sendMail({
        from: config.MAIL_FROM,
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
        messageId: msg.messageId,
        headers: msg.headers,
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
