/**
 * From the parsed structured values to the listing nodes: arrays, `@graph`, ItemList and
 * WebPage.mainEntity walked, `@id` references resolved, nodes that are parts of another listing dropped.
 */
import { arr, DWELLING_TYPES, isNode, typesOf, type Node } from './nodes.js';

const LISTING_TYPES = new Set(['realestatelisting', ...DWELLING_TYPES, 'gatedresidencecommunity', 'product', 'offer', 'individualproduct']);

interface Flattened {
  listings: Node[];
  /** URLs named by an ItemList whose elements carry no details. */
  links: string[];
}

const REF_KEYS = ['about', 'mainEntity', 'itemOffered', 'offers', 'containsPlace', 'containedInPlace'];

/** Walk arrays, @graph, ItemList and WebPage.mainEntity; resolve @id references; keep root listing nodes. */
export function flattenStructured(values: unknown[]): Flattened {
  const all: Node[] = [];
  const links: string[] = [];
  const byId = new Map<string, Node>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isNode(v)) return;
    const id = v['@id'];
    if (typeof id === 'string' && Object.keys(v).length > 1) byId.set(id, v);
    all.push(v);
    if (v['@graph']) visit(v['@graph'], depth + 1);
    const types = typesOf(v);
    if (types.includes('itemlist') || types.includes('searchresultspage') || types.includes('collectionpage')) {
      for (const el of arr(v['itemListElement'] ?? (isNode(v['mainEntity']) ? v['mainEntity']['itemListElement'] : undefined))) {
        if (!isNode(el)) {
          if (typeof el === 'string') links.push(el);
          continue;
        }
        const item = el['item'];
        if (isNode(item)) visit(item, depth + 1);
        else if (typeof item === 'string') links.push(item);
        else if (typesOf(el).includes('listitem') && typeof el['url'] === 'string' && !el['name']) links.push(el['url']);
        else visit(el, depth + 1);
      }
    }
    if (types.includes('webpage') || types.includes('itempage') || types.includes('collectionpage')) visit(v['mainEntity'], depth + 1);
  };
  visit(values, 0);

  const resolve = (v: unknown): unknown => {
    if (isNode(v) && typeof v['@id'] === 'string' && Object.keys(v).length === 1) return byId.get(v['@id']) ?? v;
    return v;
  };
  // Nodes referenced by another listing node are parts of it, not listings of their own.
  const referenced = new Set<Node>();
  const candidates = all.filter((n) => typesOf(n).some((t) => LISTING_TYPES.has(t)));
  for (const n of candidates) {
    for (const key of REF_KEYS) {
      for (const ref of arr(n[key])) {
        const r = resolve(ref);
        if (isNode(r)) {
          referenced.add(r);
          n[key] = Array.isArray(n[key]) ? arr(n[key]).map(resolve) : r;
        }
      }
    }
  }
  const roots = candidates
    .filter((n) => !referenced.has(n))
    .filter((n) => {
      const types = typesOf(n);
      // A bare Offer counts only when it offers something or carries a name.
      if (types.length === 1 && types[0] === 'offer') return isNode(n['itemOffered']) || typeof n['name'] === 'string';
      return true;
    });
  return { listings: roots, links };
}
