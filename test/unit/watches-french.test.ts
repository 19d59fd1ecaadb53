import { describe, expect, it } from 'vitest';
import { detectFeatures } from '../../activities/watches/extract/french/features.js';
import { parseCity, parsePostalCity, parsePostalCode } from '../../activities/watches/extract/french/postal.js';
import { detectTransaction, parsePrice, parsePriceInfo } from '../../activities/watches/extract/french/prices.js';
import { parsePropertyType } from '../../activities/watches/extract/french/property-types.js';
import { parseReference } from '../../activities/watches/extract/french/reference.js';
import { parseBathrooms, parseBedrooms, parseRooms, parseSurface } from '../../activities/watches/extract/french/surface-rooms.js';

describe('parsePrice', () => {
  it.each([
    ['450 000 €', 450_000],
    ['450\u00a0000\u00a0€', 450_000],
    ['450\u202f000 €', 450_000],
    ['1.250.000 EUR', 1_250_000],
    ['1 250 000,00 €', 1_250_000],
    ['Prix : 320 000 € FAI', 320_000],
    ['1 200 €/mois', 1_200],
    ['€265.000,00 EUR', 265_000],
    ['380 K€', 380_000],
    ['320000€', 320_000],
    ['Loyer 850 euros charges comprises', 850],
    ['Prix : 320 000 € FAI (honoraires 15 000 €)', 320_000],
  ])('%s → %d', (text, price) => expect(parsePrice(text)).toBe(price));

  it('needs a currency unless told the text is only a price', () => {
    expect(parsePrice('450000')).toBeUndefined();
    expect(parsePrice('450000', { allowBare: true })).toBe(450_000);
    expect(parsePrice('Prix : 450 000', { allowBare: true })).toBe(450_000);
    expect(parsePrice('Appartement 3 pièces 75011 Paris', { allowBare: true })).toBeUndefined();
  });
  it.each(['Prix sur demande', '', 'Nous consulter', '5 €', 'voir 12 m²', 'abc €'])('finds no price in %j', (text) => expect(parsePrice(text)).toBeUndefined());
  it('tolerates null and undefined', () => {
    expect(parsePrice(null)).toBeUndefined();
    expect(parsePrice(undefined)).toBeUndefined();
  });
});

describe('transaction', () => {
  it('reads rents from the wording, sales from FAI / honoraires, else from the amount', () => {
    expect(parsePriceInfo('1 200 €/mois')).toEqual({ price: 1200, transaction: 'rent' });
    expect(parsePriceInfo('Loyer : 950 € CC')).toEqual({ price: 950, transaction: 'rent' });
    expect(parsePriceInfo('Prix : 320 000 € FAI')).toEqual({ price: 320_000, transaction: 'sale' });
    expect(detectTransaction('', 650)).toBe('rent');
    expect(detectTransaction('', 185_000)).toBe('sale');
    expect(detectTransaction('à louer', 25_000)).toBe('rent');
    expect(detectTransaction('')).toBeUndefined();
  });
});

describe('surfaces, rooms, bedrooms, bathrooms', () => {
  it.each([
    ['75 m²', 75],
    ['75,5 m2', 75.5],
    ['75m2', 75],
    ['Surface habitable : 82 m² - terrain 500 m²', 82],
    ['Terrain de 1 200 m²', 1200],
    ['superficie 64 mètres carrés', 64],
    ['Surface : 88', 88],
  ])('surface %s → %d', (t, n) => expect(parseSurface(t)).toBe(n));
  it.each(['3 pièces', 'pas de surface', '12 000 €'])('no surface in %j', (t) => expect(parseSurface(t)).toBeUndefined());

  it.each([
    ['3 pièces', 3],
    ['T3', 3],
    ['F4', 4],
    ['Studio', 1],
    ['Appartement T2 bis', 2],
    ['trois pièces', 3],
    ['Maison 5p.', 5],
    ['Pièces : 6', 6],
    ['Chambres : 2 · Pièces : 4', 4],
  ])('rooms %s → %d', (t, n) => expect(parseRooms(t)).toBe(n));
  it.each(['Maison', 'T0X', 'Fête 2026', 'Route F45'])('no rooms in %j', (t) => expect(parseRooms(t)).toBeUndefined());

  it.each([
    ['2 chambres', 2],
    ['une chambre', 1],
    ['3 ch.', 3],
    ['Chambres : 4', 4],
    ['Chambres: 3 Salles de bain: 1', 3],
  ])('bedrooms %s → %d', (t, n) => expect(parseBedrooms(t)).toBe(n));
  it.each([
    ['1 salle de bains', 1],
    ["2 salles d'eau", 2],
    ['Salles de bain: 1 Chambres: 3', 1],
    ['Chambres: 3 Salles de bain: 1', 1],
  ])('bathrooms %s → %d', (t, n) => expect(parseBathrooms(t)).toBe(n));
});

