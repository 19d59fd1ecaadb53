/**
 * The built-in one-page site, filled with the business details (every value escaped). The page's
 * <title> is the business name: the live check expects it.
 */
import { html, htmlString, joinHtml } from '../../core/html.js';
import type { SiteSpec } from './order-validation.js';

export interface SiteDetails {
  businessName: string;
  domain: string;
  contactEmail: string;
  site: Extract<SiteSpec, { kind: 'template' }>;
}

export function siteTitle(businessName: string): string {
  return businessName.trim();
}

export function renderTemplateSite(d: SiteDetails): Record<string, string> {
  const accent = d.site.accentColor ?? '#2563eb';
  const contact = [
    d.site.phone ? html`<li>Téléphone : <a href="tel:${d.site.phone.replace(/[^+\d]/g, '')}">${d.site.phone}</a></li>` : html``,
    html`<li>Email : <a href="mailto:${d.contactEmail}">${d.contactEmail}</a></li>`,
    d.site.address || d.site.city ? html`<li>Adresse : ${[d.site.address, d.site.city].filter(Boolean).join(', ')}</li>` : html``,
  ];
  const paragraphs = (d.site.description ?? '')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${p}</p>`);
  const page = html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${siteTitle(d.businessName)}</title>
<meta name="description" content="${d.site.tagline ?? d.businessName}">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><h1>${d.businessName}</h1>${d.site.tagline ? html`<p class="tagline">${d.site.tagline}</p>` : ''}</header>
<main>
${paragraphs.length ? joinHtml(paragraphs, '\n') : html`<p>Bienvenue chez ${d.businessName}.</p>`}
<section class="contact"><h2>Nous contacter</h2><ul>${joinHtml(contact, '')}</ul></section>
</main>
<footer><p>&copy; ${d.businessName} — ${d.domain}</p></footer>
</body>
</html>
`;
  const css = `:root { --accent: ${accent}; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; line-height: 1.6; }
header { background: var(--accent); color: #fff; padding: 4rem 1.5rem; text-align: center; }
header h1 { margin: 0; font-size: 2.5rem; }
.tagline { font-size: 1.25rem; opacity: .9; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.5rem; }
.contact ul { list-style: none; padding: 0; }
.contact a { color: var(--accent); }
footer { text-align: center; padding: 2rem; color: #7b8794; font-size: .875rem; }
`;
  return { 'index.html': htmlString(page), 'style.css': css };
}
