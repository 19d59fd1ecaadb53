/** Shapes shared by the extractors and the watch pipeline. Pure data, no behaviour. */

export type PropertyType = 'apartment' | 'house' | 'land' | 'commercial' | 'parking' | 'other';
export type TransactionType = 'sale' | 'rent';
/** Where a listing stands on the agency's site: still offered, under offer (compromis signé), or sold. */
export type ListingStatus = 'active' | 'under_offer' | 'sold';
/** What the price means: a starting price ("à partir de", new-build lots) or a price given on request (then no price). */
export type PriceQualifier = 'from' | 'on_request';

export interface ListingDraft {
  /** Absolute URL of the listing page (identity within a source). */
  sourceUrl: string;
  /** Agency reference if found. */
  externalId?: string;
  title: string;
  /** EUR, integer. */
  price?: number;
  transaction?: TransactionType;
  /** m² */
  surface?: number;
  rooms?: number;
  bedrooms?: number;
  bathrooms?: number;
  propertyType?: PropertyType;
  address?: string;
  postalCode?: string;
  city?: string;
  description?: string;
  photos: string[];
  features: string[];
  /** Under offer or sold when the page says so (badge, status text, schema.org SoldOut); active otherwise. */
  status?: ListingStatus;
  priceQualifier?: PriceQualifier;
  /** The struck-through former price shown next to a lowered one. */
  previousPrice?: number;
  /**
   * A finer type than `propertyType` can hold: 'studio' (an apartment of one room; the stored
   * property-type enum has no studio, so `propertyType` stays 'apartment').
   */
  propertySubtype?: 'studio';
  /** 0..1 data-quality score. */
  quality: number;
}

export type SiteFormat = 'wordpress' | 'wix' | 'shopify' | 'generic';

/** Known WordPress real-estate themes / plugins whose markup the extractor understands. */
export type WordPressTheme = 'houzez' | 'wpresidence' | 'realhomes' | 'estatik' | 'epl';

export interface ExtractSelectors {
  item?: string;
  title?: string;
  price?: string;
  surface?: string;
  rooms?: string;
  link?: string;
  nextPage?: string;
}

export interface ExtractOptions {
  selectors?: ExtractSelectors;
  /** Pages longer than this are cut before parsing (default 3,000,000 characters). */
  maxHtmlChars?: number;
}

export interface ExtractResult {
  format: SiteFormat;
  /** Listings found on this page (a detail page yields 1, a list page many). */
  listings: ListingDraft[];
  /** Absolute URLs of listing detail pages found on a list page. */
  listingLinks: string[];
  /** Pagination links (absolute, same host). */
  nextPages: string[];
  /** Page looks JS-rendered (empty app shell, __NEXT_DATA__ without content, Wix thunderbolt, noscript hints). */
  needsBrowser: boolean;
  warnings: string[];
  /** 'detail' when the page describes one listing, 'list' when it shows several cards, 'other' otherwise. */
  pageKind: 'detail' | 'list' | 'other';
  /** WordPress real-estate theme / plugin recognised from its markup, if any. */
  theme?: WordPressTheme;
}
