/** Property types from French (and common English) words, schema.org types and free-form type values; studios. */
import type { PropertyType } from '../types.js';
import { fold } from './fold.js';

const TYPE_WORDS: Array<[RegExp, PropertyType]> = [
  [
    /\b(appartements?|apparts?|studios?|studette|lofts?|duplex|triplex|penthouse|rez[- ]de[- ]jardin|chambre de service|flat|apartments?|condo)\b/g,
    'apartment',
  ],
  [/(?:^|[^a-z0-9])[tf]\s?[1-9](?:\s?bis)?(?![a-z0-9])/g, 'apartment'],
  [
    /\b(maisons?|villas?|pavillons?|proprietes?|mas|longeres?|chalets?|demeures?|chateaux?|chateau|bastides?|bastidons?|farmhouses?|manor|mansion|fermettes?|corps de ferme|ferme|manoir|maison de ville|echoppe|houses?|cottage|bungalow)\b/g,
    'house',
  ],
  [/\b(terrains?|parcelles?|terrain a batir|lots? a batir|land|building plots?|plots?)\b/g, 'land'],
  [
    /\b(locaux commerciaux|local commercial|locaux|local professionnel|commerces?|fonds de commerce|boutiques?|bureaux?|entrepots?|murs commerciaux|cellule commerciale|shop|office|retail|warehouse)\b/g,
    'commercial',
  ],
  [/\b(parkings?|garages?|box|stationnement|place de parking|emplacement de parking|parking space)\b/g, 'parking'],
  [/\b(immeubles?|peniche|viager|batiment|building)\b/g, 'other'],
];

/**
 * The property type named first in the text: "Maison avec garage" is a house, "Appartement T3 avec
 * parking" an apartment. Call it on the title before the description.
 */
export function parsePropertyType(text: string | undefined | null): PropertyType | undefined {
  if (!text) return undefined;
  const f = fold(String(text));
  let best: { at: number; type: PropertyType } | undefined;
  for (const [re, type] of TYPE_WORDS) {
    re.lastIndex = 0;
    const m = re.exec(f);
    if (m && (!best || m.index < best.at)) best = { at: m.index, type };
  }
  return best?.type;
}

/** A studio (or studette): an apartment of one room, named so in its title. */
export function isStudio(text: string | undefined | null): boolean {
  return !!text && /\b(studios?|studette)\b/.test(fold(String(text)));
}

/** Map a free-form type value (schema.org @type, Shopify product_type, a select value) to ours. */
export function mapTypeName(value: string | undefined | null): PropertyType | undefined {
  if (!value) return undefined;
  const v = fold(String(value)).replace(/^https?:\/\/schema\.org\//, '');
  if (/^(apartment|apartmentcomplex)$/.test(v)) return 'apartment';
  if (/^(house|singlefamilyresidence)$/.test(v)) return 'house';
  return parsePropertyType(v);
}
