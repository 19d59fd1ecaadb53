/**
 * Demo agency sites for the watches and audits sandbox: two small French real-estate agency sites
 * (a WordPress one with JSON-LD, a paginated one) served as static files, each on its own loopback
 * address (127.0.80.N, port 8080 unless taken) so that they are distinct hosts for politeness.
 * The launcher adds their /24 to OUTBOUND_ALLOWLIST so scrapers and audits may reach them.
 *
 * The pages live under sandbox/agency-sites/ (one copy): the watches tests read the same two sites
 * as fixtures, their extraction ground truth in test/fixtures/watches/sites.json.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AGENCY_SITES_DIR = fileURLToPath(new URL('./agency-sites', import.meta.url));
export const AGENCY_SITES = ['immo-lumiere', 'agence-du-parc'] as const;
/** The loopback range the demo sites listen on. */
export const AGENCY_SITES_CIDR = '127.0.80.0/24';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  xml: 'application/xml',
  json: 'application/json',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css',
};

/** The Content-Type of a static file, by its extension (no extension: HTML). */
export function contentType(file: string): string {
  return TYPES[/\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase() ?? 'html'] ?? 'application/octet-stream';
}

function decodedPath(urlPath: string): string | undefined {
  try {
    return normalize(decodeURIComponent(urlPath.split(/[?#]/)[0] || '/'));
  } catch {
    return undefined; // a malformed %-escape: no such page
  }
}

/**
 * The file serving `urlPath` of the static site in `root`: the path itself, `<path>index.html` for
 * directory URLs, `<path>.html` or `<path>/index.html` for extension-less URLs; undefined is a 404.
 * Pure apart from the stat.
 */
export function staticFile(root: string, urlPath: string): string | undefined {
  const path = decodedPath(urlPath);
  if (path === undefined || path.includes('..') || path.includes('\0')) return undefined;
  const base = join(root, path);
  const candidates = path.endsWith('/') ? [join(base, 'index.html')] : [base, `${base}.html`, join(base, 'index.html')];
  return candidates.find((f) => existsSync(f) && statSync(f).isFile());
}

export interface AgencySites {
  sites: Array<{ name: string; url: string }>;
  stop(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

export async function startAgencySites(opts: { port?: number } = {}): Promise<AgencySites> {
  const servers: Server[] = [];
  const sites: AgencySites['sites'] = [];
  const stop = async () => {
    for (const s of servers)
      await new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      });
  };
  try {
    for (const [i, name] of AGENCY_SITES.entries()) {
      const server = createServer((req, res) => {
        const file = staticFile(join(AGENCY_SITES_DIR, name), req.url ?? '/');
        if (!file) {
          res.writeHead(404, { 'content-type': contentType('.html') });
          res.end('<!doctype html><title>Page introuvable</title>');
          return;
        }
        res.writeHead(200, { 'content-type': contentType(file) });
        res.end(readFileSync(file));
      });
      servers.push(server);
      const host = `127.0.80.${i + 1}`;
      // the fixed port keeps the README's URLs true; a taken port falls back to any free one
      const port = await listen(server, host, opts.port ?? 8080).catch(() => listen(server, host, 0));
      sites.push({ name, url: `http://${host}:${port}/` });
    }
    return { sites, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