describe('places', () => {
  it.each([
    ['75011 Paris', '75011', 'Paris'],
    ['12 rue X, 92200 Neuilly-sur-Seine', '92200', 'Neuilly-sur-Seine'],
    ['Lyon (69003)', '69003', 'Lyon'],
    ['78100 Saint-Germain-en-Laye', '78100', 'Saint-Germain-en-Laye'],
    ['13008 MARSEILLE', '13008', 'Marseille'],
    ["95290 L'Isle-Adam", '95290', "L'Isle-Adam"],
    ['69003 Lyon 3e arrondissement', '69003', 'Lyon'],
    ['33000 · Bordeaux · 2 pièces', '33000', 'Bordeaux'],
    ['06600 Antibes', '06600', 'Antibes'],
    ['94700 Maisons-Alfort', '94700', 'Maisons-Alfort'],
  ])('%s', (t, pc, city) => {
    expect(parsePostalCity(t)).toEqual({ postalCode: pc, city });
    expect(parsePostalCode(t)).toBe(pc);
    expect(parseCity(t)).toBe(city);
  });
  it('never takes a price or a 6-digit number for a postal code, nor a property word for a city', () => {
    expect(parsePostalCity('Prix 12500 €')).toEqual({});
    expect(parsePostalCity('Réf 750112')).toEqual({});
    expect(parsePostalCity('00123 Nulle part')).toEqual({});
    expect(parsePostalCity('75011 - Appartement T3')).toEqual({ postalCode: '75011' });
  });
});

describe('property types and features', () => {
  it.each([
    ['Maison avec garage', 'house'],
    ['Appartement T3 avec parking', 'apartment'],
    ['Villa', 'house'],
    ['terrain constructible', 'land'],
    ['Local commercial', 'commercial'],
    ['Place de parking', 'parking'],
    ['Studio meublé', 'apartment'],
    ['Loft', 'apartment'],
    ['Duplex', 'apartment'],
    ['Bel T3 lumineux', 'apartment'],
    ['Longère rénovée', 'house'],
    ['Bureaux 95 m²', 'commercial'],
    ['Garage fermé', 'parking'],
    ['Immeuble de rapport', 'other'],
  ])('%s → %s', (t, type) => expect(parsePropertyType(t)).toBe(type));
  it('finds nothing in unrelated text', () => expect(parsePropertyType('Nos horaires d’ouverture')).toBeUndefined());
  it('maps French amenity words to canonical keys', () => {
    expect(detectFeatures('Balcon, ascenseur, cave et place de parking')).toEqual(expect.arrayContaining(['balcony', 'elevator', 'cellar', 'parking']));
    expect(detectFeatures('rien')).toEqual([]);
  });
  it('reads agency references', () => {
    expect(parseReference('Réf. : AP-1234')).toBe('AP-1234');
    expect(parseReference('Réf. du bien : ADP-4302')).toBe('ADP-4302');
    expect(parseReference('Référence 58421')).toBe('58421');
    expect(parseReference('Mandat n° 2026-118')).toBe('2026-118');
    expect(parseReference('Référence client satisfait')).toBeUndefined();
  });
});

describe('places across lines', () => {
  it('a place never spans lines; an upper-case city ends where the case changes', () => {
    expect(parsePostalCity('Ville : 44000 NANTES\nHonoraires à la charge du vendeur')).toEqual({ postalCode: '44000', city: 'Nantes' });
    expect(parsePostalCity('44000 NANTES Honoraires inclus')).toEqual({ postalCode: '44000', city: 'Nantes' });
    expect(parsePostalCity('Tél. 01 02 03 04 05\n75011 Paris')).toEqual({ postalCode: '75011', city: 'Paris' });
  });
});
