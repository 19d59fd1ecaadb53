/** Notification content (pure): listing emails (HTML + text), digests, webhook bodies, generic-watch changes. */
import { html, htmlString, joinHtml } from '../../../core/html.js';

export interface ListingSummary {
  id: number;
  title: string;
  price: number | null;
  surface: number | null;
  rooms: number | null;
  postalCode: string | null;
  city: string | null;
  sourceUrl: string;
}

export type AlertEvent = { kind: 'new' } | { kind: 'price_drop'; oldPrice: number; newPrice: number };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export const euros = (n: number | null) => (n === null ? 'prix non communiqué' : `${n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ')} €`);

function facts(l: ListingSummary): string {
  return [
    l.surface !== null ? `${l.surface} m²` : null,
    l.rooms !== null ? `${l.rooms} pièce${l.rooms > 1 ? 's' : ''}` : null,
    [l.postalCode, l.city].filter(Boolean).join(' ') || null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function eventLine(e: AlertEvent): string {
  return e.kind === 'new' ? 'Nouvelle annonce' : `Baisse de prix : ${euros(e.oldPrice)} → ${euros(e.newPrice)}`;
}

function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function renderListingMail(alertName: string, l: ListingSummary, e: AlertEvent, unsubscribeUrl: string): RenderedMail {
  const head = eventLine(e);
  const subject = `${e.kind === 'new' ? 'Nouvelle annonce' : 'Baisse de prix'} · ${l.title} · ${euros(l.price)}`.slice(0, 200);
  const text = [`${head} pour votre alerte « ${alertName} »`, '', l.title, euros(l.price), facts(l), l.sourceUrl, '', `Se désabonner : ${unsubscribeUrl}`].join(
    '\n',
  );
  const body = html`<!doctype html><html><body style="font-family:sans-serif">
<p>${head} pour votre alerte « ${alertName} »</p>
<h2><a href="${l.sourceUrl}">${l.title}</a></h2>
<p><strong>${euros(l.price)}</strong><br>${facts(l)}</p>
<p style="font-size:small;color:#666"><a href="${unsubscribeUrl}">Se désabonner</a></p>
</body></html>`;
  return { subject, text, html: htmlString(body), headers: unsubscribeHeaders(unsubscribeUrl) };
}

export function renderDigestMail(alertName: string, items: Array<{ listing: ListingSummary; event: AlertEvent }>, unsubscribeUrl: string): RenderedMail {
  const subject = `${items.length} annonce${items.length > 1 ? 's' : ''} pour « ${alertName} »`.slice(0, 200);
  const text = [
    `Votre résumé quotidien pour l'alerte « ${alertName} » :`,
    '',
    ...items.flatMap(({ listing, event }) => [
      `- ${eventLine(event)} · ${listing.title} · ${euros(listing.price)} · ${facts(listing)}`,
      `  ${listing.sourceUrl}`,
    ]),
    '',
    `Se désabonner : ${unsubscribeUrl}`,
  ].join('\n');
  const rows = items.map(
    ({ listing, event }) =>
      html`<li><a href="${listing.sourceUrl}">${listing.title}</a> · <strong>${euros(listing.price)}</strong> · ${facts(listing)}<br><small>${eventLine(event)}</small></li>`,
  );
  const body = html`<!doctype html><html><body style="font-family:sans-serif">
<p>Votre résumé quotidien pour l'alerte « ${alertName} » :</p>
<ul>
${joinHtml(rows, '\n')}
</ul>
<p style="font-size:small;color:#666"><a href="${unsubscribeUrl}">Se désabonner</a></p>
</body></html>`;
  return { subject, text, html: htmlString(body), headers: unsubscribeHeaders(unsubscribeUrl) };
}

export function listingWebhookBody(alertId: number, l: ListingSummary & Record<string, unknown>, e: AlertEvent) {
  return {
    type: e.kind === 'new' ? 'listing.new' : 'listing.price_drop',
    alertId,
    listing: l,
    ...(e.kind === 'price_drop' ? { priceOld: e.oldPrice, priceNew: e.newPrice } : {}),
  };
}

export function renderGenericChangeMail(name: string, url: string, diff: { summary: string; added: string[]; removed: string[] }): RenderedMail {
  const subject = `Changement détecté · ${name}`.slice(0, 200);
  const text = [
    `La page surveillée « ${name} » a changé : ${diff.summary}`,
    url,
    '',
    ...diff.added.map((a) => `+ ${a}`),
    ...diff.removed.map((r) => `- ${r}`),
  ].join('\n');
  const body = html`<!doctype html><html><body style="font-family:sans-serif">
<p>La page surveillée « <a href="${url}">${name}</a> » a changé : ${diff.summary}</p>
<ul>${diff.added.map((a) => html`<li style="color:#060">+ ${a}</li>`)}${diff.removed.map((r) => html`<li style="color:#a00">- ${r}</li>`)}</ul>
</body></html>`;
  return { subject, text, html: htmlString(body), headers: {} };
}
