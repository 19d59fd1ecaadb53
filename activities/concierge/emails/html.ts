/** The shared email layout and link button. */
import { escapeHtml } from '../../../core/html.js';

/** Only http(s) links are rendered as links; anything else is shown as text. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

export function layout(opts: { lang: string; title: string; bodyHtml: string; footer: string }): string {
  return `<!doctype html>
<html lang="${escapeHtml(opts.lang)}"><head><meta charset="utf-8"><title>${escapeHtml(opts.title)}</title></head>
<body style="margin:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;padding:32px">
<tr><td><h1 style="font-size:22px;margin:0 0 16px">${escapeHtml(opts.title)}</h1>
${opts.bodyHtml}
<p style="font-size:12px;color:#7b8794;margin-top:32px">${escapeHtml(opts.footer)}</p></td></tr>
</table></td></tr></table></body></html>`;
}

export function button(href: string, label: string): string {
  const safe = safeHref(href);
  if (!safe) return `<p>${escapeHtml(label)}: ${escapeHtml(href)}</p>`;
  return `<p style="margin:24px 0"><a href="${escapeHtml(safe)}" style="background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a></p>`;
}
