/**
 * Loopback fixture agency sites for the watches tests and benchmark: each is a real HTTP server on
 * 127.0.0.1 (its own port, so its own politeness "domain") that records every request, serves
 * robots.txt and a sitemap, and whose listings can change between runs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { minGap as minGapOf } from '../shared-limits/measure.js';

export interface SiteRequest {
  path: string;
  at: number;
  userAgent: string;
  status: number;
}

export interface FixtureSite {
  url: string;
  host: string;
  requests: SiteRequest[];
  /** Delay (ms) added to matching responses, e.g. to hold a page while a worker is killed. */
  slow: { pattern: RegExp | null; ms: number };
  close(): Promise<void>;
}

export type Responder = (
  path: string,
  req: IncomingMessage,
  site: FixtureSite,
) => { status?: number; type?: string; headers?: Record<string, string>; body: string } | null;

export async function startSite(respond: Responder): Promise<FixtureSite> {
  const site: FixtureSite = {
    url: '',
    host: '',
    requests: [],
    slow: { pattern: null, ms: 0 },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server: Server = createServer(
    (req, res) =>
      void (async () => {
        const at = Date.now();
        const path = req.url ?? '/';
        const out = respond(path, req, site) ?? { status: 404, body: '<!doctype html><title>404</title><p>Page introuvable</p>' };
        const status = out.status ?? 200;
        site.requests.push({ path, at, userAgent: String(req.headers['user-agent'] ?? ''), status });
        if (site.slow.pattern?.test(path)) await new Promise((r) => setTimeout(r, site.slow.ms));
        res.writeHead(status, { 'content-type': out.type ?? 'text/html; charset=utf-8', ...out.headers });
        res.end(out.body);
      })(),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  site.url = `http://127.0.0.1:${port}/`;
  site.host = `127.0.0.1:${port}`;
  return site;
}

export interface Property {
  id: string;
  title: string;
  price: number;
  surface: number;
  rooms: number;
  type: 'apartment' | 'house';
  postalCode: string;
  city: string;
  street: string;
  description: string;
  /** A status badge the agency shows on the card and the page ("Vendu", "Sous compromis"). */
  badge?: string;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const euros = (n: number) => `${n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ')} €`;
const badgeOf = (p: Property) => (p.badge ? `<span class="badge">${esc(p.badge)}</span>` : '');
export const slug = (p: Property) => `/annonce/${p.id}-${p.type === 'house' ? 'maison' : 'appartement'}-${p.rooms}-pieces/`;

export function jsonLd(p: Property, base: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'RealEstateListing',
    name: p.title,
    url: new URL(slug(p), base).href,
    description: p.description,
    offers: { '@type': 'Offer', price: p.price, priceCurrency: 'EUR' },
    about: {
      '@type': p.type === 'house' ? 'SingleFamilyResidence' : 'Apartment',
      floorSize: { '@type': 'QuantitativeValue', value: p.surface, unitCode: 'MTK' },
      numberOfRooms: p.rooms,
      address: { '@type': 'PostalAddress', streetAddress: p.street, postalCode: p.postalCode, addressLocality: p.city, addressCountry: 'FR' },
    },
  };
}

function detailPage(p: Property, base: string, generator: string) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">${generator}<title>${esc(p.title)}</title>
<script type="application/ld+json">${JSON.stringify(jsonLd(p, base))}</script></head>
<body><article class="property"><h1>${esc(p.title)}</h1>${badgeOf(p)}<p class="price">${euros(p.price)}</p>
<ul><li>${p.surface} m²</li><li>${p.rooms} pièces</li><li>${esc(p.street)}, ${p.postalCode} ${esc(p.city)}</li></ul>
<div class="description">${esc(p.description)}</div></article></body></html>`;
}

function listPage(items: Property[], base: string, generator: string, next: string | null, extraLinks = '') {
  const cards = items
    .map(
      (p) =>
        `<article class="property-card">${badgeOf(p)}<a href="${slug(p)}"><h2>${esc(p.title)}</h2></a><span class="price">${euros(p.price)}</span><span>${p.surface} m² · ${p.rooms} pièces · ${p.postalCode} ${esc(p.city)}</span></article>`,
    )
    .join('\n');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">${generator}<title>Nos biens</title></head>
<body><nav><a href="/">Accueil</a> <a href="/biens/">Nos biens</a> ${extraLinks}</nav><main>${cards}</main>
${next ? `<nav class="pagination"><a href="${next}">${/(\d+)\/$/.exec(next)![1]}</a> <a rel="next" href="${next}">Suivant</a></nav>` : ''}</body></html>`;
}

/**
 * An agency site: home page, paginated list (`/biens/`, `/biens/page/2/`), one detail page per
 * listing with JSON-LD, robots.txt forbidding /prive/ (the home page links there anyway), a
 * sitemap. `flavor` switches the markup between WordPress and Wix signatures.
 */
export function agencySite(listings: Map<string, Property>, opts: { flavor: 'wordpress' | 'wix'; perPage?: number; tooManyFirst?: boolean }): Responder {
  const generator =
    opts.flavor === 'wordpress'
      ? '<meta name="generator" content="WordPress 6.4.2"><link rel="stylesheet" href="/wp-content/themes/agence/style.css">'
      : '<meta name="generator" content="Wix.com Website Builder"><link rel="preconnect" href="https://static.wixstatic.com">';
  const perPage = opts.perPage ?? 3;
  let throttled = false;
  return (path, _req, site) => {
    const base = site.url;
    const all = [...listings.values()];
    if (opts.tooManyFirst && !throttled && path.startsWith('/biens/')) {
      throttled = true;
      return { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' };
    }
    if (path === '/robots.txt') return { type: 'text/plain', body: `User-agent: *\nDisallow: /prive/\n\nSitemap: ${base}sitemap.xml\n` };
    if (path === '/sitemap.xml') {
      return {
        type: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${base}</loc></url><url><loc>${base}biens/</loc></url><url><loc>${base}contact/</loc></url></urlset>`,
      };
    }
    if (path === '/') {
      return {
        body: `<!doctype html><html lang="fr"><head><meta charset="utf-8">${generator}<title>Agence</title></head><body><h1>Agence immobilière</h1><nav><a href="/biens/">Nos biens à vendre</a> <a href="/prive/dossiers-clients/">Espace privé</a> <a href="/contact/">Contact</a></nav><p>Bienvenue.</p></body></html>`,
      };
    }
    const paged = path === '/biens/' ? ['', '1'] : /^\/biens\/page\/(\d+)\/$/.exec(path);
    if (paged) {
      const page = Number(paged[1]) - 1;
      const items = all.slice(page * perPage, (page + 1) * perPage);
      if (items.length === 0) return null;
      const next = all.length > (page + 1) * perPage ? `/biens/page/${page + 2}/` : null;
      return { body: listPage(items, base, generator, next, '<a href="/prive/estimations/">Estimations</a>') };
    }
    if (path.startsWith('/prive/')) return { body: '<!doctype html><title>privé</title><p>Forbidden by robots.txt: never fetched</p>' };
    const m = /^\/annonce\/([a-z0-9]+)-/.exec(path);
    if (m) {
      const p = listings.get(m[1]!);
      return p ? { body: detailPage(p, base, generator) } : null;
    }
    return null;
  };
}

/** A Shopify shop: the home page carries Shopify's signature, the catalogue is /products.json. */
export function shopifySite(listings: Map<string, Property>): Responder {
  return (path) => {
    if (path === '/robots.txt') return { type: 'text/plain', body: 'User-agent: *\nDisallow: /checkout\n' };
    if (path === '/')
      return {
        body: '<!doctype html><html><head><script src="https://cdn.shopify.com/s/files/theme.js"></script><script>window.Shopify = {theme: {}};</script><title>Boutique Immo</title></head><body><h1>Boutique immobilière</h1></body></html>',
      };
    const u = new URL(path, 'http://x');
    if (u.pathname === '/products.json') {
      const page = Number(u.searchParams.get('page') ?? '1');
      const products =
        page === 1
          ? [...listings.values()].map((p, i) => ({
              id: 1000 + i,
              title: p.title,
              handle: `${p.id}-bien`,
              body_html: `<p>${esc(p.description)} ${p.surface} m², ${p.rooms} pièces, ${p.postalCode} ${esc(p.city)}</p>`,
              product_type: p.type === 'house' ? 'Maison' : 'Appartement',
              tags: [`${p.postalCode} ${p.city}`, `${p.surface} m²`, `${p.rooms} pièces`],
              variants: [{ id: 5000 + i, price: `${p.price}.00`, sku: `REF-${p.id}` }],
              images: [{ src: `https://cdn.shopify.com/${p.id}.jpg` }],
            }))
          : [];
      return { type: 'application/json', body: JSON.stringify({ products }) };
    }
    return null;
  };
}

