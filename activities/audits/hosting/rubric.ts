/**
 * The brief's hosting rubric (seeds/000) as pure code over the probes' results. Every criterion of
 * its minimum / recommended / enterprise tables (criteria.ts) becomes pass / fail / unknown with a
 * reason; what cannot be observed from outside (RAM, database, disk, backups, support) stays
 * "unknown" and goes into the checklist to confirm with the host (recommend.ts).
 *
 * Verdict: a blacklisted shared plan is "incompatible" whatever else passes. Otherwise the verdict is
 * the highest tier T such that no blocking criterion of T or below fails and every *required*
 * criterion (the observable core of the tier) of T or below passes; below "minimum" it is
 * "incompatible".
 */
import { CRITERIA } from './criteria.js';
import { CHECKLIST, recommend } from './recommend.js';
import { data, TIERS, type Criterion, type CriterionStatus, type Ctx, type RubricInput, type RubricResult, type Verdict } from './rubric-types.js';
import { detectStack } from './stack.js';

const WEIGHT_REQUIRED = 3;
const VALUE: Record<CriterionStatus, number> = { pass: 1, unknown: 0.5, fail: 0 };

export function evaluateRubric(input: RubricInput): RubricResult {
  const { probes, provider } = input;
  const http = data(probes.http);
  const stack =
    input.stack ??
    detectStack({ server: http?.server ?? null, headers: http?.headers ?? {}, page: http?.page ?? null, certIssuer: data(probes.tls)?.issuer ?? null });
  const ctx: Ctx = { dns: data(probes.dns), http, tls: data(probes.tls), browser: data(probes.browser), provider, probes, stack };
  const criteria: Criterion[] = CRITERIA.map((d) => {
    const j = d.judge(ctx);
    return {
      id: d.id,
      tier: d.tier,
      label: d.label,
      expected: d.expected,
      observable: d.observable,
      required: d.required,
      blocking: d.blocking ?? true,
      status: j.status,
      reason: j.reason,
      ...(j.warning ? { warning: j.warning } : {}),
      ...(j.checks ? { checks: j.checks } : {}),
    };
  });

  const blacklisted = Boolean(provider.hosting?.blacklisted);
  let verdict: Verdict = 'incompatible';
  const blockers: RubricResult['blockers'] = [];
  if (blacklisted) {
    const c = criteria.find((x) => x.id === 'not-blacklisted')!;
    blockers.push({ criterion: c.id, reason: c.reason });
  } else {
    for (const tier of TIERS) {
      const blocking = criteria.filter((c) => c.tier === tier && ((c.blocking && c.status === 'fail') || (c.required && c.status !== 'pass')));
      if (blocking.length) {
        blockers.push(...blocking.map((c) => ({ criterion: c.id, reason: c.reason })));
        break;
      }
      verdict = tier;
    }
  }

  const scored = criteria.filter((c) => c.observable);
  const total = scored.reduce((s, c) => s + (c.required ? WEIGHT_REQUIRED : 1), 0);
  const got = scored.reduce((s, c) => s + (c.required ? WEIGHT_REQUIRED : 1) * VALUE[c.status], 0);
  let score = Math.round((100 * got) / total);
  if (verdict === 'incompatible') score = Math.min(score, 39);

  return { verdict, score, blacklisted, criteria, blockers, recommendations: recommend(criteria, ctx), checklist: [...CHECKLIST] };
}
