/**
 * Server sizing from brief seeds/001 ("Analyse VPS - Impact Data"): its reference case is 10 000
 * members (adhérents, the data) handled by 50-200 agents (the connected users), for which it
 * recommends 6-12 vCores, 12-24 GB RAM, 200-500 GB SSD NVMe and 8-15 TB/month, with data of
 * 2-10 GB (database) + 2-10 GB (media) growing by 5-15 GB a year (+1 000-2 000 members a year).
 *
 * Resources scale linearly with the load relative to that reference, taking the larger of the
 * members ratio (10 000) and the agents ratio (200, the top of the brief's range), never below half
 * the reference (a small VPS still runs Django + MySQL + Redis + Nginx). Pure.
 */

export interface SizingInput {
  members: number;
  agents: number;
  /** Years of growth to provision storage for (default 3). */
  years?: number;
  /** New members a year; default the brief's 10-20% of the base (1 000-2 000 for 10 000). */
  membersGrowthPerYear?: number;
}

export interface Range {
  min: number;
  max: number;
}

export interface ProviderPlan {
  provider: string;
  plan: string;
  vcpu: number;
  ramGb: number;
  storageGb: number | null;
  priceEurPerMonth: number;
  capacity: Range;
}

export interface SizingResult {
  input: Required<Omit<SizingInput, 'membersGrowthPerYear'>> & { membersGrowthPerYear: Range };
  loadFactor: number;
  vcpu: Range;
  ramGb: Range;
  storageGb: Range;
  bandwidthTbPerMonth: Range;
  data: { databaseGb: Range; mediaGb: Range; totalGb: Range };
  growth: { membersPerYear: Range; gbPerYear: Range; dataInYearsGb: Range; membersInYears: Range };
  phase: { id: 1 | 2 | 3; name: string; architecture: string[]; costEurPerMonth: { min: number; max: number | null } };
  plans: ProviderPlan[];
  recommended: ProviderPlan | null;
  annualBudgetEur: { vps: number; ssl: number; cdn: number; monitoring: number; total: number } | null;
  tuning: { gunicornWorkers: number; innodbBufferPoolGb: Range };
}

/** The brief's reference point and figures. */
export const REFERENCE = {
  members: 10_000,
  agents: 200,
  vcpu: { min: 6, max: 12 },
  ramGb: { min: 12, max: 24 },
  storageGb: { min: 200, max: 500 },
  bandwidthTb: { min: 8, max: 15 },
  databaseGb: { min: 2, max: 10 },
  mediaGb: { min: 2, max: 10 },
  growthGbPerYear: { min: 5, max: 15 },
  membersGrowthRate: { min: 0.1, max: 0.2 },
  floor: 0.5,
} as const;

/** The brief's plans, with the member capacity it gives each. */
export const PLANS: readonly ProviderPlan[] = [
  { provider: 'OVH', plan: 'VPS SSD 5', vcpu: 8, ramGb: 32, storageGb: 400, priceEurPerMonth: 120, capacity: { min: 10_000, max: 15_000 } },
  { provider: 'OVH', plan: 'VPS SSD 6', vcpu: 16, ramGb: 64, storageGb: 800, priceEurPerMonth: 240, capacity: { min: 15_000, max: 25_000 } },
  { provider: 'DigitalOcean', plan: 'Droplet 16GB', vcpu: 8, ramGb: 16, storageGb: 320, priceEurPerMonth: 96, capacity: { min: 8_000, max: 12_000 } },
  { provider: 'DigitalOcean', plan: 'Droplet 32GB', vcpu: 16, ramGb: 32, storageGb: 640, priceEurPerMonth: 192, capacity: { min: 12_000, max: 20_000 } },
  { provider: 'AWS EC2', plan: 't3.xlarge', vcpu: 4, ramGb: 16, storageGb: null, priceEurPerMonth: 140, capacity: { min: 10_000, max: 15_000 } },
  { provider: 'AWS EC2', plan: 't3.2xlarge', vcpu: 8, ramGb: 32, storageGb: null, priceEurPerMonth: 280, capacity: { min: 12_000, max: 18_000 } },
];

/** The brief's annual extras next to the VPS. */
export const ANNUAL_EXTRAS = { ssl: 50, cdn: 200, monitoring: 100 } as const;

const PHASES = [
  { id: 1 as const, upTo: 5_000, name: 'VPS unique', architecture: ['VPS 16GB RAM, 8 vCPU', 'MySQL + Redis sur le même serveur', 'Sauvegardes quotidiennes', 'Monitoring basique'], cost: { min: 80, max: 120 } },
  { id: 2 as const, upTo: 15_000, name: 'Architecture distribuée', architecture: ['Serveur app + serveur DB séparés', 'Redis dédié', 'CDN pour les fichiers statiques', 'Monitoring avancé', 'Sauvegardes automatisées'], cost: { min: 200, max: 400 } },
  { id: 3 as const, upTo: Infinity, name: 'Cluster', architecture: ['Load balancer', 'Multiple serveurs d’application', 'Base de données en cluster', 'Cache distribué', 'CDN global', 'Monitoring en temps réel'], cost: { min: 500, max: null } },
];

