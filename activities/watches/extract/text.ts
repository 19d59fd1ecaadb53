/** Small text and URL helpers shared by the extractors. */
import type { CheerioAPI } from 'cheerio';
import { isDocument, isTag, isText, type AnyNode, type Element } from 'domhandler';
import { normalizeSpaces } from './french/fold.js';
import { loadHtml } from './chrome.js';

/** Resolve `href` against `base`; undefined for non-http(s), javascript:, mailto:, tel:, data: and fragments-only. */
/** An element that is not a script or style (domhandler's isTag counts those too): `type === 'tag'`. */
export const isPlainTag = (n: AnyNode): n is Element => isTag(n) && n.name !== 'script' && n.name !== 'style';

export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  if (!href) return undefined;
  const h = href.trim();
  if (!h || h.startsWith('#') || /^(javascript|mailto|tel|data|sms|whatsapp):/i.test(h)) return undefined;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

export function sameHost(a: string, b: string): boolean {
  try {
    return new URL(a).host.replace(/^www\./, '') === new URL(b).host.replace(/^www\./, '');
  } catch {
    return false;
  }
}

/** Text of an HTML fragment (descriptions in JSON-LD or Shopify body_html often carry markup). */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return normalizeSpaces(html);
  const $ = loadHtml(`<div id="x">${html}</div>`);
  return blockText($, $('#x')[0]!)
    .replace(/\n{2,}/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}

const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
  'option',
  'summary',
  'details',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'head']);

/** Text of a node with a line break at every block boundary; spaces collapsed within lines. */
export function blockText(_$: CheerioAPI, root: AnyNode): string {
  const parts: string[] = [];
  const walk = (n: AnyNode): void => {
    if (isText(n)) {
      parts.push(n.data);
      return;
    }
    if (!isTag(n) && !isDocument(n)) return; // elements (script and style included) and the root
    const name = isTag(n) ? n.name.toLowerCase() : '';
    if (SKIP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) parts.push('\n');
    for (const c of n.children) walk(c);
    if (block) parts.push('\n');
  };
  walk(root);
  return parts
    .join('')
    .split('\n')
    .map((l) => normalizeSpaces(l))
    .filter(Boolean)
    .join('\n');
}

/** Dice coefficient over character trigrams of folded text: 0..1. */
export function trigramSimilarity(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const t = `  ${s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `;
    const m = new Map<string, number>();
    for (let i = 0; i + 3 <= t.length; i++) {
      const g = t.slice(i, i + 3);
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let inter = 0;
  let total = 0;
  for (const [g, n] of ga) {
    inter += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * inter) / total;
}

const STOP = new Set([
  'le',
  'la',
  'les',
  'de',
  'des',
  'du',
  'un',
  'une',
  'et',
  'a',
  'au',
  'aux',
  'en',
  'avec',
  'pour',
  'sur',
  'dans',
  'par',
  'the',
  'and',
  'of',
  'with',
  'd',
  'l',
]);

/** Jaccard index over folded word tokens (stop words dropped): 0..1. */
export function tokenJaccard(a: string, b: string): number {
  const toks = (s: string): Set<string> =>
    new Set(
      s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w && !STOP.has(w)),
    );
  const ta = toks(a);
  const tb = toks(b);
  if (ta.size === 0 && tb.size === 0) return 0;
  let inter = 0;
  for (const w of ta) if (tb.has(w)) inter++;
  return inter / (ta.size + tb.size - inter);
}
