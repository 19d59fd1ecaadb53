import { describe, expect, it } from 'vitest';
import { unsubscribePage } from '../../api/routes/alerts.js';

describe('small API pages', () => {
  it('the unsubscribe page escapes its title and message', () => {
    const page = unsubscribePage(`<script>alert('x')</script> & "q"`, 'a < b & "c"');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</title>');
    expect(page).toContain('<p>a &lt; b &amp; &quot;c&quot;</p>');
    expect(unsubscribePage('Désabonnement confirmé', 'Vous ne recevrez plus de messages pour cette alerte.')).toBe(
      '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Désabonnement confirmé</title></head><body style="font-family:sans-serif"><h1>Désabonnement confirmé</h1><p>Vous ne recevrez plus de messages pour cette alerte.</p></body></html>',
    );
  });
});
