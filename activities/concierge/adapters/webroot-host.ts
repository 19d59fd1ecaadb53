/**
 * The first SiteHost: a web root on a server the agency runs, served by nginx.
 *
 * Layout (all under paths from config):
 *   <SITES_ROOT>/<domain>                    symlink to the current release (the vhost's root)
 *   <SITES_ROOT>/.releases/<domain>/<hash>/  one folder per distinct content (hash of the files)
 *   <SITES_TLS_DIR>/<domain>/fullchain.pem   certificate + chain, 0600 (folder 0700)
 *   <SITES_TLS_DIR>/<domain>/privkey.pem     key, 0600
 *   <NGINX_SITES_DIR>/<domain>.conf          virtual host (nginx-vhost.ts)
 *
 * Publishing copies the files into a temporary folder, renames it into place as a release and
 * swaps the symlink with a rename: readers see the old site or the new one, never half of one.
 * The same content publishes to the same release, so a retry changes nothing. Only regular files
 * and folders are copied (symlinks in an upload are skipped). NGINX_RELOAD_COMMAND runs after a
 * vhost or certificate change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { IssuedCertificate, SiteFiles, SiteHost } from '../ports.js';
import { renderVhost, SAFE_DOMAIN } from './nginx-vhost.js';

export const HOST_REFUSED = 'host-refused';

export interface WebrootHostOptions {
  sitesRoot: string;
  tlsDir: string;
  nginxSitesDir: string;
  reloadCommand?: string;
  ipv4: string[];
  ipv6: string[];
}

export function webrootHostOptions(
  config: Pick<Config, 'SITES_ROOT' | 'SITES_TLS_DIR' | 'NGINX_SITES_DIR' | 'NGINX_RELOAD_COMMAND' | 'SITE_HOST_IPV4' | 'SITE_HOST_IPV6'>,
): WebrootHostOptions {
  return {
    sitesRoot: resolve(config.SITES_ROOT),
    tlsDir: resolve(config.SITES_TLS_DIR),
    nginxSitesDir: resolve(config.NGINX_SITES_DIR),
    ...(config.NGINX_RELOAD_COMMAND ? { reloadCommand: config.NGINX_RELOAD_COMMAND } : {}),
    ipv4: config.SITE_HOST_IPV4,
    ipv6: config.SITE_HOST_IPV6,
  };
}

/** Where a domain's pieces live. */
export function sitePaths(opts: Pick<WebrootHostOptions, 'sitesRoot' | 'tlsDir' | 'nginxSitesDir'>, domain: string) {
  return {
    webRoot: join(opts.sitesRoot, domain),
    releases: join(opts.sitesRoot, '.releases', domain),
    tlsDir: join(opts.tlsDir, domain),
    certPath: join(opts.tlsDir, domain, 'fullchain.pem'),
    keyPath: join(opts.tlsDir, domain, 'privkey.pem'),
    vhostPath: join(opts.nginxSitesDir, `${domain}.conf`),
  };
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );
const tmpName = (p: string) => `${p}.${randomBytes(6).toString('hex')}.tmp`;

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = tmpName(path);
  await writeFile(tmp, data, { mode, flag: 'wx' });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** Regular files under `dir`, relative paths sorted (symlinks and specials skipped). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(join(dir, prefix), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

async function contentHash(dir: string, files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    h.update(await readFile(join(dir, f)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

export function createWebrootHost(opts: WebrootHostOptions): SiteHost & { paths(domain: string): ReturnType<typeof sitePaths> } {
  const check = (domain: string) => {
    const d = domain.toLowerCase();
    if (!SAFE_DOMAIN.test(d)) throw ApplicationFailure.nonRetryable(`not a publishable domain: ${JSON.stringify(domain)}`, HOST_REFUSED);
    return d;
  };

  async function reload(): Promise<void> {
    if (!opts.reloadCommand) return;
    const [cmd, ...args] = opts.reloadCommand.split(/\s+/).filter(Boolean);
    await promisify(execFile)(cmd!, args, { timeout: 30_000 });
  }

  /** Writes the vhost when it changed; says whether it did. */
  async function writeVhost(domain: string): Promise<boolean> {
    const p = sitePaths(opts, domain);
    await mkdir(opts.nginxSitesDir, { recursive: true });
    const hasCert = (await exists(p.certPath)) && (await exists(p.keyPath));
    const conf = renderVhost({ domain, webRoot: p.webRoot, ...(hasCert ? { tls: { certPath: p.certPath, keyPath: p.keyPath } } : {}) });
    const current = await readFile(p.vhostPath, 'utf8').catch(() => null);
    if (current === conf) return false;
    await writeAtomic(p.vhostPath, conf, 0o644);
    return true;
  }

  return {
    kind: 'webroot',
    paths: (domain) => sitePaths(opts, check(domain)),

    async addresses() {
      return { ipv4: [...opts.ipv4], ipv6: [...opts.ipv6] };
    },

    async publish(domain: string, files: SiteFiles) {
      const d = check(domain);
      const p = sitePaths(opts, d);
      const src = resolve(files.dir);
      if (
        !(await stat(src).then(
          (s) => s.isDirectory(),
          () => false,
        ))
      ) {
        throw ApplicationFailure.nonRetryable(`site folder ${src} does not exist`, HOST_REFUSED);
      }
      const list = await listFiles(src);
      if (list.length === 0) throw ApplicationFailure.nonRetryable(`site folder ${src} holds no files`, HOST_REFUSED);
      const release = join(p.releases, await contentHash(src, list));

      await mkdir(p.releases, { recursive: true });
      if (!(await exists(release))) {
        const tmp = tmpName(release);
        for (const f of list) {
          const target = join(tmp, f);
          await mkdir(join(target, '..'), { recursive: true, mode: 0o755 });
          await copyFile(join(src, f), target);
          await chmod(target, 0o644);
        }
        try {
          await rename(tmp, release);
        } catch (err) {
          // another publish of the same content won the race: keep theirs
          await rm(tmp, { recursive: true, force: true });
          if (!(await exists(release))) throw err;
        }
      }

      // swap the symlink atomically (a real folder left by hand is moved aside first)
      const current = await lstat(p.webRoot).catch(() => null);
      if (current && !current.isSymbolicLink()) await rename(p.webRoot, tmpName(`${p.webRoot}.replaced`));
      if (!current?.isSymbolicLink() || (await readlink(p.webRoot)) !== release) {
        const link = tmpName(p.webRoot);
        await symlink(release, link);
        await rename(link, p.webRoot);
      }
      // keep the current release and the one before it
      const releases = await readdir(p.releases, { withFileTypes: true });
      const others = await Promise.all(
        releases
          .filter((e) => e.isDirectory() && join(p.releases, e.name) !== release && !e.name.endsWith('.tmp'))
          .map(async (e) => ({ path: join(p.releases, e.name), mtime: (await stat(join(p.releases, e.name))).mtimeMs })),
      );
      for (const old of others.sort((a, b) => b.mtime - a.mtime).slice(1)) await rm(old.path, { recursive: true, force: true });

      if (await writeVhost(d)) await reload();
      return { webRoot: p.webRoot };
    },

    async installCertificate(domain: string, cert: IssuedCertificate) {
      const d = check(domain);
      const p = sitePaths(opts, d);
      await mkdir(p.tlsDir, { recursive: true, mode: 0o700 });
      await chmod(p.tlsDir, 0o700);
      // key first, then the certificate: nginx reloads only once both match
      await writeAtomic(p.keyPath, cert.keyPem, 0o600);
      await writeAtomic(p.certPath, cert.certPem, 0o600);
      await writeVhost(d);
      await reload();
    },

    async unpublish(domain: string) {
      const d = check(domain);
      const p = sitePaths(opts, d);
      await rm(p.vhostPath, { force: true });
      await rm(p.webRoot, { recursive: true, force: true });
      await rm(p.releases, { recursive: true, force: true });
      await rm(p.tlsDir, { recursive: true, force: true });
      await reload();
    },
  };
}
