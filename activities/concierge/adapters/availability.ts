/**
 * Availability opinions: whois through `whoiser` (registry answer classified by whois-text.ts) and
 * RDAP over HTTP (200 = registered, 404 = free). Both are opinions; the registrar's check is the
 * final word (see `combineAvailability`). WHOIS_HOST points every query at one server (tests:
 * the loopback fixture); unset, whoiser finds the TLD's registry server itself.
 */
import { domain as whoisDomain } from 'whoiser';
import type { Config } from '../../../core/config.js';
import type { AvailabilityLookup, RegistrarCheck } from '../ports.js';
import { whoisVerdict } from './whois-text.js';

type AvailabilityConfig = Pick<Config, 'WHOIS_HOST' | 'WHOIS_TIMEOUT_MS' | 'RDAP_BASE_URL'>;

export interface AvailabilityEndpoints {
  whoisHost?: string;
  rdapBaseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export function availabilityEndpoints(config: AvailabilityConfig): AvailabilityEndpoints {
  return {
    ...(config.WHOIS_HOST ? { whoisHost: config.WHOIS_HOST } : {}),
    rdapBaseUrl: config.RDAP_BASE_URL,
    timeoutMs: config.WHOIS_TIMEOUT_MS,
  };
}

export function createAvailabilityLookup(endpoints: AvailabilityEndpoints): AvailabilityLookup {
  const doFetch = endpoints.fetch ?? fetch;
  const base = endpoints.rdapBaseUrl.endsWith('/') ? endpoints.rdapBaseUrl : `${endpoints.rdapBaseUrl}/`;
  return {
    async whois(domain) {
      const results = await whoisDomain(domain, {
        ...(endpoints.whoisHost ? { host: endpoints.whoisHost } : {}),
        timeout: endpoints.timeoutMs,
        follow: 1,
        raw: true,
      });
      const first = Object.values(results)[0] as { __raw?: string; error?: string } | undefined;
      if (!first) return { available: null, detail: 'no whois server answered' };
      if (first.error && !first.__raw) return { available: null, detail: `whois failed: ${first.error}` };
      return whoisVerdict(first.__raw);
    },

    async rdap(domain) {
      const res = await doFetch(new URL(`domain/${encodeURIComponent(domain)}`, base), {
        headers: { accept: 'application/rdap+json, application/json' },
        redirect: 'follow',
        signal: AbortSignal.timeout(endpoints.timeoutMs),
      });
      await res.body?.cancel();
      if (res.status === 200) return { available: false, detail: 'RDAP: registered' };
      if (res.status === 404) return { available: true, detail: 'RDAP: not found' };
      return { available: null, detail: `RDAP answered ${res.status}` };
    },
  };
}

export interface AvailabilityDecision {
  domain: string;
  available: boolean;
  premium: boolean;
  premiumPrice?: number;
  /** whois or RDAP said otherwise than the registrar (worth a log line). */
  disagreement: boolean;
  opinions: { whois: boolean | null; rdap: boolean | null; registrar: boolean };
}

/** The registrar decides; whois and RDAP only flag a disagreement. */
export function combineAvailability(
  whois: { available: boolean | null },
  rdap: { available: boolean | null },
  registrar: RegistrarCheck,
): AvailabilityDecision {
  const disagree = (o: boolean | null) => o !== null && o !== registrar.available;
  return {
    domain: registrar.domain,
    available: registrar.available,
    premium: registrar.premium,
    ...(registrar.premiumPrice !== undefined ? { premiumPrice: registrar.premiumPrice } : {}),
    disagreement: disagree(whois.available) || disagree(rdap.available),
    opinions: { whois: whois.available, rdap: rdap.available, registrar: registrar.available },
  };
}
