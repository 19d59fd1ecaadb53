/** Listing drafts for watches tests. */
import type { ListingDraft } from '../../../activities/watches/extract/types.js';

export function draft(over: Partial<ListingDraft> & { sourceUrl: string }): ListingDraft {
  return {
    title: 'Appartement 3 pièces',
    price: 450_000,
    transaction: 'sale',
    surface: 75,
    rooms: 3,
    bedrooms: 2,
    propertyType: 'apartment',
    postalCode: '75015',
    city: 'Paris',
    description: 'Bel appartement lumineux avec balcon, proche métro.',
    photos: [],
    features: ['balcony'],
    quality: 0.8,
    ...over,
  };
}
