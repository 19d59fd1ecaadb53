/**
 * The plans the sizing chooses from. The brief's own table (seeds/001, "Recommandations par
 * Fournisseur": OVH, DigitalOcean, AWS EC2, with the member capacity it gives each), plus the two
 * smaller DigitalOcean droplets of the same public price list (not in the brief), so that a small
 * installation is not given an 8-vCPU server. Prices in euros a month, as the brief writes them.
 */

export interface Range {
  min: number;
  max: number;
}

export interface ProviderPlan {
  provider: string;
  plan: string;
  vcpu: number;
  ramGb: number;
  /** null: block storage sized and billed apart (AWS EBS), so any disk need is met. */
  storageGb: number | null;
  priceEurPerMonth: number;
  /** The brief's member capacity; null for plans it does not list. */
  capacity: Range | null;
  source: 'brief' | 'price-list';
}

/** Provider preference, the brief's order (OVH recommended: value, French support, unlimited bandwidth). */
export const PROVIDER_RANK: Readonly<Record<string, number>> = { OVH: 0, DigitalOcean: 1, 'AWS EC2': 2 };

export const PLANS: readonly ProviderPlan[] = [
  { provider: 'OVH', plan: 'VPS SSD 5', vcpu: 8, ramGb: 32, storageGb: 400, priceEurPerMonth: 120, capacity: { min: 10_000, max: 15_000 }, source: 'brief' },
  { provider: 'OVH', plan: 'VPS SSD 6', vcpu: 16, ramGb: 64, storageGb: 800, priceEurPerMonth: 240, capacity: { min: 15_000, max: 25_000 }, source: 'brief' },
  { provider: 'DigitalOcean', plan: 'Droplet 4GB', vcpu: 2, ramGb: 4, storageGb: 80, priceEurPerMonth: 24, capacity: null, source: 'price-list' },
  { provider: 'DigitalOcean', plan: 'Droplet 8GB', vcpu: 4, ramGb: 8, storageGb: 160, priceEurPerMonth: 48, capacity: null, source: 'price-list' },
  {
    provider: 'DigitalOcean',
    plan: 'Droplet 16GB',
    vcpu: 8,
    ramGb: 16,
    storageGb: 320,
    priceEurPerMonth: 96,
    capacity: { min: 8_000, max: 12_000 },
    source: 'brief',
  },
  {
    provider: 'DigitalOcean',
    plan: 'Droplet 32GB',
    vcpu: 16,
    ramGb: 32,
    storageGb: 640,
    priceEurPerMonth: 192,
    capacity: { min: 12_000, max: 20_000 },
    source: 'brief',
  },
  {
    provider: 'AWS EC2',
    plan: 't3.xlarge',
    vcpu: 4,
    ramGb: 16,
    storageGb: null,
    priceEurPerMonth: 140,
    capacity: { min: 10_000, max: 15_000 },
    source: 'brief',
  },
  {
    provider: 'AWS EC2',
    plan: 't3.2xlarge',
    vcpu: 8,
    ramGb: 32,
    storageGb: null,
    priceEurPerMonth: 280,
    capacity: { min: 12_000, max: 18_000 },
    source: 'brief',
  },
];

/**
 * The plans as one ladder: by vCPU, then provider preference, then RAM and price. The recommendation
 * is the first rung that covers the need, so a larger need never lands on a lower rung.
 */
export const LADDER: readonly ProviderPlan[] = [...PLANS].sort(
  (a, b) =>
    a.vcpu - b.vcpu || (PROVIDER_RANK[a.provider] ?? 9) - (PROVIDER_RANK[b.provider] ?? 9) || a.ramGb - b.ramGb || a.priceEurPerMonth - b.priceEurPerMonth,
);

/** The largest plan of the table (by vCPU, then RAM): the unit a beyond-the-table estimate is priced in. */
export const LARGEST: ProviderPlan = [...PLANS].sort(
  (a, b) => b.vcpu - a.vcpu || b.ramGb - a.ramGb || (PROVIDER_RANK[a.provider] ?? 9) - (PROVIDER_RANK[b.provider] ?? 9),
)[0]!;

export interface Need {
  vcpu: number;
  ramGb: number;
  storageGb: number;
}

export function covers(p: ProviderPlan, need: Need): boolean {
  return p.vcpu >= need.vcpu && p.ramGb >= need.ramGb && (p.storageGb === null || p.storageGb >= need.storageGb);
}
