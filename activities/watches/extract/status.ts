/**
 * Listing status as agency sites show it: a badge or ribbon ("VENDU", "Sous compromis", "Sold",
 * "Under offer"), a class on the card (`.vendu`, `.badge--sold`, `.ribbon-vendu`), or schema.org
 * availability (SoldOut). Status words inside prose ("vendu loué", "vendue par l'agence en 3
 * semaines") do not count unless they stand alone as a short segment.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { fold } from './french/fold.js';
import type { ListingStatus } from './types.js';

const SOLD = /^(?:vendue?s?|deja vendue?|bien vendu|sold|sold stc|adjuge|loue|louee|rented|let agreed)$/;
const UNDER_OFFER =
  /^(?:sous compromis|compromis (?:signe|en cours)|sous offre|sous option|offre acceptee|offre en cours|under offer|sale agreed|under contract|reserve|reservee)$/;
/** A sentence saying the listing itself is sold ("Ce bien a été vendu par notre agence"), at the start of a line. */
const SOLD_SENTENCE =
  /^(?:ce bien|cette (?:maison|propriete|villa|appartement)|cet appartement|this property|this home)\s+(?:a ete|est deja|has been|is now)\s+(?:vendue?|sold)\b(?!\s+(?:loue|libre|occupe|meuble|avec|sans|en|with|furnished|let)\b)/;
const CLASS_SOLD = /(?:^|[-_\s])(?:vendu|vendue|sold|sold-out|soldout|adjuge)(?:$|[-_\s])/i;
const CLASS_OFFER = /(?:^|[-_\s])(?:compromis|sous-offre|under-offer|underoffer|sale-agreed)(?:$|[-_\s])/i;

/** Status from one short text ("VENDU", "Sous compromis"), or undefined. */
export function statusWord(text: string): ListingStatus | undefined {
  const t = fold(text)
    .replace(/[!.:*()[\]]+/g, ' ')
    .trim();
  if (SOLD.test(t)) return 'sold';
  if (UNDER_OFFER.test(t)) return 'under_offer';
  return undefined;
}

/** Status from a block of text: any line or separator-delimited segment that is a status on its own. */
export function statusInText(text: string | undefined): ListingStatus | undefined {
  if (!text) return undefined;
  let found: ListingStatus | undefined;
  for (const line of text.split('\n')) if (SOLD_SENTENCE.test(fold(line).trim())) return 'sold';
  for (const seg of text.split(/\n|[–—·|•]| - /)) {
    const s = statusWord(seg);
    if (s === 'sold') return 'sold';
    if (s) found = s;
  }
  return found;
}

/** Status of a card or a detail block: badge classes, short elements, text segments. */
export function statusIn($: CheerioAPI, root: AnyNode, text: string, skip: (el: AnyNode) => boolean = () => false): ListingStatus | undefined {
  let found: ListingStatus | undefined;
  const consider = (s: ListingStatus | undefined): void => {
    if (s === 'sold' || (s && !found)) found = s;
  };
  const els = [root, ...$(root).find('[class], strong, b, em, span, p, div, h2, h3, h4, h5, h6').toArray()] as Element[];
  for (const el of els) {
    if (el !== root && skip(el)) continue; // another listing's badge (related listings, sidebar)
    const cls = `${el.attribs?.['class'] ?? ''}`;
    if (cls && !/price|prix/i.test(cls)) {
      if (CLASS_SOLD.test(cls)) consider('sold');
      else if (CLASS_OFFER.test(cls)) consider('under_offer');
    }
    const t = $(el).text();
    if (t.length <= 40) consider(statusWord(t));
  }
  consider(statusInText(text));
  return found;
}

/** schema.org availability (SoldOut → sold). */
export function statusFromAvailability(v: unknown): ListingStatus | undefined {
  const s = typeof v === 'string' ? v : '';
  if (/soldout$/i.test(s)) return 'sold';
  return undefined;
}