/** A single-page app: every page is an empty shell; app.js renders the listings (with JSON-LD) in the browser. */
export function spaSite(listings: Map<string, Property>): Responder {
  return (path, _req, site) => {
    if (path === '/robots.txt') return { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' };
    if (path === '/api/listings.json')
      return { type: 'application/json', body: JSON.stringify([...listings.values()].map((p) => ({ ...p, ld: jsonLd(p, site.url), href: slug(p) }))) };
    if (path === '/app.js') {
      return {
        type: 'application/javascript',
        body: `fetch('/api/listings.json').then(r => r.json()).then(items => {
  const root = document.getElementById('root');
  const m = location.pathname.match(/^\\/annonce\\/([a-z0-9]+)-/);
  const shown = m ? items.filter(i => i.id === m[1]) : items;
  root.innerHTML = shown.map(i => '<article class="property-card"><a href="' + i.href + '"><h2>' + i.title + '</h2></a><p class="price">' + i.price + ' €</p><p>' + i.surface + ' m² · ' + i.rooms + ' pièces · ' + i.postalCode + ' ' + i.city + '</p></article>').join('');
  const ld = document.createElement('script');
  ld.type = 'application/ld+json';
  ld.textContent = JSON.stringify(shown.length === 1 && m ? shown[0].ld : { '@context': 'https://schema.org', '@graph': shown.map(i => i.ld) });
  document.head.appendChild(ld);
});`,
      };
    }
    if (path === '/' || path.startsWith('/annonce/')) {
      return {
        body: '<!doctype html><html><head><meta charset="utf-8"><title>Immo SPA</title></head><body><div id="root"></div><noscript>Vous devez activer JavaScript pour utiliser ce site.</noscript><script src="/app.js"></script></body></html>',
      };
    }
    return null;
  };
}

/** A site whose only page is garbage. */
export function garbageSite(): Responder {
  const junk = Array.from({ length: 400 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('') + '<<<>>>&&&\u0000\u0001<div<<p>>';
  return (path) => (path === '/' ? { body: junk } : null);
}

export function property(id: string, over: Partial<Property> = {}): Property {
  return {
    id,
    title: `Appartement ${id.toUpperCase()} 3 pièces lumineux`,
    price: 420_000,
    surface: 68,
    rooms: 3,
    type: 'apartment',
    postalCode: '75015',
    city: 'Paris',
    street: `${10 + id.length} rue de Vaugirard`,
    description: `Bel appartement ${id} traversant, parquet, proche du métro, cave.`,
    ...over,
  };
}

/** Minimum gap (ms) between consecutive requests to a site, over the requests after index `from`. */
export function minGap(site: FixtureSite, from = 0): number {
  return minGapOf(site.requests.slice(from).map((r) => r.at));
}
