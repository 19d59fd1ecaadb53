/**
 * Server sizing from brief seeds/001 ("Analyse VPS - Impact Data"): its reference case is 10 000
 * members (adhérents, the data) handled by 50-200 agents (the connected users), for which it
 * recommends 6-12 vCores, 12-24 GB RAM, 200-500 GB SSD NVMe and 8-15 TB/month, with data of
 * 2-10 GB (database) + 2-10 GB (media) growing by 5-15 GB a year (+1 000-2 000 members a year).
 *
 * Resources scale linearly with the load relative to that reference, taking the larger of the
 * members ratio (10 000) and the agents ratio (200, the top of the brief's range), never below a
 * quarter of the reference (2 vCPU, 3 GB: Django + MySQL + Redis + Nginx still run).
 *
 * The plan is chosen for the horizon, not for today: the need is the low end of each range (vCPU,
 * RAM, disk) for the members there will be after `years` of growth at the low estimate (10%/year
 * of today's base, the brief's +1 000/year for 10 000, or `membersGrowthPerYear`), disk never under
 * the data at the horizon / 0.8. The recommendation is the first plan of the ladder (sizing-plans.ts:
 * by vCPU, then the brief's provider preference) that covers all three; when none does, `beyond`
 * gives a dedicated server or a cluster with its resources and an estimate. Pure.
 */

export interface SizingInput {
  members: number;
  agents: number;
  /** Years of growth to provision storage for (default 3). */
  years?: number;
  /** New members a year; default the brief's 10-20% of the base (1 000-2 000 for 10 000). */
  membersGrowthPerYear?: number;
}

import { covers, LADDER, LARGEST, type Need, type ProviderPlan, type Range } from './sizing-plans.js';

export type { ProviderPlan, Range } from './sizing-plans.js';
export { PLANS } from './sizing-plans.js';

/** What the installation needs at the horizon (members after `years` of growth, at the low growth estimate). */
export interface SizingNeed {
  members: number;
  vcpu: number;
  ramGb: number;
  storageGb: number;
}

/** The answer when no plan of the table covers the need: a dedicated server or a cluster, estimated. */
export interface BeyondPlans {
  architecture: 'dedicated' | 'cluster';
  advice: string[];
  /** Servers of the largest plan's size (LARGEST) the need amounts to, spare included for a cluster. */
  servers: number;
  resources: { vcpu: number; ramGb: number; storageGb: number };
  estimatedEurPerMonth: Range;
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
  need: SizingNeed;
  /** Every plan that covers the need, in ladder order. */
  plans: ProviderPlan[];
  recommended: ProviderPlan | null;
  /** Set exactly when `recommended` is null. */
  beyond: BeyondPlans | null;
  annualBudgetEur: { vps: number; ssl: number; cdn: number; monitoring: number; total: number };
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
  /** The smallest load: Django + MySQL + Redis + Nginx on 2 vCPU, 3 GB, 50 GB. */
  floor: 0.25,
  /** The brief's disk alert threshold ("Disque > 80%"): the data must stay under it. */
  diskAlert: 0.8,
} as const;

/** The brief's annual extras next to the VPS. */
export const ANNUAL_EXTRAS = { ssl: 50, cdn: 200, monitoring: 100 } as const;
/** The brief's Phase 3 (cluster) cost floor, and the margin of an estimate's upper bound (LB, replication, backups). */
const CLUSTER_FLOOR_EUR = 500;
const ESTIMATE_MARGIN = 1.5;

const PHASES = [
  {
    id: 1 as const,
    upTo: 5_000,
    name: 'VPS unique',
    architecture: ['VPS 16GB RAM, 8 vCPU', 'MySQL + Redis sur le même serveur', 'Sauvegardes quotidiennes', 'Monitoring basique'],
    cost: { min: 80, max: 120 },
  },
  {
    id: 2 as const,
    upTo: 15_000,
    name: 'Architecture distribuée',
    architecture: ['Serveur app + serveur DB séparés', 'Redis dédié', 'CDN pour les fichiers statiques', 'Monitoring avancé', 'Sauvegardes automatisées'],
    cost: { min: 200, max: 400 },
  },
  {
    id: 3 as const,
    upTo: Infinity,
    name: 'Cluster',
    architecture: [
      'Load balancer',
      'Multiple serveurs d’application',
      'Base de données en cluster',
      'Cache distribué',
      'CDN global',
      'Monitoring en temps réel',
    ],
    cost: { min: 500, max: null },
  },
];

const scale = (r: { min: number; max: number }, f: number, round: (n: number) => number = Math.ceil): Range => ({
  min: round(r.min * f),
  max: round(r.max * f),
});
const round1 = (n: number) => Math.round(n * 10) / 10;
const ceil10 = (n: number) => Math.ceil(n / 10) * 10;
/** ceil that ignores float noise (6 × 1.3 = 7.800000000000001 → 8, 6 × 1.5 = 9.000000000000002 → 9). */
const ceilClean = (n: number) => Math.ceil(Math.round(n * 1e6) / 1e6);
const factor = (members: number, agents: number) => Math.max(REFERENCE.floor, members / REFERENCE.members, agents / REFERENCE.agents);

