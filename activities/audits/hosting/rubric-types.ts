/**
 * The rubric's shapes (tiers, criteria, the result) and the vocabulary its judges share: a judge
 * reads the probes' results (`Ctx`) and answers pass / fail / unknown with a reason.
 */
import type { CertificateCheck } from './certificate-checks.js';
import type { ProviderIdentification } from './identify-provider.js';
import type { Stack } from './stack.js';
import { t, type Text } from './text.js';
import type { BrowserResult, DnsResult, HttpResult, ProbeOutcome, ProbeResults, TlsResult } from './types.js';

export type Tier = 'minimum' | 'recommended' | 'enterprise';
export const TIERS: readonly Tier[] = ['minimum', 'recommended', 'enterprise'];
export type Verdict = 'incompatible' | Tier;
export type CriterionStatus = 'pass' | 'fail' | 'unknown';

export interface Criterion {
  id: string;
  tier: Tier;
  label: Text;
  /** The brief's expected value for this row. */
  expected: Text;
  status: CriterionStatus;
  reason: Text;
  /** Observable from outside; the others always stay unknown and are for the host to confirm. */
  observable: boolean;
  /** Must pass (not merely not fail) for the tier to be granted. */
  required: boolean;
  /**
   * A failure withholds the tier. CDN, compression and HTTP/3 are not blocking: they are the site's
   * own optimisations (the brief's "Optimisations d'urgence"), possible on any host, so they lower
   * the score and come back as recommendations without deciding the host's tier.
   */
  blocking: boolean;
  /** Passes, with a caveat (Apache: "works, but slow"). */
  warning?: Text;
  /** The certificate's faults one by one (ssl-valid only). */
  checks?: CertificateCheck[];
}

export interface Recommendation {
  id: string;
  priority: number;
  text: Text;
}

export interface RubricResult {
  verdict: Verdict;
  score: number;
  blacklisted: boolean;
  criteria: Criterion[];
  /** Why the next tier up was not granted. */
  blockers: Array<{ criterion: string; reason: Text }>;
  recommendations: Recommendation[];
  /** Questions of the brief's checklist to ask the host (what cannot be observed). */
  checklist: Text[];
}

export interface RubricInput {
  probes: ProbeResults;
  provider: ProviderIdentification;
  /** Server kind and panel, for the advice (derived from the HTTP probe when absent). */
  stack?: Stack;
}

export const data = <T>(o: ProbeOutcome<T>): T | null => (o.ok ? o.data : null);
export const probeError = (o: ProbeOutcome<unknown>): string => (o.ok ? '' : o.error);

export type Judge = Pick<Criterion, 'status' | 'reason'> & { warning?: Text; checks?: CertificateCheck[] };
export const pass = (reason: Text, warning?: Text): Judge => ({ status: 'pass', reason, ...(warning ? { warning } : {}) });
export const fail = (reason: Text): Judge => ({ status: 'fail', reason });
export const unknown = (reason: Text): Judge => ({ status: 'unknown', reason });

export const ASK_HOST = t('Non observable depuis l’extérieur : à confirmer par l’hébergeur.', 'Not observable from outside: ask the host to confirm.');

export interface Ctx {
  dns: DnsResult | null;
  http: HttpResult | null;
  tls: TlsResult | null;
  browser: BrowserResult | null;
  provider: ProviderIdentification;
  probes: ProbeResults;
  stack: Stack;
}

export function httpUnknown(ctx: Ctx): Judge | null {
  if (ctx.dns && !ctx.dns.resolves)
    return unknown(t(`Le domaine ne résout pas (${ctx.dns.error ?? 'aucune adresse'}).`, `The domain does not resolve (${ctx.dns.error ?? 'no address'}).`));
  if (!ctx.http) return unknown(t(`Sonde HTTP en échec : ${probeError(ctx.probes.http)}`, `HTTP probe failed: ${probeError(ctx.probes.http)}`));
  if (!ctx.http.reachable) return unknown(t(`Site injoignable : ${ctx.http.error}`, `Site unreachable: ${ctx.http.error}`));
  return null;
}
