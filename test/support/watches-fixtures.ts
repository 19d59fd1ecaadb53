/**
 * The fixture agency sites of test/fixtures/watches (see its README.md): their manifest and a
 * URL-path → file mapping, shared by unit tests, loopback site servers and the extraction benchmark.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PropertyType, SiteFormat, TransactionType } from '../../activities/watches/extract/types.js';

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

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * The file serving `urlPath` on a fixture site: the path itself, `<path>index.html` for directory
 * URLs, `<path>.html` for extension-less URLs; single-page sites answer index.html for any page.
 * Undefined when the site has no such page (a 404).
 */
export function fixtureFile(site: string, urlPath: string): string | undefined {
  const path = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  if (path.includes('..')) return undefined;
  const root = join(WATCH_FIXTURES, site);
  const candidates = path.endsWith('/') ? [join(root, path, 'index.html')] : [join(root, path), `${join(root, path)}.html`, join(root, path, 'index.html')];
  const found = candidates.find(isFile);
  if (found) return found;
  if (site.startsWith('spa-') && !/\.[a-z0-9]+$/i.test(path)) return join(root, 'index.html');
  return undefined;
}

export function readFixture(relative: string): string {
  return readFileSync(join(WATCH_FIXTURES, relative), 'utf8');
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css',
  txt: 'text/plain; charset=utf-8',
  xml: 'application/xml',
};

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
      res.writeHead(404, { 'content-type': TYPES['html']! });
      res.end('<!doctype html><title>404</title>');
      return;
    }
    const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? 'html';
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' });
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
