import { describe, expect, it } from 'vitest';
import { diffText, extractRegion } from '../../activities/watches/extract/text-diff.js';
import { readFixture } from '../support/watches-fixtures.js';

const v1 = readFixture('generic-watch/tarifs-v1.html');
const v2 = readFixture('generic-watch/tarifs-v2.html');

describe('extractRegion', () => {
  it('a CSS selector: one line per block, scripts and chrome outside the region left out', () => {
    expect(extractRegion(v1, '#tarifs')).toBe('Entretien\nVidange\n89 €\nPlaquettes de frein\n120 €\nGéométrie\n79 €\nTarifs au 1er novembre 2026');
  });
  it('the smallest block containing a text', () => {
    expect(extractRegion(v1, undefined, 'Plaquettes de frein')).toBe('Plaquettes de frein');
    expect(extractRegion(v1, undefined, 'Horaires')).toBe('Horaires');
    expect(extractRegion(v1, '#horaires', 'lundi')).toBe('Du lundi au vendredi, 8h-18h');
    expect(extractRegion(v1, undefined, 'introuvable')).toBe('');
  });
  it('the whole body without a selector, without scripts and styles', () => {
    const text = extractRegion(
      '<html><head><title>t</title><style>p{}</style></head><body><p>Un   deux</p><script>var x = 1;</script><div>trois</div></body></html>',
    );
    expect(text).toBe('Un deux\ntrois');
  });
  it('several matches in document order, nested ones once', () => {
    expect(extractRegion('<ul><li class="p">a<span class="p">b</span></li><li class="p">c</li></ul>', '.p')).toBe('ab\nc');
  });
  it.each([
    ['', '#x'],
    ['garbage \u0000 <<<', '#x'],
    ['<p>x</p>', 'p[[['],
  ])('never throws on %j with %j', (html, sel) => {
    expect(extractRegion(html, sel)).toBe('');
  });
});

describe('diffText', () => {
  it('names the changed lines of the watched region only', () => {
    const d = diffText(extractRegion(v1, '#tarifs'), extractRegion(v2, '#tarifs'));
    expect(d.changed).toBe(true);
    expect(d.added).toEqual(['95 €', 'Climatisation', '69 €', 'Tarifs au 15 novembre 2026']);
    expect(d.removed).toEqual(['89 €', 'Tarifs au 1er novembre 2026']);
    expect(d.summary).toBe('4 lines added, 2 lines removed: + "95 €"');
  });
  it('no change when only whitespace or volatile lines outside the region moved', () => {
    expect(diffText(extractRegion(v1, '#tarifs'), extractRegion(v1.replace('89 €', '  89   €  '), '#tarifs'))).toEqual({
      changed: false,
      added: [],
      removed: [],
      summary: 'no change',
    });
    expect(diffText('a\n\n b ', 'a\nb').changed).toBe(false);
  });
  it('reports removals and additions with line order respected', () => {
    expect(diffText('a\nb\nc', 'a\nc')).toMatchObject({ added: [], removed: ['b'], summary: '1 line removed: - "b"' });
    expect(diffText('a\nb', 'b\na')).toMatchObject({ changed: true });
    expect(diffText('', 'x')).toMatchObject({ added: ['x'], removed: [] });
  });
  it('handles big texts with a few edits exactly, in order', () => {
    const before = Array.from({ length: 50_000 }, (_v, i) => `ligne ${i}`).join('\n');
    const after = before.replace('ligne 10\n', '').replace('ligne 40000', 'ligne 40000 modifiée') + '\nfin';
    const d = diffText(before, after);
    expect(d.removed).toEqual(['ligne 10', 'ligne 40000']);
    expect(d.added).toEqual(['ligne 40000 modifiée', 'fin']);
  });
  it('texts too far apart for the edit budget still name every line that appeared and disappeared', () => {
    const before = Array.from({ length: 30_000 }, (_v, i) => `avant ${i}`);
    const after = Array.from({ length: 30_000 }, (_v, i) => (i % 2 ? `avant ${i}` : `après ${i}`));
    const d = diffText(before.join('\n'), after.join('\n'));
    expect(d.removed).toEqual(before.filter((_l, i) => i % 2 === 0));
    expect(d.added).toEqual(after.filter((_l, i) => i % 2 === 0));
  });
});
