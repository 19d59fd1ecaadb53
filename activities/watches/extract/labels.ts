/**
 * Label / value pairs of a listing's own block, however the site lays them out: table rows
 * (`<th>Ville</th><td>Auch (32000)</td>`, two-cell `<td>` rows), `<dt>/<dd>`, a label element followed
 * by its value (sibling elements, or the rest of the parent's text), and "Label : value" lines.
 * A label is the whole cell or line start (word-bounded), never a word found inside other text.
 */
import type { CheerioAPI } from 'cheerio';
import { isTag, isText, type AnyNode, type Element } from 'domhandler';
import { fold, normalizeSpaces } from './french/fold.js';

export type LabelKey = 'city' | 'postalCode' | 'place' | 'price' | 'surface' | 'rooms' | 'bedrooms' | 'type';

const LABELS: Array<[RegExp, LabelKey]> = [
  [/^(ville|commune|localite|town|city|village)$/, 'city'],
  [/^(code postal|cp|c\.p\.|postcode|post code|postal code|zip|zip code)$/, 'postalCode'],
  [/^(localisation|situation|secteur|adresse|location|emplacement|lieu|address|quartier|area)$/, 'place'],
  [
    /^(prix|prix de vente|prix fai|prix net vendeur|price|asking price|loyer|loyer mensuel|loyer charges comprises|loyer hors charges|loyer cc|loyer hc|rent|monthly rent|tarif)$/,
    'price',
  ],
  [/^(surface|surface habitable|superficie|superficie habitable|surface carrez|surface loi carrez|living area|living space|floor area|habitable)$/, 'surface'],
  [/^(pieces|nombre de pieces|nb pieces|nb de pieces|rooms|number of rooms|total rooms)$/, 'rooms'],
  [/^(chambres|nombre de chambres|nb chambres|nb de chambres|bedrooms|number of bedrooms|beds)$/, 'bedrooms'],
  [/^(type|type de bien|type du bien|property type|categorie|nature)$/, 'type'],
];

export function labelKey(raw: string): LabelKey | undefined {
  const t = fold(raw)
    .replace(/[:.]+$/, '')
    .replace(/\s*[:]\s*$/, '')
    .trim();
  if (!t || t.length > 32) return undefined;
  for (const [re, key] of LABELS) if (re.test(t)) return key;
  return undefined;
}

export type Labels = Partial<Record<LabelKey, string>>;

const text = ($: CheerioAPI, el: AnyNode): string => normalizeSpaces($(el).text());

/** Label/value pairs under `root` (elements `skip` says to ignore are left out); the first value of a label wins. */
export function readLabels($: CheerioAPI, root: AnyNode, skip: (el: AnyNode) => boolean = () => false, lines?: string): Labels {
  const out: Labels = {};
  const put = (label: string, value: string): void => {
    const k = labelKey(label);
    const v = normalizeSpaces(value).replace(/^[:\s]+/, '');
    if (k && v && v.length <= 120 && out[k] === undefined) out[k] = v;
  };
  const $root = $(root);
  for (const tr of $root.find('tr').toArray()) {
    if (skip(tr)) continue;
    const cells = $(tr).children('th, td').toArray();
    if (cells.length === 2) put(text($, cells[0]!), text($, cells[1]!));
  }
  for (const dt of $root.find('dt').toArray()) {
    if (skip(dt)) continue;
    const dd = $(dt).nextAll('dd').first();
    if (dd.length) put(text($, dt), text($, dd[0]!));
  }
  // A label element: its next element sibling is the value, or the rest of its parent's text is.
  for (const el of $root.find('span, div, strong, b, label, p, h4, h5, h6, th, td, li, em').toArray()) {
    const own = text($, el);
    if (!own || own.length > 32 || !labelKey(own) || skip(el)) continue;
    // (A unit's superscript — `m<sup>2</sup>` — or an icon is part of the value, never the value.)
    const next = $(el)
      .next()
      .filter((_i, n) => !['sup', 'sub', 'i', 'br', 'img', 'svg'].includes(n.name));
    // A value is a leaf-ish element: one holding blocks of its own is a section, not a value.
    const nextText = next.length && next.find('li, div, p, tr, dd, ul, table').length === 0 ? text($, next[0]!) : '';
    if (nextText && nextText.length <= 120 && !labelKey(nextText)) {
      put(own, nextText);
      continue;
    }
    const parent = el.parent as Element | null;
    if (parent && isTag(parent)) {
      const whole = text($, parent);
      if (whole.startsWith(own) && whole.length > own.length && whole.length <= own.length + 120) put(own, whole.slice(own.length));
    }
  }
  // A bare text label followed by its value element: `<li>Ville<strong>Avrillé</strong></li>`.
  for (const el of $root.find('li, p, div, dd, td').toArray()) {
    const first = el.children.find((c) => !isText(c) || normalizeSpaces(c.data) !== '');
    if (!first || !isText(first) || skip(el)) continue;
    const own = normalizeSpaces(first.data);
    if (!labelKey(own)) continue;
    const whole = text($, el);
    if (whole.startsWith(own) && whole.length > own.length && whole.length <= own.length + 120) put(own, whole.slice(own.length));
  }
  // "Label : value" lines, and "Code postal 75015".
  for (const line of (lines ?? '').split('\n')) {
    const m = /^([^:]{2,32}?)\s*:\s*(.+)$/.exec(line);
    if (m) put(m[1]!, m[2]!);
    const cp = /^(code postal|cp)\s+(\d{5})\b/i.exec(line);
    if (cp) put(cp[1]!, cp[2]!);
  }
  return out;
}
