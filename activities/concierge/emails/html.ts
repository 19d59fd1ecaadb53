/** The shared email layout and link button. */
import { html, htmlString, type HtmlTemplate } from '../../../core/html.js';

/** Only http(s) links are rendered as links; anything else is shown as text. */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** The page around an email's body; every text value is escaped, `body` is a template already. */
export function layout(opts: { lang: string; title: string; body: HtmlTemplate; footer: string }): string {
  return htmlString(html`<!doctype html>
<html lang="${opts.lang}"><head><meta charset="utf-8"><title>${opts.title}</title></head>
<body style="margin:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:8px;padding:32px">
<tr><td><h1 style="font-size:22px;margin:0 0 16px">${opts.title}</h1>
${opts.body}
<p style="font-size:12px;color:#7b8794;margin-top:32px">${opts.footer}</p></td></tr>
</table></td></tr></table></body></html>`);
}

export function button(href: string, label: string): HtmlTemplate {
  const safe = safeHref(href);
  if (!safe) return html`<p>${label}: ${href}</p>`;
  return html`<p style="margin:24px 0"><a href="${safe}" style="background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none">${label}</a></p>`;
}
