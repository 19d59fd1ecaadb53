/**
 * Hosting providers the audit recognises, with the fingerprints that identify them and the class
 * the rubric judges them by. Covers every provider of the brief's compatibility matrix and its
 * blacklist (seeds/000), the VPS providers of seeds/001, and the common others.
 *
 * Fingerprints are suffixes of host names (nameservers, reverse DNS) and response headers (a name,
 * optionally a pattern its value must match). Pure data: safe to import anywhere.
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

export const PROVIDERS: readonly Provider[] = [
  // --- the brief's matrix: recommended ---
  {
    id: 'chemicloud',
    name: 'ChemiCloud',
    class: 'shared-recommended',
    nameservers: ['chemicloud.com', 'chemicloud.net'],
    rdns: ['chemicloud.com', 'chemicloudservers.com', 'chemicloud.net'],
    headers: [],
    page: ['\\bchemicloud\\b'],
    matrix: [{ budget: 'small', plan: 'Starter', resources: '~25k visites/mois', pricePerMonth: '$2.95', compatibility: 'EXCELLENT' }],
  },
  {
    id: 'siteground',
    name: 'SiteGround',
    class: 'shared-recommended',
    nameservers: ['siteground.net', 'siteground.com', 'siteground.eu'],
    rdns: ['siteground.com', 'siteground.net', 'siteground.eu', 'sgvps.net', 'sgcpanel.com', 'sgsrv.net'],
    headers: [{ name: 'host-header', pattern: '^6b7412fb82ca5edfd0917e3957f05d89$' }, { name: 'x-siteground-optimizer' }, { name: 'x-sg-cache' }],
    page: ['\\bsiteground\\b'],
    matrix: [{ budget: 'small', plan: 'StartUp', resources: '~10k visites/mois', pricePerMonth: '$4.95', compatibility: 'EXCELLENT' }],
  },
  {
    id: 'a2hosting',
    name: 'A2 Hosting',
    class: 'shared-recommended',
    nameservers: ['a2hosting.com'],
    rdns: ['a2hosting.com', 'supercp.com', 'a2webhosting.com'],
    headers: [],
    page: ['\\ba2 ?hosting\\b'],
    matrix: [{ budget: 'small', plan: 'Lite', resources: 'Ressources partagées', pricePerMonth: '$3.95', compatibility: 'BON' }],
  },
  {
    id: 'cloudways',
    name: 'Cloudways',
    class: 'managed',
    nameservers: [],
    rdns: ['cloudwaysapps.com', 'cloudways.com'],
    headers: [{ name: 'x-cloudways-cache' }],
    page: ['\\bcloudways\\b'],
    matrix: [
      { budget: 'medium', plan: 'Vultr Basic', resources: '1 core / 1GB dédiés', pricePerMonth: '$10', compatibility: 'PARFAIT' },
      { budget: 'enterprise', plan: 'High Frequency', resources: '4 cores / 8GB dédiés', pricePerMonth: '$50', compatibility: 'PARFAIT' },
    ],
  },
  {
    id: 'kinsta',
    name: 'Kinsta',
    class: 'managed',
    nameservers: ['kinsta.com'],
    rdns: ['kinsta.cloud', 'kinsta.com'],
    headers: [{ name: 'x-kinsta-cache' }, { name: 'ki-cache-type' }, { name: 'ki-edge' }],
    hostnames: ['kinsta.cloud', 'kinsta.com', 'kinstacdn.com'],
    page: ['\\bkinsta\\b'],
    matrix: [
      { budget: 'medium', plan: 'Starter', resources: "Jusqu'à 25k visites/mois", pricePerMonth: '$30', compatibility: 'PARFAIT' },
      { budget: 'enterprise', plan: 'Business', resources: "Jusqu'à 250k visites/mois", pricePerMonth: '$60', compatibility: 'PARFAIT' },
    ],
  },
  {
    id: 'wpengine',
    name: 'WP Engine',
    class: 'managed',
    nameservers: ['wpengine.com'],
    rdns: ['wpengine.com', 'wpenginepowered.com'],
    headers: [{ name: 'x-powered-by', pattern: 'wp engine' }, { name: 'wpe-backend' }, { name: 'x-wpe-loopback-upstream-addr' }, { name: 'x-pass-why' }],
    hostnames: ['wpengine.com', 'wpenginepowered.com', 'wpeproxy.com'],
    page: ['\\bwp ?engine\\b'],
    matrix: [
      { budget: 'medium', plan: 'Personal', resources: "Jusqu'à 25k visites/mois", pricePerMonth: '$25', compatibility: 'EXCELLENT' },
      { budget: 'enterprise', plan: 'Professional', resources: "Jusqu'à 400k visites/mois", pricePerMonth: '$95', compatibility: 'PARFAIT' },
    ],
  },
  // --- the brief's blacklist ---
  {
    id: 'hostgator',
    name: 'HostGator',
    class: 'shared-blacklisted',
    nameservers: ['hostgator.com', 'hostgator.com.br', 'hostgator.mx', 'hostgator.in', 'websitewelcome.com'],
    rdns: ['websitewelcome.com', 'hostgator.com', 'hostgator.com.br', 'hostgator.mx', 'hostgator.in'],
    headers: [],
    page: ['\\bhost ?gator\\b'],
    blacklist: { plans: ['Personal', 'Business', 'Baby'], problem: 'CPU 25%, timeout 30s', impact: 'Gel garanti' },
  },
  {
    id: 'godaddy',
    name: 'GoDaddy',
    class: 'shared-blacklisted',
    nameservers: ['domaincontrol.com'],
    rdns: ['secureserver.net', 'godaddy.com'],
    hostnames: ['secureserver.net', 'godaddy.com', 'wsimg.com', 'godaddysites.com', 'myftpupload.com'],
    headers: [
      { name: 'x-powered-by', pattern: 'godaddy' },
      { name: 'x-gateway-request-id' },
      { name: 'x-gateway-cache-status' },
      { name: 'server', pattern: 'dps/' },
    ],
    page: ['\\bgo ?daddy\\b', 'future home of something quite cool'],
    certIssuer: 'go ?daddy|starfield',
    blacklist: { plans: ['Basic Shared'], problem: 'Ressources limitées', impact: 'Performance pauvre' },
  },
  {
    id: 'bluehost',
    name: 'Bluehost',
    class: 'shared-blacklisted',
    nameservers: ['bluehost.com'],
    rdns: ['unifiedlayer.com', 'bluehost.com'],
    headers: [],
    page: ['\\bbluehost\\b'],
    blacklist: { plans: ['Basic Shared'], problem: 'Surcharge sévère', impact: 'Timeouts fréquents' },
  },
  {
    id: 'namecheap',
    name: 'NameCheap',
    class: 'shared-blacklisted',
    nameservers: ['web-hosting.com', 'namecheaphosting.com'],
    rdns: ['web-hosting.com', 'namecheaphosting.com'],
    headers: [],
    page: ['\\bnamecheap\\b'],
    blacklist: { plans: ['Stellar Basic'], problem: 'Limites strictes', impact: 'Widgets ne chargent pas' },
  },
  // --- the common others ---
  {
    id: 'newfold',
    name: 'Newfold Digital / Endurance (HostGator, Bluehost…)',
    class: 'shared-blacklisted',
    members: ['hostgator', 'bluehost'],
    nameservers: [],
    rdns: [],
    headers: [{ name: 'x-endurance-cache-level' }, { name: 'x-newfold-cache-level' }],
    blacklist: { plans: ['HostGator / Bluehost mutualisé'], problem: 'CPU 25%, timeout 30s', impact: 'Gel garanti' },
  },
  {
    id: 'ovh-shared',
    name: 'OVHcloud (hébergement mutualisé)',
    class: 'shared',
    nameservers: [],
    rdns: ['hosting.ovh.net'],
    headers: [{ name: 'x-iplb-instance' }, { name: 'x-iplb-request-id' }],
    page: ['\\bovh(?:cloud)?\\b'],
  },
  { id: 'ovh-vps', name: 'OVHcloud VPS', class: 'vps', nameservers: [], rdns: ['vps.ovh.net', 'vps.ovh.ca', 'vps.ovh.us'], headers: [] },
  {
    id: 'ovh',
    name: 'OVHcloud',
    class: 'mixed',
    nameservers: ['ovh.net', 'ovh.ca', 'anycast.me'],
    rdns: ['ovh.net', 'ovh.ca', 'kimsufi.com', 'ovh.eu'],
    headers: [],
  },
  {
    id: 'o2switch',
    name: 'o2switch',
    class: 'shared',
    nameservers: ['o2switch.net'],
    rdns: ['o2switch.net'],
    headers: [{ name: 'server', pattern: 'o2switch' }],
    page: ['\\bo2switch\\b'],
  },
  {
    id: 'hostinger',
    name: 'Hostinger',
    class: 'shared',
    nameservers: ['dns-parking.com', 'hostinger.com'],
    rdns: ['hstgr.io', 'hostinger.com', 'hostinger.io', 'hstgr.cloud'],
    hostnames: ['hstgr.io', 'hstgr.cloud', 'hostinger.com', 'hostinger.io', 'hostingersite.com', 'zyrosite.com'],
    headers: [
      { name: 'platform', pattern: 'hostinger' },
      { name: 'panel', pattern: 'hpanel' },
      { name: 'server', pattern: '^hcdn' },
      { name: 'x-hcdn-request-id' },
      { name: 'x-hcdn-cache-status' },
    ],
    page: ['\\bhostinger\\b'],
  },
  {
    id: 'ionos',
    name: 'IONOS',
    class: 'mixed',
    nameservers: ['ui-dns.com', 'ui-dns.de', 'ui-dns.org', 'ui-dns.biz'],
    rdns: ['kundenserver.de', 'ionos.com', 'ionos.fr', 'ionos.de', '1and1.com', 'perfora.net', 'onlinehome-server.info', 'schlund.de'],
    headers: [],
    page: ['\\bionos\\b', '\\b1(?:&amp;|&| ?and ?)1\\b'],
  },
  {
    id: 'infomaniak',
    name: 'Infomaniak',
    class: 'mixed',
    nameservers: ['infomaniak.ch', 'infomaniak.com'],
    rdns: ['infomaniak.ch', 'infomaniak.com', 'infomaniak.cloud'],
    hostnames: ['infomaniak.ch', 'infomaniak.com', 'infomaniak.cloud', 'ikexpress.com'],
    headers: [],
    page: ['\\binfomaniak\\b'],
  },
  {
    id: 'lws',
    name: 'LWS',
    class: 'shared',
    nameservers: ['lwsdns.com'],
    rdns: ['lws-hosting.com', 'lws.fr', 'lwspanel.com'],
    headers: [],
    page: ['\\blws\\b', 'ligne web services'],
  },
  {
    id: 'planethoster',
    name: 'PlanetHoster',
    class: 'shared',
    nameservers: ['planethoster.net', 'n0c.com'],
    rdns: ['planethoster.net', 'n0c.com', 'planethoster.world'],
    headers: [],
    page: ['\\bplanet ?hoster\\b', '\\bn0c\\b'],
  },
  { id: 'gandi', name: 'Gandi', class: 'mixed', nameservers: ['gandi.net'], rdns: ['gandi.net'], headers: [], page: ['\\bgandi\\b'] },
  { id: 'digitalocean', name: 'DigitalOcean', class: 'vps', nameservers: ['digitalocean.com'], rdns: ['digitalocean.com'], headers: [] },
  {
    id: 'hetzner',
    name: 'Hetzner',
    class: 'vps',
    nameservers: ['hetzner.com', 'hetzner.de', 'second-ns.com', 'second-ns.de'],
    rdns: ['your-server.de', 'hetzner.com', 'hetzner.de'],
    headers: [],
  },
  {
    id: 'scaleway',
    name: 'Scaleway',
    class: 'vps',
    nameservers: ['scaleway.com', 'online.net'],
    rdns: ['scw.cloud', 'scaleway.com', 'online.net', 'poneytelecom.eu'],
    headers: [],
  },
  { id: 'vultr', name: 'Vultr', class: 'vps', nameservers: ['vultr.com'], rdns: ['vultrusercontent.com', 'vultr.com', 'choopa.net'], headers: [] },
  { id: 'linode', name: 'Linode (Akamai)', class: 'vps', nameservers: ['linode.com'], rdns: ['linodeusercontent.com', 'linode.com'], headers: [] },
  {
    id: 'aws',
    name: 'Amazon Web Services',
    class: 'cloud',
    nameservers: ['awsdns-'],
    rdns: ['amazonaws.com'],
    headers: [{ name: 'x-amz-request-id' }, { name: 'x-amz-id-2' }],
  },
  {
    id: 'gcp',
    name: 'Google Cloud',
    class: 'cloud',
    nameservers: ['googledomains.com'],
    rdns: ['googleusercontent.com', 'bc.googleusercontent.com'],
    headers: [{ name: 'x-cloud-trace-context' }],
  },
  {
    id: 'azure',
    name: 'Microsoft Azure',
    class: 'cloud',
    nameservers: ['azure-dns.com', 'azure-dns.net', 'azure-dns.org', 'azure-dns.info'],
    rdns: ['cloudapp.net', 'cloudapp.azure.com'],
    headers: [{ name: 'x-azure-ref' }, { name: 'x-ms-request-id' }],
  },
  // --- CDNs and reverse proxies (they hide the real host) ---
  {
    id: 'cloudflare',
    name: 'Cloudflare',
    class: 'cdn',
    nameservers: ['ns.cloudflare.com'],
    rdns: ['cloudflare.com'],
    hostnames: ['cloudflaressl.com', 'cloudflare.com'],
    headers: [{ name: 'cf-ray' }, { name: 'server', pattern: '^cloudflare' }, { name: 'cf-cache-status' }],
    certIssuer: '^cloudflare',
  },
  {
    id: 'cloudfront',
    name: 'Amazon CloudFront',
    class: 'cdn',
    nameservers: [],
    rdns: ['cloudfront.net'],
    headers: [{ name: 'x-amz-cf-id' }, { name: 'via', pattern: 'cloudfront' }],
  },
  {
    id: 'fastly',
    name: 'Fastly',
    class: 'cdn',
    nameservers: [],
    rdns: ['fastly.net'],
    headers: [{ name: 'x-fastly-request-id' }, { name: 'x-served-by', pattern: '^cache-' }, { name: 'fastly-debug-digest' }],
  },
  {
    id: 'akamai',
    name: 'Akamai',
    class: 'cdn',
    nameservers: ['akam.net'],
    rdns: ['akamaitechnologies.com', 'akamaiedge.net', 'deploy.static.akamaitechnologies.com'],
    headers: [{ name: 'server', pattern: 'akamaighost' }, { name: 'akamai-grn' }, { name: 'x-akamai-transformed' }],
  },
  {
    id: 'sucuri',
    name: 'Sucuri',
    class: 'cdn',
    nameservers: [],
    rdns: ['sucuri.net'],
    headers: [{ name: 'x-sucuri-id' }, { name: 'server', pattern: 'sucuri' }],
  },
  {
    id: 'bunnycdn',
    name: 'BunnyCDN',
    class: 'cdn',
    nameservers: ['bunny.net'],
    rdns: ['b-cdn.net', 'bunnyinfra.net'],
    headers: [{ name: 'server', pattern: '^bunnycdn' }, { name: 'cdn-pullzone' }],
  },
];

export const PROVIDERS_BY_ID: ReadonlyMap<string, Provider> = new Map(PROVIDERS.map((p) => [p.id, p]));

/** The recommended hosts of the brief's matrix, in the order it lists them (for migration advice). */
export const RECOMMENDED_HOSTS: readonly Provider[] = PROVIDERS.filter((p) => p.matrix?.length);
