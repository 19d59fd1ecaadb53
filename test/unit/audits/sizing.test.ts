import { describe, expect, it } from 'vitest';
import { sizeServer } from '../../../activities/audits/hosting/sizing.js';

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
    expect(small.vcpu).toEqual({ min: 3, max: 6 });
    expect(small.ramGb).toEqual({ min: 6, max: 12 });
    expect(small.phase).toMatchObject({ id: 1, costEurPerMonth: { min: 80, max: 120 } });
  });

  it('provisions at least the disk the data will need over the horizon', () => {
    const s = sizeServer({ members: 200_000, agents: 200, years: 10 });
    // data 80-400 GB + 100-300 GB/yr * 10 = up to 3400 GB, kept under 80 % full
    expect(s.growth.dataInYearsGb.max).toBe(3400);
    expect(s.storageGb.max).toBeGreaterThanOrEqual(4250);
  });
});
