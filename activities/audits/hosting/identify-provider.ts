/**
 * Which provider hosts a site, from every kind of evidence: response headers (fingerprints, and the
 * provider's server names inside header values, base64 too), the page (links to the provider's
 * servers, its name on a default / parking / suspended page or in "hosted by"), the TLS
 * certificate (a shared server's own names; a provider-only issuer, weakly), the zone's
 * nameservers and the reverse DNS of the addresses. Pure.
 *
 * Reverse DNS, headers, the page and the certificate's names say where the site runs; nameservers
 * only say who serves the DNS zone (often the registrar), so they count less, and so does an
 * issuer. A CDN in front (Cloudflare...) hides the real host: it is reported apart, and the host is
 * what remains. A family's shared header (Endurance / Newfold page cache) joins the member
 * identified beside it (HostGator, Bluehost), or stands for the family when none is.
 */
import type { PageSignals } from './page-signals.js';
import type { Provider, ProviderClass } from './provider-types.js';
import { PROVIDERS } from './providers.js';

export type EvidenceKind = 'nameserver' | 'rdns' | 'header' | 'page' | 'certificate';

export interface Evidence {
  providerId: string;
  kind: EvidenceKind;
  detail: string;
  /** How much it says about where the site runs: 5 reverse DNS … 1 a certificate issuer. */
  weight: number;
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
  /** 'high' when reverse DNS, headers, the page or the certificate's names point at it; 'low' on nameservers or an issuer alone. */
  confidence: 'high' | 'low' | 'none';
}

export interface ProviderSignals {
  nameservers: readonly string[];
  reverseDns: readonly string[];
  headers: Readonly<Record<string, string>>;
  page?: PageSignals | null;
  certificate?: { issuer: string | null; names: readonly string[] } | null;
}

const WEIGHT = { rdns: 5, header: 4, page: 3, certificate: 3, issuer: 1, nameserver: 2 } as const;
/** Evidence at least this heavy says where the site runs (not only who serves its DNS). */
const STRONG = 3;

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

/** Headers that name third parties (policies, reporting, preload links), not the server. */
const NOT_SERVER_HEADERS = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'report-to',
  'nel',
  'link',
  'access-control-allow-origin',
  'permissions-policy',
  'set-cookie',
]);
const HOSTNAME = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b/gi;

/** Host names in a header value, and in its base64 decoding when it is one (`c2hhcmVkLmJsdWVob3N0LmNvbQ==`). */
export function hostnamesIn(value: string): string[] {
  const out = [...value.matchAll(HOSTNAME)].map((m) => m[0].toLowerCase());
  const v = value.trim();
  if (/^[A-Za-z0-9+/]{12,}={0,2}$/.test(v) && v.length % 4 === 0) {
    const decoded = Buffer.from(v, 'base64').toString('latin1');
    if (/^[\x20-\x7e]+$/.test(decoded)) out.push(...[...decoded.matchAll(HOSTNAME)].map((m) => m[0].toLowerCase()));
  }
  return out;
}

const serverNames = (p: Provider) => [...new Set([...(p.hostnames ?? []), ...p.rdns])];
const HOSTED_BY = '(?:hosted (?:by|with|on|at)|h[ée]berg[ée]e?s? (?:par|chez)|propuls[ée] par)\\W{0,3}';

function pageEvidence(p: Provider, page: PageSignals): Evidence[] {
  const out: Evidence[] = [];
  const names = serverNames(p);
  // a link to one of the provider's servers (gator4123.hostgator.com/~user); its home page only on a default page
  for (const host of page.hosts) {
    const suffix = names.find((f) => hostMatches(host, f));
    if (!suffix) continue;
    const bare = host === suffix || host === `www.${suffix}`;
    if (!bare || page.defaultPage || page.panelPaths.length) out.push({ providerId: p.id, kind: 'page', detail: `link to ${host}`, weight: WEIGHT.page });
  }
  const body = `${page.title ?? ''} ${page.text}`;
  for (const pat of p.page ?? []) {
    const hostPage = page.defaultPage || page.panelPaths.length > 0;
    const m = new RegExp(hostPage ? pat : `${HOSTED_BY}(?:${pat})`, 'i').exec(body);
    if (m)
      out.push({
        providerId: p.id,
        kind: 'page',
        detail: `${hostPage ? `${page.defaultPage ? 'default page' : page.panelPaths[0]} naming` : ''} “${m[0].trim()}”`.trim().slice(0, 200),
        weight: WEIGHT.page,
      });
  }
  return out;
}

