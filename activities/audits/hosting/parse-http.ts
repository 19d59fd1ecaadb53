/**
 * Reads what a response says about the stack behind it: server software, PHP version, CDN, cache,
 * HSTS, HTTP/3, and the CMS from the HTML. Pure.
 */
import * as cheerio from 'cheerio';

export type Headers = Readonly<Record<string, string>>;

export type ServerFamily = 'apache' | 'litespeed' | 'nginx' | 'openresty' | 'iis' | 'caddy' | 'cloudflare' | 'other';
export interface ServerInfo {
  raw: string | null;
  family: ServerFamily | null;
  version: string | null;
}

const h = (headers: Headers, name: string): string | undefined => headers[name.toLowerCase()];

/** Lower-cases header names; joins repeated values with ", " (set-cookie aside, unused here). */
export function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function parseServer(headers: Headers): ServerInfo {
  const raw = h(headers, 'server')?.trim() || null;
  if (!raw) return { raw: null, family: null, version: null };
  const table: Array<[RegExp, ServerFamily]> = [
    [/^apache(?:\/([\d.]+))?/i, 'apache'],
    [/^(?:litespeed|lsws|openlitespeed)(?:\/([\d.]+))?/i, 'litespeed'],
    [/^openresty(?:\/([\d.]+))?/i, 'openresty'],
    [/^nginx(?:\/([\d.]+))?/i, 'nginx'],
    [/^microsoft-iis(?:\/([\d.]+))?/i, 'iis'],
    [/^caddy/i, 'caddy'],
    [/^cloudflare/i, 'cloudflare'],
  ];
  for (const [re, family] of table) {
    const m = re.exec(raw);
    if (m) return { raw, family, version: m[1] ?? null };
  }
  return { raw, family: 'other', version: null };
}

/** The PHP version from X-Powered-By ("PHP/8.2.10") or a Server banner ("Apache/2.4 (Ubuntu) PHP/7.4.3"). */
export function parsePhpVersion(headers: Headers): string | null {
  for (const name of ['x-powered-by', 'server']) {
    const m = /\bPHP\/(\d+\.\d+(?:\.\d+)?)/i.exec(h(headers, name) ?? '');
    if (m) return m[1]!;
  }
  return null;
}

/** Compares dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const CDN_SIGNS: Array<{ cdn: string; test: (headers: Headers) => boolean }> = [
  { cdn: 'Cloudflare', test: (x) => Boolean(h(x, 'cf-ray')) || /^cloudflare/i.test(h(x, 'server') ?? '') },
  { cdn: 'CloudFront', test: (x) => Boolean(h(x, 'x-amz-cf-id')) || /cloudfront/i.test(h(x, 'via') ?? '') || /cloudfront/i.test(h(x, 'x-cache') ?? '') },
  { cdn: 'Fastly', test: (x) => Boolean(h(x, 'x-fastly-request-id')) || /^cache-/i.test(h(x, 'x-served-by') ?? '') || Boolean(h(x, 'fastly-debug-digest')) },
  { cdn: 'Akamai', test: (x) => /akamai/i.test(h(x, 'server') ?? '') || Boolean(h(x, 'akamai-grn')) || Boolean(h(x, 'x-akamai-transformed')) },
  { cdn: 'Sucuri', test: (x) => Boolean(h(x, 'x-sucuri-id')) || /sucuri/i.test(h(x, 'server') ?? '') },
  { cdn: 'BunnyCDN', test: (x) => /^bunnycdn/i.test(h(x, 'server') ?? '') || Boolean(h(x, 'cdn-pullzone')) },
  { cdn: 'KeyCDN', test: (x) => /keycdn/i.test(h(x, 'server') ?? '') },
  { cdn: 'Azure Front Door', test: (x) => Boolean(h(x, 'x-azure-ref')) },
  { cdn: 'Google Cloud CDN', test: (x) => /\bgoogle\b/i.test(h(x, 'via') ?? '') },
  { cdn: 'Vercel', test: (x) => Boolean(h(x, 'x-vercel-id')) },
  { cdn: 'Netlify', test: (x) => Boolean(h(x, 'x-nf-request-id')) },
];

export function detectCdn(headers: Headers): string[] {
  return CDN_SIGNS.filter((s) => s.test(headers)).map((s) => s.cdn);
}

export interface CacheInfo {
  cacheControl: string | null;
  /** public / max-age>0 / s-maxage>0 / Expires in the future: the page may be cached. */
  cacheable: boolean;
  /** A cache layer answered (x-cache HIT, cf-cache-status, x-litespeed-cache, Varnish, Age...). */
  cacheLayer: string | null;
  validators: boolean;
}

