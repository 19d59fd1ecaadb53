/** CDNs and reverse proxies: they hide the real host, so they are told apart from it. */
import type { Provider } from './provider-types.js';

export const CDNS: readonly Provider[] = [
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
