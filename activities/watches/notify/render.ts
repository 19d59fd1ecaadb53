/** Notification content (pure): listing emails (HTML + text), digests, webhook bodies, generic-watch changes. */

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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const euros = (n: number | null) => (n === null ? 'prix non communiqué' : `${n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ')} €`);

function facts(l: ListingSummary): string {
  return [l.surface !== null ? `${l.surface} m²` : null, l.rooms !== null ? `${l.rooms} pièce${l.rooms > 1 ? 's' : ''}` : null, [l.postalCode, l.city].filter(Boolean).join(' ') || null]
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
  const text = [
    `${head} pour votre alerte « ${alertName} »`,
    '',
    l.title,
    euros(l.price),
    facts(l),
    l.sourceUrl,
    '',
    `Se désabonner : ${unsubscribeUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${escapeHtml(head)} pour votre alerte « ${escapeHtml(alertName)} »</p>
<h2><a href="${escapeHtml(l.sourceUrl)}">${escapeHtml(l.title)}</a></h2>
<p><strong>${escapeHtml(euros(l.price))}</strong><br>${escapeHtml(facts(l))}</p>
<p style="font-size:small;color:#666"><a href="${escapeHtml(unsubscribeUrl)}">Se désabonner</a></p>
</body></html>`;
  return { subject, text, html, headers: unsubscribeHeaders(unsubscribeUrl) };
}

export function renderDigestMail(alertName: string, items: Array<{ listing: ListingSummary; event: AlertEvent }>, unsubscribeUrl: string): RenderedMail {
  const subject = `${items.length} annonce${items.length > 1 ? 's' : ''} pour « ${alertName} »`.slice(0, 200);
  const text = [
    `Votre résumé quotidien pour l'alerte « ${alertName} » :`,
    '',
    ...items.flatMap(({ listing, event }) => [`- ${eventLine(event)} · ${listing.title} · ${euros(listing.price)} · ${facts(listing)}`, `  ${listing.sourceUrl}`]),
    '',
    `Se désabonner : ${unsubscribeUrl}`,
  ].join('\n');
  const rows = items
    .map(
      ({ listing, event }) =>
        `<li><a href="${escapeHtml(listing.sourceUrl)}">${escapeHtml(listing.title)}</a> · <strong>${escapeHtml(euros(listing.price))}</strong> · ${escapeHtml(facts(listing))}<br><small>${escapeHtml(eventLine(event))}</small></li>`,
    )
    .join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Votre résumé quotidien pour l'alerte « ${escapeHtml(alertName)} » :</p>
<ul>
${rows}
</ul>
<p style="font-size:small;color:#666"><a href="${escapeHtml(unsubscribeUrl)}">Se désabonner</a></p>
</body></html>`;
  return { subject, text, html, headers: unsubscribeHeaders(unsubscribeUrl) };
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
  const text = [`La page surveillée « ${name} » a changé : ${diff.summary}`, url, '', ...diff.added.map((a) => `+ ${a}`), ...diff.removed.map((r) => `- ${r}`)].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>La page surveillée « <a href="${escapeHtml(url)}">${escapeHtml(name)}</a> » a changé : ${escapeHtml(diff.summary)}</p>
<ul>${diff.added.map((a) => `<li style="color:#060">+ ${escapeHtml(a)}</li>`).join('')}${diff.removed.map((r) => `<li style="color:#a00">- ${escapeHtml(r)}</li>`).join('')}</ul>
</body></html>`;
  return { subject, text, html, headers: {} };
}
