import { describe, expect, it } from 'vitest';
import { isValidLabel, normalizeDomain, splitDomain } from '../../../activities/concierge/domain-name.js';
import { nameWords, suggestAlternatives } from '../../../activities/concierge/domain-alternatives.js';

describe('normalizeDomain', () => {
  it('lower-cases, trims, drops the trailing dot', () => {
    expect(normalizeDomain('  Boulangerie-Martin.FR. ')).toBe('boulangerie-martin.fr');
  });
  it('converts IDN names to punycode', () => {
    expect(normalizeDomain('café-dupont.fr')).toBe('xn--caf-dupont-d7a.fr');
  });
  it.each([
    '',
    'localhost',
    'a..fr',
    '-abc.fr',
    'abc-.fr',
    'ab--cd.fr',
    'exa mple.fr',
    'http://x.fr',
    'x.f',
    'x.123',
    `${'a'.repeat(64)}.fr`,
    'a/b.fr',
    'user@x.fr',
  ])('refuses %j', (d) => {
    expect(normalizeDomain(d)).toBeNull();
  });
  it('labels', () => {
    expect(isValidLabel('xn--caf-dma')).toBe(true);
    expect(isValidLabel('a'.repeat(63))).toBe(true);
    expect(isValidLabel('a_b')).toBe(false);
    expect(splitDomain('mon-salon.co.uk')).toEqual({ sld: 'mon-salon', tld: 'co.uk' });
  });
});

describe('suggestAlternatives', () => {
  it('ranks the other TLDs first, in order, then hyphenation and short forms', () => {
    const alts = suggestAlternatives('boulangeriemartin.fr', 'Boulangerie Martin', { limit: 50 });
    const domains = alts.map((a) => a.domain);
    expect(domains.slice(0, 3)).toEqual(['boulangeriemartin.com', 'boulangeriemartin.eu', 'boulangeriemartin.net']);
    expect(domains[3]).toBe('boulangerie-martin.fr');
    expect(domains).toContain('bmartin.fr');
    expect(domains).toContain('monboulangeriemartin.fr');
    expect(domains).toContain('boulangeriemartin-pro.fr');
    expect(domains).not.toContain('boulangeriemartin.fr');
    expect(new Set(domains).size).toBe(domains.length);
    // every candidate is a valid name
    for (const d of domains) expect(normalizeDomain(d)).toBe(d);
    // scores are non-increasing
    for (let i = 1; i < alts.length; i++) expect(alts[i]!.score).toBeLessThanOrEqual(alts[i - 1]!.score);
  });

  it('removes hyphens from a hyphenated name and strips accents and stop words from the business name', () => {
    expect(nameWords("L'Atelier de la Pâtisserie & Co")).toEqual(['atelier', 'patisserie', 'co']);
    const alts = suggestAlternatives('patisserie-durand.com', 'Pâtisserie Durand').map((a) => a.domain);
    expect(alts[0]).toBe('patisserie-durand.fr');
    expect(alts).toContain('patisseriedurand.com');
  });

  it('keeps IDN names valid (punycode) and drops labels that would be too long', () => {
    const alts = suggestAlternatives('café.fr', 'Café').map((a) => a.domain);
    expect(alts[0]).toBe('xn--caf-dma.com');
    const long = `${'a'.repeat(60)}.fr`;
    for (const a of suggestAlternatives(long, `${'a'.repeat(60)} Boutique`, { limit: 50 })) expect(a.domain.split('.')[0]!.length).toBeLessThanOrEqual(63);
  });

  it('returns nothing for an invalid wanted domain, and honours the limit', () => {
    expect(suggestAlternatives('not a domain', 'X')).toEqual([]);
    expect(suggestAlternatives('garage-dupont.fr', 'Garage Dupont', { limit: 2 })).toHaveLength(2);
  });
});
