/** Saved-search criteria and their validation (what `/v1/alerts` accepts). */
import { z } from 'zod';
import { isPostalCode } from '../extract/french/postal.js';
import type { ListingDraft, ListingStatus, PropertyType, TransactionType } from '../extract/types.js';

export const PROPERTY_TYPES = ['apartment', 'house', 'land', 'commercial', 'parking', 'other'] as const satisfies readonly PropertyType[];
export const TRANSACTIONS = ['sale', 'rent'] as const satisfies readonly TransactionType[];

export interface AlertCriteria {
  priceMin?: number;
  priceMax?: number;
  surfaceMin?: number;
  surfaceMax?: number;
  propertyTypes?: PropertyType[];
  roomsMin?: number;
  roomsMax?: number;
  /** 5-digit postal codes, or 2-digit département prefixes ("75" = all of Paris). */
  postalCodes?: string[];
  cities?: string[];
  /** Every keyword must appear (word prefix, accent- and case-insensitive); "-word" excludes. */
  keywords?: string[];
  transaction?: TransactionType;
}

/**
 * The listing fields matching and comparison look at; a ListingDraft or a stored row mapped back.
 * A status other than `active` (under offer, sold, removed) matches no alert.
 */
export type ListingLike = Partial<
  Pick<
    ListingDraft,
    | 'sourceUrl'
    | 'title'
    | 'price'
    | 'transaction'
    | 'surface'
    | 'rooms'
    | 'bedrooms'
    | 'bathrooms'
    | 'propertyType'
    | 'address'
    | 'postalCode'
    | 'city'
    | 'description'
    | 'features'
  >
> & { status?: ListingStatus | 'removed' };

const DEPARTEMENT = /^(0[1-9]|[1-8]\d|9[0-8])$/;
const amount = z.number().finite().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const AlertCriteriaSchema: z.ZodType<AlertCriteria> = z
  .object({
    priceMin: amount.optional(),
    priceMax: amount.optional(),
    surfaceMin: amount.optional(),
    surfaceMax: amount.optional(),
    propertyTypes: z.array(z.enum(PROPERTY_TYPES)).max(PROPERTY_TYPES.length).optional(),
    roomsMin: z.number().int().nonnegative().max(100).optional(),
    roomsMax: z.number().int().nonnegative().max(100).optional(),
    postalCodes: z
      .array(
        z
          .string()
          .trim()
          .max(5)
          .refine((s) => isPostalCode(s) || DEPARTEMENT.test(s), { message: 'a 5-digit postal code or a 2-digit département' }),
      )
      .max(500)
      .optional(),
    cities: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
    keywords: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(100)
          .refine((s) => s.replace(/^-/, '').trim().length > 0, { message: 'empty keyword' }),
      )
      .max(50)
      .optional(),
    transaction: z.enum(TRANSACTIONS).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [min, max] of [
      ['priceMin', 'priceMax'],
      ['surfaceMin', 'surfaceMax'],
      ['roomsMin', 'roomsMax'],
    ] as const) {
      const lo = c[min];
      const hi = c[max];
      if (lo !== undefined && hi !== undefined && lo > hi) ctx.addIssue({ code: 'custom', path: [min], message: `${min} must not exceed ${max}` });
    }
  });
