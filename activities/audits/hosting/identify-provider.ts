/**
 * Which provider hosts a site, from three kinds of evidence: the zone's nameservers, the reverse DNS
 * of the addresses, and response headers. Pure.
 *
 * Reverse DNS and headers say where the site runs; nameservers only say who serves the DNS zone
 * (often the registrar), so they count less. A CDN in front (Cloudflare...) hides the real host:
 * it is reported apart, and the host is what remains.
 */
import { PROVIDERS, type Provider, type ProviderClass } from './providers.js';

export type EvidenceKind = 'nameserver' | 'rdns' | 'header';

export interface Evidence {
  providerId: string;
  kind: EvidenceKind;
  detail: string;
}

export interface ProviderMatch {
  id: string;
  name: string;
  class: ProviderClass;
  score: number;
  evidence: Evidence[];
  blacklisted: boolean;
  recommended: boolean;
}

export interface ProviderIdentification {
  /** The host the site most likely runs on (null when unknown). */
  hosting: ProviderMatch | null;
  /** CDNs / reverse proxies in front of the site. */
  cdn: ProviderMatch[];
  /** Who serves the DNS zone, from the nameservers alone. */
  dns: ProviderMatch | null;
  /** 'high' when reverse DNS or headers agree, 'low' when only the nameservers point at it. */
  confidence: 'high' | 'low' | 'none';
}

export interface ProviderSignals {
  nameservers: readonly string[];
  reverseDns: readonly string[];
  headers: Readonly<Record<string, string>>;
}

const WEIGHT: Record<EvidenceKind, number> = { rdns: 5, header: 4, nameserver: 2 };

/** Whether a host name matches a fingerprint: equal, a subdomain of it, or (for `xxx-`) containing it. */
export function hostMatches(host: string, fingerprint: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const f = fingerprint.toLowerCase();
  if (f.endsWith('-')) return h.includes(f);
  return h === f || h.endsWith(`.${f}`);
}

function headerMatches(headers: Readonly<Record<string, string>>, name: string, pattern?: string): string | null {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return null;
  if (pattern && !new RegExp(pattern, 'i').test(value)) return null;
  return `${name}: ${value}`.slice(0, 200);
}

export function collectEvidence(signals: ProviderSignals, providers: readonly Provider[] = PROVIDERS): Evidence[] {
  const headers = Object.fromEntries(Object.entries(signals.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Evidence[] = [];
  for (const p of providers) {
    for (const ns of signals.nameservers) {
      if (p.nameservers.some((f) => hostMatches(ns, f))) out.push({ providerId: p.id, kind: 'nameserver', detail: ns });
    }
    for (const r of signals.reverseDns) {
      if (p.rdns.some((f) => hostMatches(r, f))) out.push({ providerId: p.id, kind: 'rdns', detail: r });
    }
    for (const h of p.headers) {
      const hit = headerMatches(headers, h.name, h.pattern);
      if (hit) out.push({ providerId: p.id, kind: 'header', detail: hit });
    }
  }
  return out;
}

function toMatch(p: Provider, evidence: Evidence[]): ProviderMatch {
  // one point per kind of evidence, so ten Cloudflare headers do not outweigh a reverse DNS
  const kinds = new Set(evidence.map((e) => e.kind));
  const score = [...kinds].reduce((s, k) => s + WEIGHT[k], 0);
  return {
    id: p.id,
    name: p.name,
    class: p.class,
    score,
    evidence,
    blacklisted: p.class === 'shared-blacklisted',
    recommended: Boolean(p.matrix?.length),
  };
}

/** More specific entries win ties (OVH shared over OVH generic: same evidence, narrower class). */
const SPECIFICITY: Record<ProviderClass, number> = {
  'shared-blacklisted': 3, 'shared-recommended': 3, shared: 2, managed: 3, vps: 2, cloud: 2, cdn: 1, mixed: 0,
};

export function identifyProvider(signals: ProviderSignals, providers: readonly Provider[] = PROVIDERS): ProviderIdentification {
  const evidence = collectEvidence(signals, providers);
  const byProvider = new Map<string, Evidence[]>();
  for (const e of evidence) byProvider.set(e.providerId, [...(byProvider.get(e.providerId) ?? []), e]);
  const matches = [...byProvider.entries()]
    .map(([id, ev]) => toMatch(providers.find((p) => p.id === id)!, ev))
    .sort((a, b) => b.score - a.score || SPECIFICITY[b.class] - SPECIFICITY[a.class] || a.id.localeCompare(b.id));

  const cdn = matches.filter((m) => m.class === 'cdn' && m.evidence.some((e) => e.kind !== 'nameserver'));
  const cdnIds = new Set(matches.filter((m) => m.class === 'cdn').map((m) => m.id));
  const hostCandidates = matches.filter((m) => !cdnIds.has(m.id));
  const dnsMatch = matches.filter((m) => m.evidence.some((e) => e.kind === 'nameserver')).map((m) => ({
    ...m,
    evidence: m.evidence.filter((e) => e.kind === 'nameserver'),
  }))[0] ?? null;

  const strong = hostCandidates.filter((m) => m.evidence.some((e) => e.kind !== 'nameserver'));
  let hosting: ProviderMatch | null = strong[0] ?? null;
  let confidence: ProviderIdentification['confidence'] = hosting ? 'high' : 'none';
  // Nameservers alone: trusted as the host only when no CDN stands in front and nothing contradicts.
  if (!hosting && cdn.length === 0) {
    hosting = hostCandidates[0] ?? null;
    confidence = hosting ? 'low' : 'none';
  }
  return { hosting, cdn, dns: dnsMatch, confidence };
}
