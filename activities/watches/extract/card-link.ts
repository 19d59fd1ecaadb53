/**
 * The link of a listing card: the card itself when it is a link, else the source's link selector,
 * the title link, a link wrapping the photo, the most repeated link, each on the site's host and
 * never a contact, pagination, filter, alternate-language or image URL.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { findIn } from './chrome.js';
import { alternateLinks, isFilterLink } from './links.js';
import { absoluteUrl, isPlainTag, sameHost } from './text.js';

export const isLink = (n: AnyNode): boolean => isPlainTag(n) && n.name === 'a' && n.attribs['href'] !== undefined;

/** A contact, visit-request or appointment page (`/contact?bien=…`): a card's button, never the listing. */
const CONTACT_PATH =
  /\/(contact|contactez-nous|nous-contacter|contact-us|rendez-vous|prise-de-rendez-vous|demande-de-visite|demande-visite|visite)(?:[./_-]|$)/i;

const PAGINATION_HREF = /([?&](page|paged|p|pg|start)=\d+|\/page\/\d+\/?$)/i;

export function linkOf($: CheerioAPI, root: Cheerio<AnyNode>, base: string, selector?: string): string | undefined {
  const alternates = alternateLinks($, base);
  const usable = (href: string | undefined): string | undefined => {
    const abs = absoluteUrl(href, base);
    return abs &&
      sameHost(abs, base) &&
      abs !== base &&
      !PAGINATION_HREF.test(abs) &&
      !/\.(jpe?g|png|webp|gif|pdf)$/i.test(abs) &&
      !alternates.has(abs) &&
      !isFilterLink(abs) &&
      !CONTACT_PATH.test(new URL(abs).pathname)
      ? abs
      : undefined;
  };
  if (root[0] && isLink(root[0])) {
    const own = usable(root.attr('href'));
    if (own) return own;
  }
  // In priority order: the source's selector, the title link, a link wrapping the photo, the most repeated link.
  const node = root[0];
  if (!node) return undefined;
  for (const sel of [selector, 'h1 a, h2 a, h3 a, h4 a, h5 a, [class*="title"] a, a[class*="title"]', 'a:has(img)']) {
    if (!sel) continue;
    let els: AnyNode[];
    try {
      els = findIn($, node, sel);
    } catch {
      continue;
    }
    for (const el of els) {
      const u = usable($(el).attr('href'));
      if (u) return u;
    }
  }
  const counts = new Map<string, number>();
  for (const el of findIn($, node, 'a[href]')) {
    const u = usable($(el).attr('href'));
    if (u) counts.set(u, (counts.get(u) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
