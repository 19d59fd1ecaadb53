/** Everything the concierge activities talk to, as ports (see ports.ts and payments.ts). */
import type { AvailabilityLookup, CertificateAuthority, DnsProvider, Registrar, SiteHost } from './ports.js';
import type { Payments } from './payments.js';

export interface ConciergePorts {
  availability: AvailabilityLookup;
  registrar: Registrar;
  dns: DnsProvider;
  ca: CertificateAuthority;
  host: SiteHost;
  payments: Payments;
}
