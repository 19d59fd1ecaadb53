/**
 * The narrow ports the concierge saga talks to. Real adapters (adapters/*.ts) use the official SDKs
 * or wire APIs; tests point the same adapters at local peers (stripe-mock, Pebble, fakes).
 * Every write is idempotent: check-before-create, idempotency keys, upserts.
 */

export interface Contact {
  firstName: string;
  lastName: string;
  organization?: string;
  email: string;
  phone: string; // E.164-ish, e.g. +33.612345678 for Namecheap
  address1: string;
  city: string;
  /** State / province / region; registrars that require one get the city when absent. */
  stateProvince?: string;
  postalCode: string;
  country: string; // ISO 3166-1 alpha-2
}

/** whois + RDAP: a first and second opinion on availability; the registrar has the final word. */
export interface AvailabilityLookup {
  whois(domain: string): Promise<{ available: boolean | null; detail?: string }>;
  rdap(domain: string): Promise<{ available: boolean | null; detail?: string }>;
}

export interface RegistrarCheck {
  domain: string;
  available: boolean;
  premium: boolean;
  /** Registration price for premium names, in the registrar's currency. */
  premiumPrice?: number;
}

export interface Registrar {
  /** Namecheap `namecheap.domains.check`, up to 50 names per call. */
  check(domains: string[]): Promise<RegistrarCheck[]>;
  /** Whether our account already owns the domain (check-before-create), with its nameservers. */
  getOwned(domain: string): Promise<{ owned: boolean; nameservers: string[] }>;
  /** `namecheap.domains.create` with contacts and custom nameservers. Throws on refusal. */
  register(input: {
    domain: string;
    years: number;
    contact: Contact;
    nameservers: string[];
  }): Promise<{ domain: string; orderId: string; chargedAmount: number }>;
  /** `namecheap.domains.dns.setCustom`: points an owned domain at the given nameservers. */
  setNameservers(domain: string, nameservers: string[]): Promise<void>;
}

export interface DnsRecordInput {
  type: 'A' | 'AAAA' | 'CNAME' | 'TXT';
  name: string; // fully qualified
  content: string;
  ttl?: number;
  proxied?: boolean;
}

export interface DnsProvider {
  /** Finds the zone for `domain` or creates it; returns its id and the nameservers to delegate to. */
  ensureZone(domain: string): Promise<{ zoneId: string; nameservers: string[] }>;
  /** Creates or updates the one record of this type and name (idempotent). */
  upsertRecord(zoneId: string, record: DnsRecordInput): Promise<{ id: string }>;
  /** Adds a record even when one of the same name exists (ACME TXT challenges). */
  createRecord(zoneId: string, record: DnsRecordInput): Promise<{ id: string }>;
  deleteRecord(zoneId: string, recordId: string): Promise<void>;
  listRecords(zoneId: string, filter?: { type?: DnsRecordInput['type']; name?: string }): Promise<Array<DnsRecordInput & { id: string }>>;
}

export interface IssuedCertificate {
  certPem: string; // leaf + chain, as served
  keyPem: string;
  notAfter: string; // ISO date
}

export interface CertificateAuthority {
  /** ACME order with DNS-01 answered through `dns` (TXT records removed afterwards). */
  issue(input: { domains: string[]; zoneId: string; dns: DnsProvider; accountEmail: string }): Promise<IssuedCertificate>;
}

export interface SiteFiles {
  /** Absolute path of a folder whose contents become the web root. */
  dir: string;
}

/** Where sites are published. The first adapter writes a web root + virtual host on our server. */
export interface SiteHost {
  readonly kind: string;
  /** The addresses the domain's A / AAAA records must point to. */
  addresses(): Promise<{ ipv4: string[]; ipv6: string[] }>;
  publish(domain: string, files: SiteFiles): Promise<{ webRoot: string }>;
  installCertificate(domain: string, cert: IssuedCertificate): Promise<void>;
  /** Removes the site (compensation). Idempotent. */
  unpublish(domain: string): Promise<void>;
}