/** No plan covers the need: one dedicated server up to twice the largest plan, a cluster beyond. */
export function beyondPlans(need: Need): BeyondPlans {
  const nodes = Math.ceil(Math.max(need.vcpu / LARGEST.vcpu, need.ramGb / LARGEST.ramGb, need.storageGb / (LARGEST.storageGb ?? need.storageGb)));
  const architecture = nodes <= 2 ? 'dedicated' : 'cluster';
  const servers = architecture === 'cluster' ? nodes + 1 : nodes;
  const min = Math.max(architecture === 'cluster' ? CLUSTER_FLOOR_EUR : 0, servers * LARGEST.priceEurPerMonth);
  const advice =
    architecture === 'dedicated'
      ? [
          `Serveur dédié d’au moins ${need.vcpu} cœurs, ${need.ramGb} GB de RAM et ${need.storageGb} GB NVMe`,
          `ou l’architecture distribuée du brief : serveur app + serveur DB (${servers} × ${LARGEST.provider} ${LARGEST.plan})`,
          'Redis dédié, CDN pour les fichiers statiques, sauvegardes automatisées',
        ]
      : [
          `Cluster : load balancer + ${nodes} serveurs de la taille ${LARGEST.provider} ${LARGEST.plan} (${LARGEST.vcpu} vCPU, ${LARGEST.ramGb} GB) + 1 de réserve`,
          'Base de données en cluster (primaire + réplique), cache distribué',
          'CDN global, monitoring en temps réel',
        ];
  return {
    architecture,
    advice,
    servers,
    resources: { vcpu: servers * LARGEST.vcpu, ramGb: servers * LARGEST.ramGb, storageGb: Math.max(need.storageGb, servers * (LARGEST.storageGb ?? 0)) },
    estimatedEurPerMonth: { min, max: Math.round(min * ESTIMATE_MARGIN) },
  };
}

export function sizeServer(input: SizingInput): SizingResult {
  const members = Math.max(0, Math.floor(input.members));
  const agents = Math.max(1, Math.floor(input.agents));
  const years = Math.max(1, Math.min(10, Math.floor(input.years ?? 3)));
  const loadFactor = factor(members, agents);
  const dataFactor = members / REFERENCE.members;

  const growthMembers: Range =
    input.membersGrowthPerYear !== undefined
      ? { min: input.membersGrowthPerYear, max: input.membersGrowthPerYear }
      : { min: Math.round(members * REFERENCE.membersGrowthRate.min), max: Math.round(members * REFERENCE.membersGrowthRate.max) };
  const databaseGb = scale(REFERENCE.databaseGb, dataFactor, round1);
  const mediaGb = scale(REFERENCE.mediaGb, dataFactor, round1);
  const gbPerYear = scale(REFERENCE.growthGbPerYear, dataFactor, round1);
  const totalGb = { min: round1(databaseGb.min + mediaGb.min), max: round1(databaseGb.max + mediaGb.max) };
  const dataInYearsGb = { min: round1(totalGb.min + gbPerYear.min * years), max: round1(totalGb.max + gbPerYear.max * years) };

  const vcpu = scale(REFERENCE.vcpu, loadFactor, ceilClean);
  const ramGb = scale(REFERENCE.ramGb, loadFactor, ceilClean);
  const storage = scale(REFERENCE.storageGb, loadFactor, (n) => ceil10(Math.round(n * 1e6) / 1e6));
  // never less disk than the data will need over the horizon, kept under the brief's 80% alert threshold
  const dataDisk = ceil10(dataInYearsGb.max / REFERENCE.diskAlert);
  const storageGb = { min: Math.max(storage.min, dataDisk), max: Math.max(storage.max, dataDisk) };

  // What the plan must cover: the low end of each range, for the members there will be at the horizon.
  const membersAtHorizon = members + growthMembers.min * years;
  const horizonFactor = factor(membersAtHorizon, agents);
  const need: SizingNeed = {
    members: membersAtHorizon,
    vcpu: ceilClean(REFERENCE.vcpu.min * horizonFactor),
    ramGb: ceilClean(REFERENCE.ramGb.min * horizonFactor),
    storageGb: Math.max(ceil10(Math.round(REFERENCE.storageGb.min * horizonFactor * 1e6) / 1e6), dataDisk),
  };

  const phase = PHASES.find((p) => members < p.upTo)!;
  const plans = LADDER.filter((p) => covers(p, need));
  const recommended = plans[0] ?? null;
  const beyond = recommended ? null : beyondPlans(need);
  const monthly = recommended?.priceEurPerMonth ?? beyond!.estimatedEurPerMonth.min;
  const annualBudgetEur = { vps: monthly * 12, ...ANNUAL_EXTRAS, total: monthly * 12 + ANNUAL_EXTRAS.ssl + ANNUAL_EXTRAS.cdn + ANNUAL_EXTRAS.monitoring };

  // per server: the recommended plan, or one node of the largest plan's size
  const cores = recommended?.vcpu ?? LARGEST.vcpu;
  const ramForDb = recommended?.ramGb ?? LARGEST.ramGb;
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
    need,
    plans: [...plans],
    recommended,
    beyond,
    annualBudgetEur,
    tuning: { gunicornWorkers: cores * 2 + 1, innodbBufferPoolGb: { min: Math.floor(ramForDb * 0.5), max: Math.floor(ramForDb * 0.7) } },
  };
}
