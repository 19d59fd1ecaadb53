/**
 * Data-quality score of a listing, 0..1: completeness of the fields that matter for search and
 * alerts, minus penalties for inconsistencies (implausible price per m², more bedrooms than rooms,
 * absurd surfaces).
 */
import type { ListingDraft } from './types.js';

const WEIGHTS: Array<[keyof Omit<ListingDraft, 'quality'>, number]> = [
  ['title', 0.08],
  ['price', 0.2],
  ['surface', 0.14],
  ['rooms', 0.08],
  ['propertyType', 0.1],
  ['postalCode', 0.12],
  ['city', 0.05],
  ['description', 0.1],
  ['photos', 0.08],
  ['bedrooms', 0.03],
  ['externalId', 0.02],
];

function present(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** Plausible € per m² bounds in France: sales and monthly rents. */
export const PRICE_PER_SQM = { sale: { min: 300, max: 40_000 }, rent: { min: 3, max: 120 } } as const;

export function qualityIssues(l: Omit<ListingDraft, 'quality'>): string[] {
  const issues: string[] = [];
  if (l.price !== undefined && l.surface !== undefined && l.surface > 0 && l.propertyType !== 'land' && l.propertyType !== 'parking') {
    const per = l.price / l.surface;
    const band = PRICE_PER_SQM[l.transaction ?? (l.price < 10_000 ? 'rent' : 'sale')];
    if (per < band.min || per > band.max) issues.push(`implausible price per m² (${Math.round(per)} €/m²)`);
  }
  if (l.rooms !== undefined && l.bedrooms !== undefined && l.bedrooms >= l.rooms && l.rooms > 1) issues.push('more bedrooms than rooms');
  if (l.surface !== undefined && l.propertyType !== 'land' && (l.surface < 5 || l.surface > 5_000)) issues.push('implausible surface');
  if (l.rooms !== undefined && l.surface !== undefined && l.rooms > 0 && l.surface / l.rooms < 4) issues.push('rooms too small for the surface');
  if (l.description !== undefined && l.description.length < 30) issues.push('description too short');
  if (!l.title || l.title.length < 5) issues.push('missing or too short title');
  return issues;
}

export function qualityScore(l: Omit<ListingDraft, 'quality'>): number {
  let score = 0;
  for (const [k, w] of WEIGHTS) if (present(l[k])) score += w;
  score -= 0.12 * qualityIssues(l).length;
  return Math.max(0, Math.min(1, Math.round(score * 100) / 100));
}
