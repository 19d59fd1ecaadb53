/**
 * The generic watch: any URL, one region of it (a CSS selector, or the smallest block containing a
 * given text), compared line by line with the previous run.
 */
import { diffArrays } from 'diff';
import type { AnyNode } from 'domhandler';
import { normalizeSpaces } from './french/fold.js';
import { loadHtml } from './chrome.js';
import { blockText } from './text.js';

/** Lines that change on every load and would make every run look different. */
const VOLATILE = [/^(csrf|nonce|token)[\s:=]/i];

/**
 * Normalised text of a region: one line per block, spaces collapsed, scripts and styles dropped.
 * With `selector`, every matching element (in document order); with `textContains`, the smallest
 * element whose text contains it; otherwise the body. Garbage or an invalid selector gives ''.
 */
export function extractRegion(html: string, selector?: string, textContains?: string): string {
  if (typeof html !== 'string' || !html) return '';
  let $;
  try {
    $ = loadHtml(html);
  } catch {
    return '';
  }
  let roots: AnyNode[] = [];
  if (selector) {
    try {
      roots = $(selector).toArray();
    } catch {
      return '';
    }
    // Nested matches would repeat their text: keep the outermost ones.
    const set = new Set(roots);
    roots = roots.filter(
      (el) =>
        !$(el)
          .parents()
          .toArray()
          .some((p) => set.has(p)),
    );
  } else {
    const body = $('body')[0] ?? $.root()[0];
    roots = body ? [body] : [];
  }
  if (textContains) {
    const needle = normalizeSpaces(textContains).toLowerCase();
    const contains = (el: AnyNode): boolean => normalizeSpaces(blockText($, el).replace(/\n/g, ' ')).toLowerCase().includes(needle);
    // Containment is monotone up the tree: descend while a child still holds the whole needle.
    let best: AnyNode | undefined;
    for (const r of roots) {
      if (!contains(r)) continue;
      let cur = r;
      for (;;) {
        const child = $(cur).children().toArray().find(contains);
        if (!child) break;
        cur = child;
      }
      best = cur;
      break;
    }
    roots = best ? [best] : [];
  }
  return roots
    .map((r) => blockText($, r))
    .join('\n')
    .split('\n')
    .filter((l) => l && !VOLATILE.some((re) => re.test(l)))
    .join('\n');
}

export interface TextDiff {
  changed: boolean;
  added: string[];
  removed: string[];
  summary: string;
}

/**
 * Work the line diff may do: Myers' algorithm (jsdiff) costs about (lines) x (edits), so past
 * EDIT_BUDGET / lines edits it gives up and the multiset difference below answers instead.
 */
const EDIT_BUDGET = 20_000_000;

/** What appeared and disappeared, ignoring order: the answer when the texts are too far apart. */
function multisetDiff(x: string[], y: string[]): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const l of x) count.set(l, (count.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of y) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else added.push(l);
  }
  const removed: string[] = [];
  for (const [l, n] of count) for (let i = 0; i < n; i++) removed.push(l);
  return { added, removed };
}

/**
 * Lines added and removed between two line arrays, in order: the common head and tail trimmed,
 * then jsdiff's `diffArrays` (Myers, O((n+m)·d), not the O(n·m) table it replaces).
 */
function lineDiff(a: string[], b: string[]): { added: string[]; removed: string[] } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length === 0 || y.length === 0) return { added: y, removed: x };
  const maxEditLength = Math.max(1, Math.floor(EDIT_BUDGET / (x.length + y.length)));
  const changes = diffArrays(x, y, { maxEditLength });
  if (!changes) return multisetDiff(x, y);
  const added: string[] = [];
  const removed: string[] = [];
  for (const c of changes) {
    if (c.added) added.push(...c.value);
    else if (c.removed) removed.push(...c.value);
  }
  return { added, removed };
}

const clip = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Line diff of two normalised texts, with a one-line human summary. */
export function diffText(before: string, after: string): TextDiff {
  const lines = (s: string): string[] =>
    (s ?? '')
      .split('\n')
      .map((l) => normalizeSpaces(l))
      .filter(Boolean);
  const a = lines(before);
  const b = lines(after);
  const { added, removed } = lineDiff(a, b);
  const changed = added.length > 0 || removed.length > 0;
  let summary = 'no change';
  if (changed) {
    const parts: string[] = [];
    if (added.length) parts.push(`${added.length} line${added.length > 1 ? 's' : ''} added`);
    if (removed.length) parts.push(`${removed.length} line${removed.length > 1 ? 's' : ''} removed`);
    const example = added[0] !== undefined ? `+ "${clip(added[0])}"` : `- "${clip(removed[0]!)}"`;
    summary = `${parts.join(', ')}: ${example}`;
  }
  return { changed, added, removed, summary };
}
