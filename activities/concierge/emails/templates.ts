/**
 * Every email of a concierge order, HTML + plain text, French by default (English available).
 * Every value from the order is escaped in the HTML part; links are rendered only if http(s).
 */
import { html, joinHtml } from '../../../core/html.js';
import { button, layout } from './html.js';

export type EmailKind =
  'received' | 'payment-link' | 'payment-received' | 'in-progress' | 'delivered' | 'failed' | 'refunded' | 'alternatives' | 'cancelled' | 'operator-alert';

export type Locale = 'fr' | 'en';

export interface EmailData {
  orderId: string;
  businessName: string;
  domain: string;
  /** checkout link (payment-link), the live site (delivered) */
  url?: string;
  amountCents?: number;
  currency?: string;
  alternatives?: string[];
  /** why it failed / was cancelled / the operator is alerted */
  reason?: string;
  /** ISO dates */
  eta?: string;
  deadline?: string;
  expiresAt?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function money(cents: number | undefined, currency: string | undefined, locale: Locale): string {
  if (cents === undefined) return '';
  return new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: (currency ?? 'eur').toUpperCase() }).format(cents / 100);
}

function when(iso: string | undefined, locale: Locale): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(
    new Date(iso),
  );
}

interface Parts {
  subject: string;
  title: string;
  paragraphs: string[];
  list?: string[];
  action?: { href: string; label: string };
}

const FR: Record<EmailKind, (d: EmailData) => Parts> = {
  received: (d) => ({
    subject: `Commande reçue : ${d.domain}`,
    title: 'Votre demande est bien reçue',
    paragraphs: [
      `Bonjour, nous avons bien reçu la commande de ${d.businessName} (n° ${d.orderId}).`,
      `Nous vérifions la disponibilité de ${d.domain}, puis nous vous envoyons le lien de paiement.`,
    ],
  }),
  'payment-link': (d) => ({
    subject: `Lien de paiement pour ${d.domain}`,
    title: 'Votre lien de paiement sécurisé',
    paragraphs: [
      `Le domaine ${d.domain} est disponible. Montant : ${money(d.amountCents, d.currency, 'fr')}.`,
      `Dès réception du paiement, votre site est mis en ligne en 2 à 4 heures.${d.expiresAt ? ` Ce lien expire le ${when(d.expiresAt, 'fr')}.` : ''}`,
    ],
    action: d.url ? { href: d.url, label: 'Payer maintenant' } : undefined,
  }),
  'payment-received': (d) => ({
    subject: `Paiement reçu : ${d.domain}`,
    title: 'Paiement reçu, merci !',
    paragraphs: [
      `Nous avons reçu votre paiement de ${money(d.amountCents, d.currency, 'fr')} pour ${d.domain}.`,
      `La mise en ligne démarre maintenant.${d.deadline ? ` Livraison garantie avant le ${when(d.deadline, 'fr')}.` : ''}`,
    ],
  }),
  'in-progress': (d) => ({
    subject: `Mise en ligne en cours : ${d.domain}`,
    title: 'Votre domaine est enregistré',
    paragraphs: [
      `Le domaine ${d.domain} est enregistré à votre nom. Nous configurons le DNS, l’hébergement et le certificat HTTPS.`,
      d.eta ? `Mise en ligne prévue vers le ${when(d.eta, 'fr')}.` : 'Nous vous écrivons dès que le site est en ligne.',
    ],
  }),
  delivered: (d) => ({
    subject: `Votre site est en ligne : ${d.domain}`,
    title: 'Votre site est en ligne !',
    paragraphs: [
      `Le site de ${d.businessName} est accessible en HTTPS à l’adresse ${d.url ?? `https://${d.domain}`}.`,
      'Nous surveillons sa disponibilité et renouvelons son certificat automatiquement.',
    ],
    action: { href: d.url ?? `https://${d.domain}`, label: 'Voir mon site' },
  }),
  failed: (d) => ({
    subject: `Un problème est survenu : ${d.domain}`,
    title: 'Nous n’avons pas pu terminer votre commande',
    paragraphs: [
      `La commande ${d.orderId} pour ${d.domain} a échoué${d.reason ? ` : ${d.reason}` : ''}.`,
      'Votre paiement vous est remboursé intégralement ; vous recevrez une confirmation.',
    ],
  }),
  refunded: (d) => ({
    subject: `Remboursement effectué : ${d.domain}`,
    title: 'Votre remboursement est en cours',
    paragraphs: [
      `Nous avons remboursé ${money(d.amountCents, d.currency, 'fr')} pour la commande ${d.orderId}.`,
      'Le montant apparaîtra sur votre compte sous 5 à 10 jours ouvrés.',
    ],
  }),
  alternatives: (d) => ({
    subject: `${d.domain} n’est pas disponible : nos propositions`,
    title: 'Ce domaine est déjà pris',
    paragraphs: [`Le domaine ${d.domain} n’est pas disponible. Voici des noms libres pour ${d.businessName} :`],
    list: d.alternatives ?? [],
    ...(d.url ? { action: { href: d.url, label: 'Choisir mon domaine' } } : {}),
  }),
  cancelled: (d) => ({
    subject: `Commande annulée : ${d.domain}`,
    title: 'Votre commande est annulée',
    paragraphs: [
      `La commande ${d.orderId} pour ${d.domain} est annulée${d.reason ? ` : ${d.reason}` : ''}.`,
      'Aucun montant n’a été prélevé. Vous pouvez passer une nouvelle commande à tout moment.',
    ],
  }),
  'operator-alert': (d) => ({
    subject: `[concierge] ${d.orderId} ${d.domain} : ${d.reason ?? 'intervention requise'}`,
    title: 'Intervention requise',
    paragraphs: [
      `Commande ${d.orderId} (${d.businessName}, ${d.domain}).`,
      `Motif : ${d.reason ?? 'inconnu'}.`,
      ...(d.deadline ? [`Échéance SLA : ${when(d.deadline, 'fr')}.`] : []),
    ],
  }),
};

