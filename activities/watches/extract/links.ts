/** Pagination and listing-link discovery on list pages. */
import type { CheerioAPI } from 'cheerio';
import { fold } from './french/fold.js';
import { PAGINATION } from './themes.js';
import { absoluteUrl, sameHost } from './text.js';
import { matchSet } from './chrome.js';

const PAGE_PARAM = /([?&](page|paged|p|pg|pagenum|start|offset)=\d+|\/page\/\d+\/?$|\/page-\d+\/?$|\/p\d+\/?$|[-_](p|page)[-_]?\d+\.(html?|php|aspx?)$)/i;
const NEXT_TEXT = /^(suivante?s?|page suivante|next|next page|»|›|>|→|>>)$/;

/** Pagination links on the page: rel=next, pagination widgets, page-number URLs. Absolute, same host, not the page itself. */
export function findPagination($: CheerioAPI, pageUrl: string, extraSelector?: string): string[] {
  const out = new Set<string>();
  const add = (href: string | undefined): void => {
    const abs = absoluteUrl(href, pageUrl);
    if (abs && sameHost(abs, pageUrl) && abs !== pageUrl) out.add(abs);
  };
  if (extraSelector) {
    try {
      $(extraSelector).each((_i, el) => add($(el).attr('href')));
    } catch {
      /* reported by the caller */
    }
  }
  $(PAGINATION).each((_i, el) => add($(el).attr('href')));
  matchSet($, 'a[href]').forEach((el) => {
    const $el = $(el);
    const href = $el.attr('href');
    const label = fold($el.text() || $el.attr('aria-label') || $el.attr('title') || '');
    if (NEXT_TEXT.test(label) || /page suivante|next page/.test(label)) {
      add(href);
      return;
    }
    const abs = absoluteUrl(href, pageUrl);
    if (abs && PAGE_PARAM.test(abs) && /^\d{1,3}$/.test(label)) add(href);
  });
  return [...out];
}

const LISTING_HREF =
  /\/(annonces?|biens?|propriete|proprietes|property|properties|listing|listings|logement|vente|location|achat|immobilier|detail|fiche|produits?|products|offre|appartement|maison|terrain|a-vendre|a-louer)[-/_]/i;
const NOT_LISTING =
  /\/(category|categorie|tag|author|feed|statut|status|type-de-bien|property-type|property-status|ville|city|caracteristique|feature|wp-json|wp-admin|contact|mentions|agence|equipe|blog|actualites|estimation|page\/\d+)\b|\.(jpe?g|png|webp|gif|pdf|css|js|xml)$/i;

const FILTER_PARAM = /^(category|categorie|cat|tag|tags|type|filter|filtre|sort|tri|order|orderby|view|vue|lang|hl|ville|city|statut|status)$/i;

/**
 * A link that filters or re-sorts a list rather than naming a listing: a query made only of filter
 * keys (`?category=`, `?tag=`, `?sort=`…; `?type=vente&id=12` names a listing).
 */
export function isFilterLink(abs: string): boolean {
  try {
    const keys = [...new URL(abs).searchParams.keys()];
    return keys.length > 0 && keys.every((k) => FILTER_PARAM.test(k));
  } catch {
    return false;
  }
}

/**
 * The page's other-language versions (`<link rel=alternate hreflang>`, language-picker links with
 * `hreflang`): the same listing in another language, never another listing.
 */
export function alternateLinks($: CheerioAPI, pageUrl: string): Set<string> {
  const out = new Set<string>();
  for (const el of matchSet($, 'link[hreflang][href], a[hreflang][href]')) {
    const abs = absoluteUrl($(el).attr('href'), pageUrl);
    if (abs && abs !== pageUrl) out.add(abs);
  }
  return out;
}

/** Same-host links whose path reads like a listing detail page (related listings and widgets included: they help discovery). */
export function findListingLinks($: CheerioAPI, pageUrl: string, exclude: Set<string> = new Set()): string[] {
  const out = new Set<string>();
  const alternates = alternateLinks($, pageUrl);
  matchSet($, 'a[href]').forEach((el) => {
    const abs = absoluteUrl($(el).attr('href'), pageUrl);
    if (!abs || abs === pageUrl || exclude.has(abs) || alternates.has(abs) || !sameHost(abs, pageUrl) || isFilterLink(abs)) return;
    const path = new URL(abs).pathname;
    if (LISTING_HREF.test(path + '/') && !NOT_LISTING.test(path) && !PAGE_PARAM.test(abs) && /[\d-]/.test(path.split('/').filter(Boolean).pop() ?? ''))
      out.add(abs);
  });
  return [...out];
}
