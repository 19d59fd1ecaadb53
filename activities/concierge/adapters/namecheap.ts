/**
 * The registrar port over Namecheap's XML API (`/xml.response`, form-encoded POST, answers parsed
 * by namecheap-xml.ts). Refusals become non-retryable `ApplicationFailure`s of type
 * `registrar-refused`; transport failures and Namecheap's temporary provider errors are retryable
 * (`registrar-unavailable`). `register` checks before it creates, so a retry after a lost answer
 * finds the domain already ours instead of buying it twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { Contact, Registrar, RegistrarCheck } from '../ports.js';
import {
  checkResults,
  createResult,
  infoNameservers,
  isNotAvailable,
  isTransient,
  listedDomains,
  parseNamecheap,
  type NamecheapResponse,
} from './namecheap-xml.js';

type NamecheapConfig = Pick<Config, 'NAMECHEAP_API_URL' | 'NAMECHEAP_API_USER' | 'NAMECHEAP_API_KEY' | 'NAMECHEAP_USERNAME' | 'NAMECHEAP_CLIENT_IP'>;

export const REGISTRAR_REFUSED = 'registrar-refused';
export const REGISTRAR_UNAVAILABLE = 'registrar-unavailable';

const CONTACT_ROLES = ['Registrant', 'Tech', 'Admin', 'AuxBilling'] as const;

export function contactParams(contact: Contact): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of CONTACT_ROLES) {
    out[`${role}FirstName`] = contact.firstName;
    out[`${role}LastName`] = contact.lastName;
    if (contact.organization) out[`${role}OrganizationName`] = contact.organization;
    out[`${role}Address1`] = contact.address1;
    out[`${role}City`] = contact.city;
    out[`${role}StateProvince`] = contact.stateProvince ?? contact.city;
    out[`${role}PostalCode`] = contact.postalCode;
    out[`${role}Country`] = contact.country.toUpperCase();
    out[`${role}Phone`] = contact.phone;
    out[`${role}EmailAddress`] = contact.email;
  }
  return out;
}

export function createNamecheapRegistrar(config: NamecheapConfig, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Registrar {
  const doFetch = opts.fetch ?? fetch;

  async function call(command: string, params: Record<string, string>): Promise<NamecheapResponse> {
    const form = new URLSearchParams({
      ApiUser: config.NAMECHEAP_API_USER,
      ApiKey: config.NAMECHEAP_API_KEY,
      UserName: config.NAMECHEAP_USERNAME ?? config.NAMECHEAP_API_USER,
      ClientIp: config.NAMECHEAP_CLIENT_IP,
      Command: command,
      ...params,
    });
    let res: Response;
    try {
      res = await doFetch(config.NAMECHEAP_API_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw ApplicationFailure.retryable(`Namecheap ${command} unreachable: ${(err as Error).message}`, REGISTRAR_UNAVAILABLE);
    }
    const text = await res.text();
    if (res.status !== 200) throw ApplicationFailure.retryable(`Namecheap ${command} answered HTTP ${res.status}`, REGISTRAR_UNAVAILABLE);
    return parseNamecheap(text);
  }

  function fail(command: string, r: NamecheapResponse): never {
    const msg = r.errors.map((e) => `${e.number}: ${e.message}`).join('; ') || 'status ERROR without errors';
    if (r.errors.length > 0 && r.errors.every(isTransient)) {
      throw ApplicationFailure.retryable(`Namecheap ${command} failed: ${msg}`, REGISTRAR_UNAVAILABLE, r.errors);
    }
    throw ApplicationFailure.nonRetryable(`Namecheap ${command} refused: ${msg}`, REGISTRAR_REFUSED, r.errors);
  }

  async function ok(command: string, params: Record<string, string>): Promise<NamecheapResponse> {
    const r = await call(command, params);
    if (!r.ok) fail(command, r);
    return r;
  }

  const registrar: Registrar = {
    async check(domains) {
      if (domains.length === 0) return [];
      const out: RegistrarCheck[] = [];
      for (let i = 0; i < domains.length; i += 50) {
        const batch = domains.slice(i, i + 50).map((d) => d.toLowerCase());
        const r = await ok('namecheap.domains.check', { DomainList: batch.join(',') });
        const rows = new Map(checkResults(r.body).map((c) => [c.domain, c]));
        for (const d of batch) {
          const c = rows.get(d);
          if (!c) throw ApplicationFailure.retryable(`Namecheap domains.check did not answer for ${d}`, REGISTRAR_UNAVAILABLE);
          // a per-name error (unsupported TLD, ...) means it cannot be registered through us
          out.push({
            domain: d,
            available: c.available && c.errorNo === 0,
            premium: c.premium,
            ...(c.premiumPrice !== undefined ? { premiumPrice: c.premiumPrice } : {}),
          });
        }
      }
      return out;
    },

    async getOwned(domain) {
      const d = domain.toLowerCase();
      const list = await ok('namecheap.domains.getList', { ListType: 'ALL', SearchTerm: d, PageSize: '100', Page: '1' });
      if (!listedDomains(list.body).includes(d)) return { owned: false, nameservers: [] };
      const info = await ok('namecheap.domains.getInfo', { DomainName: d });
      return { owned: true, nameservers: infoNameservers(info.body) };
    },

    async register({ domain, years, contact, nameservers }) {
      const d = domain.toLowerCase();
      const alreadyOurs = async () => {
        const owned = await registrar.getOwned(d);
        return owned.owned ? { domain: d, orderId: 'already-registered', chargedAmount: 0 } : null;
      };
      const [check] = await registrar.check([d]);
      if (!check?.available) {
        const ours = await alreadyOurs();
        if (ours) return ours;
        throw ApplicationFailure.nonRetryable(`${d} is not available for registration`, REGISTRAR_REFUSED);
      }
      const r = await call('namecheap.domains.create', {
        DomainName: d,
        Years: String(years),
        ...(nameservers.length ? { Nameservers: nameservers.join(',') } : {}),
        ...(check.premium ? { IsPremiumDomain: 'true', PremiumPrice: String(check.premiumPrice ?? 0) } : {}),
        AddFreeWhoisguard: 'no',
        WGEnabled: 'no',
        ...contactParams(contact),
      });
      if (!r.ok) {
        if (r.errors.some(isNotAvailable)) {
          const ours = await alreadyOurs();
          if (ours) return ours;
        }
        fail('namecheap.domains.create', r);
      }
      const created = createResult(r.body);
      if (!created.registered) throw ApplicationFailure.nonRetryable(`Namecheap did not register ${d}`, REGISTRAR_REFUSED);
      return { domain: d, orderId: created.orderId, chargedAmount: created.chargedAmount };
    },

    async setNameservers(domain, nameservers) {
      const d = domain.toLowerCase();
      const dot = d.indexOf('.');
      await ok('namecheap.domains.dns.setCustom', { SLD: d.slice(0, dot), TLD: d.slice(dot + 1), Nameservers: nameservers.join(',') });
    },
  };
  return registrar;
}
