import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeServer, type SizingResult } from '../../../activities/audits/hosting/sizing.js';
import { covers, LADDER } from '../../../activities/audits/hosting/sizing-plans.js';

describe('sizeServer', () => {
  it('gives the brief’s own figures for its example: 10 000 members, 50-200 agents', () => {
    for (const agents of [50, 200]) {
      const s = sizeServer({ members: 10_000, agents });
      expect(s.vcpu).toEqual({ min: 6, max: 12 });
      expect(s.ramGb).toEqual({ min: 12, max: 24 });
      expect(s.storageGb).toEqual({ min: 200, max: 500 });
      expect(s.bandwidthTbPerMonth).toEqual({ min: 8, max: 15 });
      expect(s.data.totalGb).toEqual({ min: 4, max: 20 });
      expect(s.growth.membersPerYear).toEqual({ min: 1000, max: 2000 });
      expect(s.growth.gbPerYear).toEqual({ min: 5, max: 15 });
      expect(s.phase).toMatchObject({ id: 2, name: 'Architecture distribuée', costEurPerMonth: { min: 200, max: 400 } });
      expect(s.recommended).toMatchObject({ provider: 'OVH', plan: 'VPS SSD 5', vcpu: 8, ramGb: 32, storageGb: 400, priceEurPerMonth: 120 });
      expect(s.annualBudgetEur).toEqual({ vps: 1440, ssl: 50, cdn: 200, monitoring: 100, total: 1790 });
    }
  });

  it('scales with whichever of members and agents is the heavier load', () => {
    const agentsHeavy = sizeServer({ members: 10_000, agents: 400 });
    expect(agentsHeavy.loadFactor).toBe(2);
    expect(agentsHeavy.vcpu).toEqual({ min: 12, max: 24 });
    const big = sizeServer({ members: 20_000, agents: 100 });
    expect(big.ramGb).toEqual({ min: 24, max: 48 });
    expect(big.phase.id).toBe(3);
    expect(big.recommended).toMatchObject({ plan: 'VPS SSD 6' });
    expect(big.growth.dataInYearsGb).toEqual({ min: 38, max: 130 });
  });

  it('keeps a floor for small installations and reports phase 1', () => {
    const small = sizeServer({ members: 1000, agents: 5 });
    expect(small.vcpu).toEqual({ min: 2, max: 3 });
    expect(small.ramGb).toEqual({ min: 3, max: 6 });
    expect(small.phase).toMatchObject({ id: 1, costEurPerMonth: { min: 80, max: 120 } });
  });

  it('chooses the plan for the members there will be in three years, never below the CPU need', () => {
    const s = sizeServer({ members: 14_000, agents: 100 });
    // 14 000 + 3 × 1 400 = 18 200 members → 6 × 1.82 = 10.9 → 11 vCPU: an 8-vCPU plan is too small
    expect(s.need).toEqual({ members: 18_200, vcpu: 11, ramGb: 22, storageGb: 370 });
    expect(s.recommended).toMatchObject({ provider: 'OVH', plan: 'VPS SSD 6', vcpu: 16 });
    expect(s.plans.every((p) => p.vcpu >= 11)).toBe(true);
    // the brief's example: 13 000 members at the horizon → 8 vCPU, 16 GB, 260 GB
    expect(sizeServer({ members: 10_000, agents: 200 }).need).toEqual({ members: 13_000, vcpu: 8, ramGb: 16, storageGb: 260 });
  });

  it('gives a small installation a smaller plan than a mid-sized one', () => {
    const none = sizeServer({ members: 0, agents: 1 });
    const mid = sizeServer({ members: 4_000, agents: 50 });
    expect(none.recommended).toMatchObject({ plan: 'Droplet 4GB', vcpu: 2, ramGb: 4 });
    expect(mid.recommended).toMatchObject({ plan: 'Droplet 8GB', vcpu: 4, ramGb: 8 });
    expect(none.annualBudgetEur.total).toBeLessThan(mid.annualBudgetEur.total);
  });

  it('answers beyond the largest plan with a dedicated server, then a cluster, each with an estimate', () => {
    const dedicated = sizeServer({ members: 30_000, agents: 200 });
    expect(dedicated.recommended).toBeNull();
    expect(dedicated.plans).toEqual([]);
    expect(dedicated.beyond).toMatchObject({
      architecture: 'dedicated',
      servers: 2,
      resources: { vcpu: 32, ramGb: 128 },
      estimatedEurPerMonth: { min: 480, max: 720 },
    });
    expect(dedicated.annualBudgetEur.vps).toBe(480 * 12);
    const cluster = sizeServer({ members: 100_000, agents: 1_000 });
    // 130 000 members at the horizon → 78 vCPU → 5 nodes of 16 vCPU + 1 spare
    expect(cluster.beyond).toMatchObject({
      architecture: 'cluster',
      servers: 6,
      resources: { vcpu: 96, ramGb: 384 },
      estimatedEurPerMonth: { min: 1440, max: 2160 },
    });
    expect(cluster.beyond!.advice.join(' ')).toMatch(/load balancer/i);
  });

  it('provisions at least the disk the data will need over the horizon', () => {
    const s = sizeServer({ members: 200_000, agents: 200, years: 10 });
    // data 80-400 GB + 100-300 GB/yr * 10 = up to 3400 GB, kept under 80 % full
    expect(s.growth.dataInYearsGb.max).toBe(3400);
    expect(s.storageGb.max).toBeGreaterThanOrEqual(4250);
  });

  describe('properties (fast-check)', () => {
    /** Position of the answer: the ladder rung of the plan, then servers beyond the table. */
    const rank = (s: SizingResult) => (s.recommended ? LADDER.indexOf(s.recommended) : LADDER.length + s.beyond!.servers);
    const input = fc.record({
      members: fc.integer({ min: 0, max: 2_000_000 }),
      agents: fc.integer({ min: 1, max: 5_000 }),
      years: fc.integer({ min: 1, max: 10 }),
    });

    it('always answers: a plan, or beyond the table, never both', () => {
      fc.assert(
        fc.property(input, (i) => {
          const s = sizeServer(i);
          expect((s.recommended === null) !== (s.beyond === null)).toBe(true);
          expect(s.annualBudgetEur.total).toBeGreaterThan(0);
        }),
        { numRuns: 500 },
      );
    });

    it('never recommends less than the need at the horizon', () => {
      fc.assert(
        fc.property(input, (i) => {
          const s = sizeServer(i);
          expect(s.need.members).toBeGreaterThanOrEqual(s.input.members);
          if (s.recommended) expect(covers(s.recommended, s.need)).toBe(true);
          else {
            expect(s.beyond!.resources.vcpu).toBeGreaterThanOrEqual(s.need.vcpu);
            expect(s.beyond!.resources.ramGb).toBeGreaterThanOrEqual(s.need.ramGb);
            expect(s.beyond!.resources.storageGb).toBeGreaterThanOrEqual(s.need.storageGb);
          }
        }),
        { numRuns: 500 },
      );
    });

    it('is monotonic in members: more members never get a smaller plan or a smaller budget', () => {
      fc.assert(
        fc.property(input, fc.integer({ min: 1, max: 200_000 }), (i, more) => {
          const a = sizeServer(i);
          const b = sizeServer({ ...i, members: i.members + more });
          expect(rank(b)).toBeGreaterThanOrEqual(rank(a));
          const size = (s: SizingResult) => s.recommended ?? { vcpu: s.beyond!.resources.vcpu, ramGb: s.beyond!.resources.ramGb };
          expect(size(b).vcpu).toBeGreaterThanOrEqual(size(a).vcpu);
          if (size(b).vcpu === size(a).vcpu) expect(size(b).ramGb).toBeGreaterThanOrEqual(size(a).ramGb);
          expect(b.annualBudgetEur.vps).toBeGreaterThanOrEqual(a.annualBudgetEur.vps);
          for (const k of ['vcpu', 'ramGb', 'storageGb'] as const) expect(b.need[k]).toBeGreaterThanOrEqual(a.need[k]);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