const scale = (r: { min: number; max: number }, f: number, round: (n: number) => number = Math.ceil): Range => ({ min: round(r.min * f), max: round(r.max * f) });
const round1 = (n: number) => Math.round(n * 10) / 10;

export function sizeServer(input: SizingInput): SizingResult {
  const members = Math.max(0, Math.floor(input.members));
  const agents = Math.max(1, Math.floor(input.agents));
  const years = Math.max(1, Math.min(10, Math.floor(input.years ?? 3)));
  const loadFactor = Math.max(REFERENCE.floor, members / REFERENCE.members, agents / REFERENCE.agents);
  const dataFactor = members / REFERENCE.members;

  const growthMembers: Range = input.membersGrowthPerYear !== undefined
    ? { min: input.membersGrowthPerYear, max: input.membersGrowthPerYear }
    : { min: Math.round(members * REFERENCE.membersGrowthRate.min), max: Math.round(members * REFERENCE.membersGrowthRate.max) };
  const databaseGb = scale(REFERENCE.databaseGb, dataFactor, round1);
  const mediaGb = scale(REFERENCE.mediaGb, dataFactor, round1);
  const gbPerYear = scale(REFERENCE.growthGbPerYear, dataFactor, round1);
  const totalGb = { min: round1(databaseGb.min + mediaGb.min), max: round1(databaseGb.max + mediaGb.max) };
  const dataInYearsGb = { min: round1(totalGb.min + gbPerYear.min * years), max: round1(totalGb.max + gbPerYear.max * years) };

  const vcpu = scale(REFERENCE.vcpu, loadFactor);
  const ramGb = scale(REFERENCE.ramGb, loadFactor);
  const storage = scale(REFERENCE.storageGb, loadFactor, (n) => Math.ceil(n / 10) * 10);
  // never less disk than the data will need over the horizon, with the brief's 80% alert threshold
  const needed = Math.ceil(dataInYearsGb.max / 0.8 / 10) * 10;
  const storageGb = { min: Math.max(storage.min, needed), max: Math.max(storage.max, needed) };

  const phase = PHASES.find((p) => members < p.upTo)!;
  const plans = PLANS.filter((p) => members >= p.capacity.min && members <= p.capacity.max && p.vcpu >= Math.min(vcpu.min, 8) && p.ramGb >= ramGb.min);
  const fallback = PLANS.filter((p) => p.capacity.max >= members && p.ramGb >= ramGb.min).sort((a, b) => a.priceEurPerMonth - b.priceEurPerMonth);
  const candidates = plans.length ? plans : fallback;
  // The brief's pick: OVH first (best value, French support, unlimited bandwidth), cheapest fit otherwise.
  const recommended = candidates.find((p) => p.provider === 'OVH') ?? candidates.sort((a, b) => a.priceEurPerMonth - b.priceEurPerMonth)[0] ?? null;
  const annualBudgetEur = recommended
    ? { vps: recommended.priceEurPerMonth * 12, ...ANNUAL_EXTRAS, total: recommended.priceEurPerMonth * 12 + ANNUAL_EXTRAS.ssl + ANNUAL_EXTRAS.cdn + ANNUAL_EXTRAS.monitoring }
    : null;

  const cores = recommended?.vcpu ?? vcpu.max;
  const ramForDb = recommended?.ramGb ?? ramGb.max;
  return {
    input: { members, agents, years, membersGrowthPerYear: growthMembers },
    loadFactor: Math.round(loadFactor * 100) / 100,
    vcpu,
    ramGb,
    storageGb,
    bandwidthTbPerMonth: scale(REFERENCE.bandwidthTb, loadFactor, round1),
    data: { databaseGb, mediaGb, totalGb },
    growth: {
      membersPerYear: growthMembers,
      gbPerYear,
      dataInYearsGb,
      membersInYears: { min: members + growthMembers.min * years, max: members + growthMembers.max * years },
    },
    phase: { id: phase.id, name: phase.name, architecture: phase.architecture, costEurPerMonth: phase.cost },
    plans: candidates,
    recommended,
    annualBudgetEur,
    tuning: { gunicornWorkers: cores * 2 + 1, innodbBufferPoolGb: { min: Math.floor(ramForDb * 0.5), max: Math.floor(ramForDb * 0.7) } },
  };
}
