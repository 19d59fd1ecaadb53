import { describe, expect, it } from 'vitest';
import { renderEmail, type EmailKind } from '../../../activities/concierge/emails/templates.js';
import { renderTemplateSite } from '../../../activities/concierge/site-template.js';

const data = { orderId: 'ord_1', businessName: 'Chez <Léa> & "Fils"', domain: 'chez-lea.fr', amountCents: 59_900, currency: 'eur' };
const KINDS: EmailKind[] = [
  'received',
  'payment-link',
  'payment-received',
  'in-progress',
  'delivered',
  'failed',
  'refunded',
  'alternatives',
  'cancelled',
  'operator-alert',
];

describe('concierge emails', () => {
  it.each(KINDS)('%s renders French HTML + text with every value escaped', (kind) => {
    const m = renderEmail(kind, { ...data, url: 'https://checkout.stripe.com/c/pay/cs_1', alternatives: ['chez-lea.com'], reason: 'x <script>' });
    expect(m.subject.length).toBeGreaterThan(5);
    expect(m.html).toContain('<html lang="fr">');
    expect(m.html).not.toContain('<Léa>');
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain('Atelier');
    expect(m.text).not.toContain('&lt;');
  });

  it.each(KINDS)('%s escapes a hostile business name, reason, alternative and link (& < > " \') in both languages', (kind) => {
    const evil = '<script>alert("x")</script> & Cie';
    const hostile = { ...data, businessName: evil, orderId: 'ord_"1"', url: 'https://pay.example/?a=1&b="2"', alternatives: [evil], reason: evil };
    for (const locale of ['fr', 'en'] as const) {
      const m = renderEmail(kind, hostile, locale);
      expect(m.html).not.toContain('<script>');
      expect(m.html).not.toContain('"2"');
      if (m.text.includes(evil)) expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie');
      if (m.text.includes('Order ord_"1"') || m.text.includes('ord_"1"')) expect(m.html).toContain('ord_&quot;1&quot;');
      if (m.text.includes(hostile.url)) expect(m.html).toContain('https://pay.example/?a=1&amp;b=%222%22');
    }
  });

  it('payment link carries the amount in euros and the link, in both parts', () => {
    const m = renderEmail('payment-link', { ...data, url: 'https://checkout.stripe.com/c/pay/cs_1' });
    expect(m.subject).toBe('Lien de paiement pour chez-lea.fr');
    expect(m.text).toMatch(/599,00\s€/);
    expect(m.text).toContain('Payer maintenant : https://checkout.stripe.com/c/pay/cs_1');
    expect(m.html).toContain('href="https://checkout.stripe.com/c/pay/cs_1"');
  });

  it('never renders a non-http link as a link', () => {
    const m = renderEmail('payment-link', { ...data, url: 'javascript:alert(1)' });
    expect(m.html).not.toContain('href="javascript');
  });

  it('lists the alternatives and speaks English on request', () => {
    const fr = renderEmail('alternatives', { ...data, alternatives: ['chez-lea.com', 'chez-lea.eu'] });
    expect(fr.text).toContain('  - chez-lea.com\n  - chez-lea.eu');
    expect(fr.html).toContain('<li><strong>chez-lea.eu</strong></li>');
    const en = renderEmail('delivered', { ...data, url: 'https://chez-lea.fr/' }, 'en');
    expect(en.subject).toBe('Your site is live: chez-lea.fr');
    expect(en.text).toContain('See my site: https://chez-lea.fr/');
  });
});

describe('template site', () => {
  it('fills the page with the escaped business details; the title is the business name', () => {
    const files = renderTemplateSite({
      businessName: 'Chez <Léa>',
      domain: 'chez-lea.fr',
      contactEmail: 'lea@chez-lea.fr',
      site: { kind: 'template', tagline: 'Pains & "gâteaux"', description: 'Para 1\n\nPara <b>2</b>', phone: '+33 6 12 34 56 78', accentColor: '#aa3300' },
    });
    expect(Object.keys(files).sort()).toEqual(['index.html', 'style.css']);
    const html = files['index.html']!;
    expect(html).toContain('<title>Chez &lt;Léa&gt;</title>');
    expect(html).toContain('<p>Para &lt;b&gt;2&lt;/b&gt;</p>');
    expect(html).toContain('href="tel:+33612345678"');
    expect(html).toContain('Pains &amp; &quot;gâteaux&quot;');
    expect(files['style.css']).toContain('--accent: #aa3300');
  });

  it('escapes hostile values in every slot of the page: name, tagline, email, phone, address', () => {
    const evil = `<script>alert('x')</script> & "Fils"`;
    const page = renderTemplateSite({
      businessName: evil,
      domain: 'chez-lea.fr',
      contactEmail: 'a"><script>@x.fr',
      site: { kind: 'template', tagline: evil, phone: '+33 <1>', address: evil, city: 'Paris & <b>' },
    })['index.html']!;
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('mailto:a"');
    expect(page).toContain('<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Fils&quot;</title>');
    expect(page).toContain('<meta name="description" content="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Fils&quot;">');
    expect(page).toContain('href="mailto:a&quot;&gt;&lt;script&gt;@x.fr"');
    expect(page).toContain('Paris &amp; &lt;b&gt;');
    expect(page).toContain('<p>Bienvenue chez &lt;script&gt;');
  });
});
