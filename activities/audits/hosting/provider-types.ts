/**
 * The shape of a hosting provider the audit recognises: its fingerprints (suffixes of host names,
 * response headers with an optional value pattern) and the class the rubric judges it by.
 */

/**
 * - shared-blacklisted: a shared plan the brief lists as incompatible (HostGator, GoDaddy, Bluehost, NameCheap)
 * - shared-recommended: a shared plan the brief's matrix lists as compatible (ChemiCloud, SiteGround, A2)
 * - shared: other shared hosting (resources shared, limits unknown)
 * - managed: managed hosting with guaranteed resources (Kinsta, WP Engine, Cloudways)
 * - vps: virtual or dedicated servers (OVH VPS, DigitalOcean, Hetzner, Scaleway...)
 * - cloud: a hyperscaler (AWS, Google Cloud, Azure): dedicated resources, auto-scaling available
 * - cdn: a CDN / reverse proxy in front of the real host
 * - mixed: the provider sells shared and dedicated plans and the fingerprint does not tell which
 */
export type ProviderClass = 'shared-blacklisted' | 'shared-recommended' | 'shared' | 'managed' | 'vps' | 'cloud' | 'cdn' | 'mixed';

export interface HeaderFingerprint {
  name: string;
  /** Case-insensitive regular expression the header's value must match; absent = any value. */
  pattern?: string;
}

export interface MatrixEntry {
  budget: 'small' | 'medium' | 'enterprise';
  plan: string;
  resources: string;
  pricePerMonth: string;
  compatibility: 'PARFAIT' | 'EXCELLENT' | 'BON';
}

export interface BlacklistEntry {
  plans: string[];
  problem: string;
  impact: string;
}

export interface Provider {
  id: string;
  name: string;
  class: ProviderClass;
  nameservers: string[];
  rdns: string[];
  headers: HeaderFingerprint[];
  /**
   * Host names the provider's servers carry (suffixes): looked for in response header values (also
   * base64-decoded: Bluehost's `host-header` is `shared.bluehost.com` in base64), in the page's links
   * and assets (`gator4123.hostgator.com/~user`), and in the certificate's names (a shared server's
   * default certificate). Defaults to `rdns`.
   */
  hostnames?: string[];
  /** Patterns (case-insensitive) for the page: the provider's name on its default / parking / suspended page. */
  page?: string[];
  /** Pattern for the certificate issuer: a CA only the provider uses for its customers (weak evidence). */
  certIssuer?: string;
  /** A family entry (a group's shared cache header): evidence joins the member identified beside it. */
  members?: string[];
  /** Rows of the brief's compatibility matrix (recommended hosts). */
  matrix?: MatrixEntry[];
  /** The brief's blacklist row. */
  blacklist?: BlacklistEntry;
}