export function parseCache(headers: Headers): CacheInfo {
  const cc = h(headers, 'cache-control') ?? null;
  const lc = (cc ?? '').toLowerCase();
  const maxAge = /(?:^|[,\s])(?:s-)?max-age=(\d+)/.exec(lc);
  const cacheable = !/no-store|no-cache|private/.test(lc) && ((maxAge !== null && Number(maxAge[1]) > 0) || /\bpublic\b/.test(lc));
  const layers: Array<[string, string]> = [
    ['x-litespeed-cache', 'LiteSpeed Cache'],
    ['cf-cache-status', 'Cloudflare'],
    ['x-proxy-cache', 'proxy cache'],
    ['x-sg-cache', 'SiteGround SuperCacher'],
    ['x-kinsta-cache', 'Kinsta cache'],
    ['x-varnish', 'Varnish'],
    ['x-cache', 'x-cache'],
    ['x-fastcgi-cache', 'FastCGI cache'],
    ['x-wp-rocket', 'WP Rocket'],
  ];
  let cacheLayer: string | null = null;
  for (const [name, label] of layers) {
    const v = h(headers, name);
    if (v !== undefined && !/^(bypass|dynamic|none)$/i.test(v.trim())) {
      cacheLayer = `${label} (${name}: ${v})`.slice(0, 120);
      break;
    }
  }
  if (!cacheLayer && Number(h(headers, 'age') ?? 0) > 0) cacheLayer = `shared cache (age: ${h(headers, 'age')})`;
  return { cacheControl: cc, cacheable, cacheLayer, validators: Boolean(h(headers, 'etag') || h(headers, 'last-modified')) };
}

export interface HstsInfo {
  maxAge: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export function parseHsts(headers: Headers): HstsInfo | null {
  const v = h(headers, 'strict-transport-security');
  if (!v) return null;
  const m = /max-age\s*=\s*"?(\d+)"?/i.exec(v);
  return { maxAge: m ? Number(m[1]) : 0, includeSubDomains: /includesubdomains/i.test(v), preload: /preload/i.test(v) };
}

/** Whether Alt-Svc advertises HTTP/3 ("h3", "h3-29"...). */
export function advertisesHttp3(headers: Headers): boolean {
  return /(?:^|[,\s])h3(?:-\d+)?\s*=/i.test(h(headers, 'alt-svc') ?? '');
}

export function parseCompression(headers: Headers): string | null {
  const v = h(headers, 'content-encoding')?.trim().toLowerCase();
  return v && v !== 'identity' ? v : null;
}

export interface CmsInfo {
  name: string;
  version: string | null;
  evidence: string;
}

/** The CMS from the generator meta / header, or WordPress's tell-tale paths and REST link. */
export function detectCms(html: string, headers: Headers = {}): CmsInfo | null {
  const $ = cheerio.load(html);
  const generator = ($('meta[name="generator" i]').attr('content') ?? '').trim() || (h(headers, 'x-generator') ?? '').trim();
  const known: Array<[RegExp, string]> = [
    [/^wordpress\s*([\d.]+)?/i, 'WordPress'],
    [/^joomla!?\s*(?:-\s*open source content management)?\s*([\d.]+)?/i, 'Joomla'],
    [/^drupal\s*([\d.]+)?/i, 'Drupal'],
    [/^prestashop\s*([\d.]+)?/i, 'PrestaShop'],
    [/^wix\.com/i, 'Wix'],
    [/^typo3\s*(?:cms)?\s*([\d.]+)?/i, 'TYPO3'],
    [/^ghost\s*([\d.]+)?/i, 'Ghost'],
  ];
  for (const [re, name] of known) {
    const m = re.exec(generator);
    if (m) return { name, version: m[1] ?? null, evidence: `generator: ${generator}`.slice(0, 120) };
  }
  const linkApi = $('link[rel="https://api.w.org/"]').length > 0 || /<https:\/\/api\.w\.org\/>/.test(h(headers, 'link') ?? '');
  if (linkApi || /\/wp-(?:content|includes)\//.test(html)) {
    const ver = /wp-includes\/[^"']+\?ver=(\d+\.\d+(?:\.\d+)?)/.exec(html);
    return { name: 'WordPress', version: ver?.[1] ?? null, evidence: linkApi ? 'api.w.org link' : '/wp-content/ paths' };
  }
  if (/cdn\.shopify\.com/.test(html) || h(headers, 'x-shopid')) return { name: 'Shopify', version: null, evidence: 'Shopify assets' };
  if (/static\.squarespace\.com/.test(html)) return { name: 'Squarespace', version: null, evidence: 'Squarespace assets' };
  if (generator)
    return { name: generator.split(/\s+/)[0]!, version: /([\d.]+)/.exec(generator)?.[1] ?? null, evidence: `generator: ${generator}`.slice(0, 120) };
  return null;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