const EN: Record<EmailKind, (d: EmailData) => Parts> = {
  received: (d) => ({
    subject: `Order received: ${d.domain}`,
    title: 'We have your order',
    paragraphs: [`We received ${d.businessName}'s order (${d.orderId}).`, `We are checking ${d.domain}; the payment link follows.`],
  }),
  'payment-link': (d) => ({
    subject: `Payment link for ${d.domain}`,
    title: 'Your secure payment link',
    paragraphs: [
      `${d.domain} is available. Amount: ${money(d.amountCents, d.currency, 'en')}.`,
      `Your site goes live 2–4 hours after payment.${d.expiresAt ? ` This link expires on ${when(d.expiresAt, 'en')}.` : ''}`,
    ],
    action: d.url ? { href: d.url, label: 'Pay now' } : undefined,
  }),
  'payment-received': (d) => ({
    subject: `Payment received: ${d.domain}`,
    title: 'Payment received, thank you!',
    paragraphs: [
      `We received ${money(d.amountCents, d.currency, 'en')} for ${d.domain}.`,
      `Publishing starts now.${d.deadline ? ` Delivery by ${when(d.deadline, 'en')}.` : ''}`,
    ],
  }),
  'in-progress': (d) => ({
    subject: `Going live: ${d.domain}`,
    title: 'Your domain is registered',
    paragraphs: [
      `${d.domain} is registered. We are setting up DNS, hosting and HTTPS.`,
      d.eta ? `Expected live around ${when(d.eta, 'en')}.` : 'We will write as soon as it is live.',
    ],
  }),
  delivered: (d) => ({
    subject: `Your site is live: ${d.domain}`,
    title: 'Your site is live!',
    paragraphs: [`${d.businessName}'s site is live at ${d.url ?? `https://${d.domain}`}.`],
    action: { href: d.url ?? `https://${d.domain}`, label: 'See my site' },
  }),
  failed: (d) => ({
    subject: `A problem occurred: ${d.domain}`,
    title: 'We could not complete your order',
    paragraphs: [`Order ${d.orderId} for ${d.domain} failed${d.reason ? `: ${d.reason}` : ''}.`, 'Your payment is being refunded in full.'],
  }),
  refunded: (d) => ({
    subject: `Refund issued: ${d.domain}`,
    title: 'Your refund is on its way',
    paragraphs: [`We refunded ${money(d.amountCents, d.currency, 'en')} for order ${d.orderId}.`],
  }),
  alternatives: (d) => ({
    subject: `${d.domain} is taken: our suggestions`,
    title: 'That domain is taken',
    paragraphs: [`${d.domain} is not available. These names are free for ${d.businessName}:`],
    list: d.alternatives ?? [],
  }),
  cancelled: (d) => ({
    subject: `Order cancelled: ${d.domain}`,
    title: 'Your order is cancelled',
    paragraphs: [`Order ${d.orderId} for ${d.domain} is cancelled${d.reason ? `: ${d.reason}` : ''}.`, 'Nothing was charged.'],
  }),
  'operator-alert': (d) => ({
    subject: `[concierge] ${d.orderId} ${d.domain}: ${d.reason ?? 'attention needed'}`,
    title: 'Attention needed',
    paragraphs: [`Order ${d.orderId} (${d.businessName}, ${d.domain}).`, `Reason: ${d.reason ?? 'unknown'}.`],
  }),
};

const FOOTER: Record<Locale, string> = {
  fr: 'Atelier — conciergerie web. Ce message est envoyé automatiquement ; répondez-y pour joindre notre équipe.',
  en: 'Atelier — web concierge. This message is sent automatically; reply to reach our team.',
};

export function renderEmail(kind: EmailKind, data: EmailData, locale: Locale = 'fr'): RenderedEmail {
  const parts = (locale === 'en' ? EN : FR)[kind](data);
  const htmlParas = joinHtml(
    parts.paragraphs.map((p) => html`<p style="line-height:1.5">${p}</p>`),
    '\n',
  );
  const htmlList = parts.list?.length
    ? html`<ul>${joinHtml(
        parts.list.map((i) => html`<li><strong>${i}</strong></li>`),
        '',
      )}</ul>`
    : '';
  const htmlAction = parts.action ? button(parts.action.href, parts.action.label) : '';
  const text = [
    parts.title,
    '',
    ...parts.paragraphs,
    ...(parts.list?.length ? ['', ...parts.list.map((i) => `  - ${i}`)] : []),
    ...(parts.action ? ['', `${parts.action.label}${locale === 'fr' ? ' : ' : ': '}${parts.action.href}`] : []),
    '',
    '--',
    FOOTER[locale],
  ].join('\n');
  return {
    subject: parts.subject,
    text,
    html: layout({ lang: locale, title: parts.title, body: html`${htmlParas}${htmlList}${htmlAction}`, footer: FOOTER[locale] }),
  };
}
