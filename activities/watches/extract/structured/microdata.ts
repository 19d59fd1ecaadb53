/** Microdata (`itemscope` / `itemprop`) read into schema.org-shaped objects, nested scopes as nested nodes. */
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { normalizeSpaces } from '../french/fold.js';
import type { Node } from './nodes.js';

function microValue($: CheerioAPI, el: Element): unknown {
  if ($(el).is('[itemscope]')) return readScope($, el);
  const content = $(el).attr('content');
  if (content !== undefined) return content;
  const tag = el.tagName?.toLowerCase();
  if (tag === 'a' || tag === 'link' || tag === 'area') return $(el).attr('href') ?? '';
  if (tag === 'img' || tag === 'source' || tag === 'video' || tag === 'audio' || tag === 'iframe') return $(el).attr('src') ?? $(el).attr('data-src') ?? '';
  if (tag === 'meta') return $(el).attr('content') ?? '';
  if (tag === 'data' || tag === 'meter') return $(el).attr('value') ?? $(el).text();
  if (tag === 'time') return $(el).attr('datetime') ?? $(el).text();
  return normalizeSpaces($(el).text());
}

function readScope($: CheerioAPI, scope: Element): Node {
  const node: Node = {};
  const itemtype = $(scope).attr('itemtype');
  if (itemtype) node['@type'] = itemtype.split(/\s+/).map((t) => t.replace(/^https?:\/\/schema\.org\//i, ''));
  $(scope)
    .find('[itemprop]')
    .each((_i, el) => {
      const owner = $(el).parent().closest('[itemscope]')[0];
      if (owner !== scope) return;
      const value = microValue($, el);
      for (const prop of ($(el).attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
        const prev = node[prop];
        node[prop] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
    });
  return node;
}

/** Top-level microdata items (itemscope without itemprop), as schema.org-shaped objects. */
export function readMicrodata($: CheerioAPI): Node[] {
  const out: Node[] = [];
  $('[itemscope]:not([itemprop])').each((_i, el) => {
    out.push(readScope($, el));
  });
  return out;
}
