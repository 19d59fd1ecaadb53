/** A listing node's offers: its price (euros only), rent or sale, a "from" price, availability as a status. */
import { textOf } from '../../../../core/text-of.js';
import { parseAmount, parsePrice } from '../french/prices.js';
import { statusFromAvailability } from '../status.js';
import type { ListingStatus, PriceQualifier, TransactionType } from '../types.js';
import { arr, isNode, str } from './nodes.js';

export function priceNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.round(v) : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    // Machine formats: "450000", "450000.00"; otherwise the French parser.
    if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t)) || undefined;
    return parsePrice(t, { allowBare: true }) ?? (parseAmount(t.replace(/[^\d.,\s]/g, '').trim()) || undefined);
  }
  return undefined;
}

export interface OfferInfo {
  price?: number;
  transaction?: TransactionType;
  qualifier?: PriceQualifier;
  status?: ListingStatus;
}

export function offerInfo(v: unknown): OfferInfo {
  let status: ListingStatus | undefined;
  for (const o of arr(v)) {
    if (!isNode(o)) continue;
    status ??= statusFromAvailability(str(o['availability']));
    const spec = arr(o['priceSpecification']).find(isNode);
    const exact = priceNum(o['price']) ?? (spec ? priceNum(spec['price']) : undefined);
    const low = exact === undefined ? priceNum(o['lowPrice']) : undefined;
    const price = exact ?? low;
    if (price === undefined) continue;
    const currency = str(o['priceCurrency'] ?? spec?.['priceCurrency']);
    if (currency && currency.toUpperCase() !== 'EUR') continue;
    const fn = textOf(o['businessFunction']).toLowerCase();
    const unit = textOf(spec?.['unitText'] ?? spec?.['unitCode']).toLowerCase();
    let transaction: TransactionType | undefined;
    if (fn.includes('leaseout') || /mon|month|mois/.test(unit)) transaction = 'rent';
    else if (fn.includes('sell')) transaction = 'sale';
    const out: OfferInfo = transaction ? { price, transaction } : { price };
    if (low !== undefined) out.qualifier = 'from';
    if (status) out.status = status;
    return out;
  }
  return status ? { status } : {};
}
