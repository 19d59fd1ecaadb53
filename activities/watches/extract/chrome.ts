/**
 * "Is this node part of the site chrome (header, footer, navigation, sidebar, related listings)?"
 * The chrome set is computed once per document with a document-level query: `find()` under an
 * element with thousands of children is quadratic in css-select, a document-level query is not.
 */
import type { CheerioAPI } from 'cheerio';
import { isTag, type AnyNode } from 'domhandler';
import { CHROME } from './themes.js';

import { load } from 'cheerio';

/**
 * Parse with htmlparser2 in HTML mode: two to three times faster than parse5 on agency pages and as
 * forgiving of broken markup; it adds no implied <html>/<body>, so callers fall back on the root.
 */
export function loadHtml(html: string): CheerioAPI {
  return load(html, { xml: { xmlMode: false, decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false } });
}

const cache = new WeakMap<CheerioAPI, Set<AnyNode>>();
const sets = new WeakMap<CheerioAPI, Map<string, Set<AnyNode>>>();

/**
 * The elements of the document matching `selector`, queried once per document and selector: a
 * selector list compiled per card per page is what made extraction slow. Invalid selectors throw.
 */
export function matchSet($: CheerioAPI, selector: string): Set<AnyNode> {
  let bySel = sets.get($);
  if (!bySel) {
    bySel = new Map();
    sets.set($, bySel);
  }
  let set = bySel.get(selector);
  if (!set) {
    set = new Set($(selector).toArray());
    bySel.set(selector, set);
  }
  return set;
}

/** Descendants of `root` (document order) that match `selector`. */
export function findIn($: CheerioAPI, root: AnyNode, selector: string): AnyNode[] {
  const set = matchSet($, selector);
  if (set.size === 0) return [];
  return descendants(root).filter((n) => set.has(n));
}

function chromeSet($: CheerioAPI): Set<AnyNode> {
  let set = cache.get($);
  if (!set) {
    set = new Set($(CHROME).toArray());
    cache.set($, set);
  }
  return set;
}

export function inChrome($: CheerioAPI, el: AnyNode): boolean {
  const set = chromeSet($);
  if (set.size === 0) return false;
  for (let n: AnyNode | null = el; n; n = n.parent) if (set.has(n)) return true;
  return false;
}

/** Elements matching `selector` anywhere in the document that sit inside `root` (document-level query, then a containment filter). */
export function within($: CheerioAPI, root: AnyNode, selector: string): AnyNode[] {
  const out: AnyNode[] = [];
  for (const el of matchSet($, selector)) {
    for (let n: AnyNode | null = el; n; n = n.parent)
      if (n === root) {
        out.push(el);
        break;
      }
  }
  return out;
}

/** Every element under `root`, depth first, without a selector engine. */
export function descendants(root: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  const stack: AnyNode[] = [...((root as { children?: AnyNode[] }).children ?? [])].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (isTag(n)) {
      out.push(n);
      const kids = (n as { children?: AnyNode[] }).children ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }
  return out;
}