export function collectEvidence(signals: ProviderSignals, providers: readonly Provider[] = PROVIDERS): Evidence[] {
  const headers = Object.fromEntries(Object.entries(signals.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const headerHosts = Object.entries(headers)
    .filter(([k]) => !NOT_SERVER_HEADERS.has(k))
    .flatMap(([k, v]) => hostnamesIn(v).map((host) => ({ header: k, host })));
  const certNames = (signals.certificate?.names ?? []).map((n) => n.toLowerCase().replace(/^\*\./, ''));
  const out: Evidence[] = [];
  for (const p of providers) {
    const add = (kind: EvidenceKind, detail: string, weight: number) => {
      if (!out.some((e) => e.providerId === p.id && e.kind === kind && e.detail === detail)) out.push({ providerId: p.id, kind, detail, weight });
    };
    for (const ns of signals.nameservers) {
      if (p.nameservers.some((f) => hostMatches(ns, f))) add('nameserver', ns, WEIGHT.nameserver);
    }
    for (const r of signals.reverseDns) {
      if (p.rdns.some((f) => hostMatches(r, f))) add('rdns', r, WEIGHT.rdns);
    }
    for (const h of p.headers) {
      const hit = headerMatches(headers, h.name, h.pattern);
      if (hit) add('header', hit, WEIGHT.header);
    }
    const names = serverNames(p);
    for (const { header, host } of headerHosts) {
      if (names.some((f) => hostMatches(host, f))) add('header', `${header} names ${host}`, WEIGHT.header);
    }
    if (signals.page) for (const e of pageEvidence(p, signals.page)) add(e.kind, e.detail, e.weight);
    for (const n of certNames) {
      if (names.some((f) => hostMatches(n, f))) add('certificate', `certificate for ${n}`, WEIGHT.certificate);
    }
    const issuer = signals.certificate?.issuer;
    if (issuer && p.certIssuer && new RegExp(p.certIssuer, 'i').test(issuer)) add('certificate', `issued by ${issuer}`, WEIGHT.issuer);
  }
  return out;
}

/** A family's evidence joins its best member identified beside it; alone, the family stands. */
function mergeFamilies(byProvider: Map<string, Evidence[]>, providers: readonly Provider[]): void {
  for (const fam of providers.filter((p) => p.members?.length)) {
    const ev = byProvider.get(fam.id);
    if (!ev) continue;
    const member = fam.members!.filter((m) => byProvider.has(m)).sort((x, y) => score(byProvider.get(y)!) - score(byProvider.get(x)!))[0];
    if (!member) continue;
    byProvider.set(member, [...byProvider.get(member)!, ...ev.map((e) => ({ ...e, providerId: member }))]);
    byProvider.delete(fam.id);
  }
}

/** The heaviest evidence of each kind, summed: ten Cloudflare headers do not outweigh a reverse DNS. */
function score(evidence: readonly Evidence[]): number {
  const best = new Map<EvidenceKind, number>();
  for (const e of evidence) best.set(e.kind, Math.max(best.get(e.kind) ?? 0, e.weight));
  return [...best.values()].reduce((a, b) => a + b, 0);
}

function toMatch(p: Provider, evidence: Evidence[]): ProviderMatch {
  return {
    id: p.id,
    name: p.name,
    class: p.class,
    score: score(evidence),
    evidence,
    blacklisted: p.class === 'shared-blacklisted',
    recommended: Boolean(p.matrix?.length),
  };
}

/** More specific entries win ties (OVH shared over OVH generic: same evidence, narrower class). */
const SPECIFICITY: Record<ProviderClass, number> = {
  'shared-blacklisted': 3,
  'shared-recommended': 3,
  shared: 2,
  managed: 3,
  vps: 2,
  cloud: 2,
  cdn: 1,
  mixed: 0,
};

export function identifyProvider(signals: ProviderSignals, providers: readonly Provider[] = PROVIDERS): ProviderIdentification {
  const evidence = collectEvidence(signals, providers);
  const byProvider = new Map<string, Evidence[]>();
  for (const e of evidence) byProvider.set(e.providerId, [...(byProvider.get(e.providerId) ?? []), e]);
  mergeFamilies(byProvider, providers);
  const matches = [...byProvider.entries()]
    .map(([id, ev]) =>
      toMatch(
        providers.find((p) => p.id === id)!,
        ev,
      ),
    )
    .sort((a, b) => b.score - a.score || SPECIFICITY[b.class] - SPECIFICITY[a.class] || a.id.localeCompare(b.id));

  const isStrong = (e: Evidence) => e.kind !== 'nameserver' && e.weight >= STRONG;
  const cdn = matches.filter((m) => m.class === 'cdn' && m.evidence.some(isStrong));
  const cdnIds = new Set(matches.filter((m) => m.class === 'cdn').map((m) => m.id));
  const hostCandidates = matches.filter((m) => !cdnIds.has(m.id));
  const dnsMatch =
    matches
      .filter((m) => m.evidence.some((e) => e.kind === 'nameserver'))
      .map((m) => ({
        ...m,
        evidence: m.evidence.filter((e) => e.kind === 'nameserver'),
      }))[0] ?? null;

  const strong = hostCandidates.filter((m) => m.evidence.some(isStrong));
  let hosting: ProviderMatch | null = strong[0] ?? null;
  let confidence: ProviderIdentification['confidence'] = hosting ? 'high' : 'none';
  // Nameservers (or an issuer) alone: trusted as the host only when no CDN stands in front and nothing contradicts.
  if (!hosting && cdn.length === 0) {
    hosting = hostCandidates[0] ?? null;
    confidence = hosting ? 'low' : 'none';
  }
  return { hosting, cdn, dns: dnsMatch, confidence };
}
