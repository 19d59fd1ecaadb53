/**
 * CSS conventions of the WordPress real-estate themes / plugins seen on small agency sites (Houzez,
 * WP Residence, RealHomes, Estatik, Easy Property Listings), Wix repeaters and common French agency
 * markup. Lists are in priority order; the union is used, theme detection is only reported.
 */
import type { WordPressTheme } from './types.js';

export const THEME_MARKERS: Array<[WordPressTheme, RegExp]> = [
  ['houzez', /wp-content\/themes\/houzez|class="[^"]*\b(item-listing-wrap|houzez-)/i],
  ['wpresidence', /wp-content\/themes\/wpresidence|class="[^"]*\b(property_listing|wpestate_)/i],
  ['realhomes', /wp-content\/themes\/realhomes|class="[^"]*\b(rh_list_card|rh_prop_card|rh_page__)/i],
  ['estatik', /wp-content\/plugins\/estatik|class="[^"]*\b(es-listing|es-property)/i],
  ['epl', /wp-content\/plugins\/easy-property-listings|class="[^"]*\b(epl-listing|epl-property)/i],
];

export function detectTheme(html: string): WordPressTheme | undefined {
  for (const [theme, re] of THEME_MARKERS) if (re.test(html)) return theme;
  return undefined;
}

/** Listing cards on list pages. */
export const CARD = [
  '.item-listing-wrap', // Houzez
  '.property_listing',
  '.listing_wrapper > .property_listing', // WP Residence
  '.rh_list_card',
  '.rh_prop_card', // RealHomes
  '.es-listing',
  '.es-property', // Estatik
  '.epl-listing-post',
  '.epl-property-blog', // Easy Property Listings
  '[data-hook="product-list-grid-item"]',
  '.wixui-repeater__item', // Wix Stores / repeaters
  'article.property',
  '.property-card',
  '.listing-card',
  '.property-item',
  '.listing-item',
  '.annonce-item',
  '.card-bien',
  '.bien-item',
  'li.annonce',
  'article.annonce',
  '.annonce',
  '.bien',
].join(', ');

export const CARD_TITLE = [
  '.item-title',
  '.property-title',
  '.rh_list_card__details h3',
  '.rh_prop_card__details h3',
  '.es-listing__title',
  '.entry-title',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  '[class*="title"]',
  '[class*="titre"]',
  '[data-hook="product-item-name"]',
].join(', ');

export const CARD_PRICE = [
  '.item-price',
  '.listing_unit_price_wrapper',
  '.rh_price__price',
  '.es-price',
  '.page-price',
  '.price',
  '[data-hook="product-item-price-to-pay"]',
  '[data-hook="price"]',
  '[class*="price"]',
  '[class*="prix"]',
].join(', ');

export const CARD_ADDRESS = [
  '.item-address',
  '.property_location',
  '.rh_address',
  '.es-address',
  '.property-address',
  '.address',
  'address',
  '[class*="ville"]',
  '[class*="location"]',
  '[class*="localisation"]',
].join(', ');

export const FIELD = {
  bedrooms: [
    '.h-beds .hz-figure',
    '.infobath_unit_type',
    '.rh_meta_bedrooms .figure',
    '.es-bedrooms',
    '.epl-bedrooms',
    '[class*="bedroom"]',
    '[class*="chambre"]',
  ].join(', '),
  bathrooms: ['.h-baths .hz-figure', '.rh_meta_bathrooms .figure', '.es-bathrooms', '[class*="bathroom"]', '[class*="salle"]'].join(', '),
  surface: ['.h-area', '.infosize_unit_type', '.rh_meta_area', '.es-area', '.epl-area', '[class*="surface"]', '[class*="area"]'].join(', '),
  rooms: ['.h-rooms', '.inforoom_unit_type', '.rh_meta_rooms', '.es-rooms', '[class*="pieces"]', '[class*="rooms"]'].join(', '),
  type: ['.h-type', '.property_type', '.rh_meta_type', '.es-type', '.property-type', '[class*="type-bien"]'].join(', '),
};

/** Main region of a detail page. */
export const DETAIL_ROOT = [
  '#property-single',
  '.property-detail-v1',
  '.property-detail',
  '.single-property',
  '.property_single',
  '.es-property-single',
  '.epl-property-single',
  '.rh_property',
  '#wpestate_property_page',
  'main article',
  'article',
  'main',
  '[role="main"]',
  '#content',
  'body',
].join(', ');

export const DETAIL_TITLE = [
  '.page-title h1',
  'h1.entry-title',
  '.rh_page__title',
  '.es-property-title',
  '.entry-prop',
  'h1',
  '[data-hook="product-title"]',
].join(', ');

export const DETAIL_PRICE = [
  '.page-title-wrap .item-price',
  '.item-price-wrap .item-price',
  '.price_area',
  '.rh_page__property_price .price',
  '.es-price',
  '.page-price',
  '.property-price',
  '.prix',
  '[data-hook="formatted-primary-price"]',
  '.price',
].join(', ');

export const DETAIL_DESCRIPTION = [
  '#property-description-wrap .block-content-wrap',
  '.wpestate_property_description',
  '.rh_content',
  '.es-property-description',
  '.epl-tab-section-description',
  '.property-description',
  '.description',
  '#description',
  '[data-hook="description"]',
  '.entry-content',
].join(', ');

export const DETAIL_FEATURES = [
  '#property-features-wrap li',
  '.property-features li',
  '.features li',
  '.rh_property__features li',
  '.es-property-features li',
  '.epl-property-features li',
  '.amenities li',
  '.prestations li',
  '.caracteristiques li',
  '#accordion_prop_features .listing_detail',
].join(', ');

export const DETAIL_ADDRESS = [
  '#property-address-wrap',
  '.property-address',
  '.item-address',
  '.rh_page__property_address',
  '.es-address',
  'address',
  '[itemprop="address"]',
  '.adresse',
  '.localisation',
].join(', ');

export const DETAIL_GALLERY = [
  '#property-gallery-js img',
  '.property-banner img',
  '.property-gallery img',
  '.gallery img',
  '.carousel img',
  '.slider img',
  '.swiper img',
  '.rh_property__slider img',
  '.es-gallery img',
  '.epl-gallery img',
  '.wp-block-gallery img',
  '[data-hook="product-image"] img',
  'figure img',
  'a[href$=".jpg"]',
  'a[href$=".jpeg"]',
  'a[href$=".webp"]',
].join(', ');

/** Regions that belong to the site chrome rather than the listing. */
export const CHROME =
  'header, footer, nav, aside, .related, .similar, .similar-properties, #property-similar-listings, [class*="similar-propert"], [class*="related-propert"], [class*="related-listing"], .widget, .sidebar, .cookie, #cookie-notice, .menu';

export const PAGINATION = [
  'link[rel="next"]',
  'a[rel="next"]',
  '.pagination a',
  '.page-numbers',
  '.nav-links a',
  '.wp-pagenavi a',
  '.pager a',
  '.paging a',
  '.es-pagination a',
  '.epl-pagination a',
  '[data-hook="pagination"] a',
  'a.next',
  'a.suivant',
  '[aria-label*="page" i] a',
  'nav[aria-label*="pagination" i] a',
].join(', ');
