/**
 * The fixture agency sites of test/fixtures/watches (see its README.md): their manifest and a
 * URL-path → file mapping, shared by unit tests, loopback site servers and the extraction benchmark.
 * The two sites `npm start` serves as its demo (immo-lumiere, agence-du-parc) keep their pages under
 * sandbox/agency-sites/, one copy for both.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PropertyType, SiteFormat, TransactionType } from '../../activities/watches/extract/types.js';
import { AGENCY_SITES, AGENCY_SITES_DIR, contentType, staticFile } from '../../sandbox/agency-sites.js';

export const WATCH_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'watches');

export interface ExpectedListing {
  path: string;
  title: string;
  price: number;
  transaction: TransactionType;
  surface: number;
  rooms?: number;
  bedrooms?: number;
  postalCode: string;
  city: string;
  propertyType: PropertyType;
  externalId?: string;
}

export interface FixtureSite {
  name: string;
  format: SiteFormat;
  theme?: string;
  description: string;
  listPages: string[];
  forbidden: string[];
  productsJson?: string;
  needsBrowser?: boolean;
  listings: ExpectedListing[];
}

export function fixtureSites(): FixtureSite[] {
  return (JSON.parse(readFileSync(join(WATCH_FIXTURES, 'sites.json'), 'utf8')) as { sites: FixtureSite[] }).sites;
}

const DEMO_SITES: readonly string[] = AGENCY_SITES;

/** The folder of a fixture site (a name of sites.json, or `corpus/<site>`). */
export function fixtureSiteDir(site: string): string {
  return DEMO_SITES.includes(site) ? join(AGENCY_SITES_DIR, site) : join(WATCH_FIXTURES, site);
}

/**
 * The file serving `urlPath` on a fixture site (sandbox/agency-sites.ts `staticFile`: the path, its
 * index.html or its .html); single-page sites answer index.html for any page. Undefined is a 404.
 */
export function fixtureFile(site: string, urlPath: string): string | undefined {
  const root = fixtureSiteDir(site);
  const found = staticFile(root, urlPath);
  if (found) return found;
  if (site.startsWith('spa-') && !/\.[a-z0-9]+$/i.test(urlPath.split(/[?#]/)[0]!)) return join(root, 'index.html');
  return undefined;
}

export function readFixture(relative: string): string {
  return readFileSync(join(WATCH_FIXTURES, relative), 'utf8');
}

export interface ServedSite {
  /** Origin with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves one fixture site as-is on 127.0.0.1 (OS-chosen port); unknown paths answer 404. */
export async function serveFixtureSite(site: string): Promise<ServedSite> {
  const { createServer } = await import('node:http');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const file = fixtureFile(site, path);
    if (!file) {
      res.writeHead(404, { 'content-type': contentType('.html') });
      res.end('<!doctype html><title>404</title>');
      return;
    }
    res.writeHead(200, { 'content-type': contentType(file) });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
