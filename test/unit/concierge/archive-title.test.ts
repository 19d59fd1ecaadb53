/** The live check's expected title for an uploaded site: its index.html's <title>, read by cheerio. */
import { describe, expect, it } from 'vitest';
import { archiveTitle } from '../../../activities/concierge/delivery-activities.js';

describe('archiveTitle', () => {
  it('reads the first <title>, every entity decoded and spaces collapsed', () => {
    expect(archiveTitle('<html><head><TITLE lang="fr">  Dupont &amp; Fils\n  &ndash; Plomberie &#x27;24h&#x27; </TITLE></head></html>')).toBe(
      "Dupont & Fils – Plomberie '24h'",
    );
    expect(archiveTitle('<title>A</title><title>B</title>')).toBe('A');
  });
  it('answers null without a title, and never throws on garbage', () => {
    expect(archiveTitle('<html><body><h1>Sans titre</h1></body></html>')).toBeNull();
    expect(archiveTitle('')).toBeNull();
    expect(archiveTitle('<<<\u0000 <title')).toBeNull();
  });
});
