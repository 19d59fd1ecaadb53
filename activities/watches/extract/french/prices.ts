/**
 * French (and English) prices: "450 000 €", "1.250.000 EUR", "1 200 €/mois", "à partir de 289 000 €",
 * "Prix sur demande"; rent or sale from the wording around the amount. Pure functions.
 */
import type { TransactionType } from '../types.js';
import { fold, normalizeSpaces } from './fold.js';

/** An amount: "450 000", "1.250.000", "1 250 000,00", "320000", "1,250,000.00". */
const AMOUNT = String.raw`(\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)`;
const CURRENCY = String.raw`(?:€|eur(?:os?)?\b)`;
const AFTER = new RegExp(`${AMOUNT}\\s*(k|m)?\\s*${CURRENCY}`, 'i');
const BEFORE = new RegExp(`${CURRENCY}\\s*${AMOUNT}\\s*(k|m)?\\b`, 'i');
const BARE = new RegExp(
  `^(?:[^\\d]{0,40}?)${AMOUNT}\\s*(k|m)?\\s*(?:${CURRENCY})?(?:\\s*(?:fai|hai|cc|hc|ttc|ht|net vendeur|honoraires inclus|/\\s*mois|par mois))?\\W*$`,
  'i',
);

const RENT_MARKERS = /(\/\s*mois|par mois|mensuel|\bloyer\b|\bcc\b|\bhc\b|charges comprises|hors charges|a louer|\blocation\b|\/\s*month|per month|\bpcm\b)/;
const SALE_MARKERS = /(\bfai\b|\bhai\b|a vendre|\bvente\b|honoraires|net vendeur|prix de vente|for sale)/;

/** Parse one amount token into an integer number of euros. */
export function parseAmount(raw: string, multiplier?: string): number | undefined {
  let s = raw.replace(/[ '’]/g, '');
  // A trailing separator followed by 1-2 digits is a decimal part; 3-digit groups are thousands.
  const dec = /[.,](\d{1,2})$/.exec(s);
  let fraction = 0;
  if (dec) {
    fraction = Number(`0.${dec[1]}`);
    s = s.slice(0, dec.index);
  }
  s = s.replace(/[.,]/g, '');
  if (!/^\d+$/.test(s)) return undefined;
  let n = Number(s) + fraction;
  const m = multiplier?.toLowerCase();
  if (m === 'k') n *= 1_000;
  else if (m === 'm') n *= 1_000_000;
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

export interface PriceInfo {
  price: number;
  transaction?: TransactionType;
  /** 'from' when the amount is a starting price ("à partir de 289 000 €", "From €235,000"). */
  qualifier?: 'from';
}

const ON_REQUEST = /\b(?:prix\s+)?(?:sur\s+demande|nous\s+consulter|a\s+consulter|(?:price\s+)?(?:up)?on\s+(?:request|application)|p\.?o\.?a\.?)(?![a-z])/;
const FROM = /(?:a\s+partir\s+de|des|from|starting\s+(?:at|from)|prices?\s+from)\s*:?\s*$/;

/** "Prix sur demande", "Nous consulter", "Price on request": a price deliberately not given. */
export function isPriceOnRequest(text: string | undefined | null): boolean {
  return !!text && ON_REQUEST.test(fold(String(text)));
}

/**
 * A price and, when the text says so, whether it is a rent. By default the amount must carry a
 * currency (€ / EUR / euros); `allowBare` also accepts a text that is essentially one number (the
 * content of a `.price` element, "450000").
 */
export function parsePriceInfo(text: string | undefined | null, opts: { allowBare?: boolean } = {}): PriceInfo | undefined {
  if (!text) return undefined;
  const t = normalizeSpaces(String(text));
  if (isPriceOnRequest(t) && !/\d/.test(t)) return undefined;
  let price: number | undefined;
  const after = AFTER.exec(t);
  const before = BEFORE.exec(t);
  const first = after && before ? (after.index <= before.index ? after : before) : (after ?? before);
  if (first) price = parseAmount(first[1]!, first[2]);
  else if (opts.allowBare) {
    const bare = BARE.exec(t);
    if (bare) price = parseAmount(bare[1]!, bare[2]);
  }
  if (price === undefined || price < 100 || price > 500_000_000) return undefined;
  const transaction = detectTransaction(t, price);
  const out: PriceInfo = transaction ? { price, transaction } : { price };
  if (first && FROM.test(fold(t.slice(Math.max(0, first.index - 30), first.index)))) out.qualifier = 'from';
  return out;
}

/** "450 000 €" → 450000; "1.250.000 EUR" → 1250000; "1 200 €/mois" → 1200. */
export function parsePrice(text: string | undefined | null, opts: { allowBare?: boolean } = {}): number | undefined {
  return parsePriceInfo(text, opts)?.price;
}

/** Rent or sale from the wording around a price; falls back on the amount (under 10 000 € is a rent). */
export function detectTransaction(text: string, price?: number): TransactionType | undefined {
  const f = fold(text);
  if (RENT_MARKERS.test(f)) return 'rent';
  if (SALE_MARKERS.test(f)) return 'sale';
  if (price === undefined) return undefined;
  return price < 10_000 ? 'rent' : 'sale';
}
