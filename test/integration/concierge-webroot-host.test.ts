/**
 * The webroot SiteHost on a real file system: atomic, idempotent publishing, the nginx vhost,
 * certificate files with tight permissions, unpublishing; and the loopback HTTPS server that
 * stands in for nginx (the HTTPS-with-Pebble's-certificate case is in concierge-acme.test.ts).
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createWebrootHost, webrootHostOptions, type WebrootHostOptions } from '../../activities/concierge/adapters/webroot-host.js';
import { startWebrootServer } from '../../activities/concierge/adapters/webroot-server.js';
import { createTestCa } from '../../sandbox/concierge/index.js';

let tmp: string;
let opts: WebrootHostOptions;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'atelier-webroot-'));
  opts = webrootHostOptions({
    SITES_ROOT: join(tmp, 'sites'),
    SITES_TLS_DIR: join(tmp, 'tls'),
    NGINX_SITES_DIR: join(tmp, 'nginx'),
    NGINX_RELOAD_COMMAND: undefined,
    SITE_HOST_IPV4: ['203.0.113.10'],
    SITE_HOST_IPV6: ['2001:db8::10'],
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function site(name: string, files: Record<string, string>): string {
  const dir = join(tmp, 'src', name);
  for (const [f, body] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), body);
  }
  return dir;
}

function get(port: number, host: string, path: string, ca: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('webroot host', () => {
  const host = () => createWebrootHost(opts);

  it('answers the configured addresses', async () => {
    expect(await host().addresses()).toEqual({ ipv4: ['203.0.113.10'], ipv6: ['2001:db8::10'] });
  });

  it('publishes atomically; publishing the same files twice gives the same release', async () => {
    const src = site('v1', { 'index.html': '<title>V1</title>', 'css/site.css': 'body{}' });
    const a = await host().publish('fleuriste.fr', { dir: src });
    const linkA = readlinkSync(a.webRoot);
    const b = await host().publish('fleuriste.fr', { dir: src });
    expect(b).toEqual(a);
    expect(readlinkSync(b.webRoot)).toBe(linkA);
    expect(lstatSync(a.webRoot).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(a.webRoot, 'css/site.css'), 'utf8')).toBe('body{}');
    expect(readdirSync(join(opts.sitesRoot, '.releases', 'fleuriste.fr'))).toHaveLength(1);
    expect(readdirSync(opts.sitesRoot).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const vhost = readFileSync(join(opts.nginxSitesDir, 'fleuriste.fr.conf'), 'utf8');
    expect(vhost).toContain('server_name fleuriste.fr www.fleuriste.fr;');
    expect(vhost).toContain(`root ${a.webRoot};`);
    expect(vhost).not.toContain('ssl_certificate');
  });

  it('new content becomes a new release; only the previous one is kept', async () => {
    const before = readlinkSync(join(opts.sitesRoot, 'fleuriste.fr'));
    await host().publish('fleuriste.fr', { dir: site('v2', { 'index.html': '<title>V2</title>' }) });
    await host().publish('fleuriste.fr', { dir: site('v3', { 'index.html': '<title>V3</title>' }) });
    const now = readlinkSync(join(opts.sitesRoot, 'fleuriste.fr'));
    expect(now).not.toBe(before);
    expect(readFileSync(join(opts.sitesRoot, 'fleuriste.fr', 'index.html'), 'utf8')).toBe('<title>V3</title>');
    expect(existsSync(join(opts.sitesRoot, 'fleuriste.fr', 'css'))).toBe(false);
    expect(readdirSync(join(opts.sitesRoot, '.releases', 'fleuriste.fr'))).toHaveLength(2);
  });

  it('copies regular files only: a symlink in the upload is not followed', async () => {
    const src = site('links', { 'index.html': '<title>L</title>' });
    writeFileSync(join(tmp, 'secret.txt'), 'do not publish');
    symlinkSync(join(tmp, 'secret.txt'), join(src, 'secret.txt'));
    const { webRoot } = await host().publish('liens.fr', { dir: src });
    expect(existsSync(join(webRoot, 'secret.txt'))).toBe(false);
    expect(existsSync(join(webRoot, 'index.html'))).toBe(true);
  });

  it('installs the certificate (0600 files, 0700 folder), switches the vhost to HTTPS, and serves by SNI', async () => {
    const ca = createTestCa();
    const leaf = ca.issue(['fleuriste.fr', 'www.fleuriste.fr']);
    await host().installCertificate('fleuriste.fr', {
      certPem: leaf.certPem,
      keyPem: leaf.keyPem,
      notAfter: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const p = host().paths('fleuriste.fr');
    expect(statSync(p.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(p.certPath).mode & 0o777).toBe(0o600);
    expect(statSync(p.tlsDir).mode & 0o777).toBe(0o700);
    const vhost = readFileSync(p.vhostPath, 'utf8');
    expect(vhost).toContain(`ssl_certificate ${p.certPath};`);
    expect(vhost).toContain(`ssl_certificate_key ${p.keyPath};`);
    expect(vhost).toContain('return 301 https://$host$request_uri;');

    const server = await startWebrootServer(opts);
    try {
      expect(await get(server.port, 'fleuriste.fr', '/', ca.certPem)).toMatchObject({
        status: 200,
        body: '<title>V3</title>',
        type: 'text/html; charset=utf-8',
      });
      expect(await get(server.port, 'www.fleuriste.fr', '/index.html', ca.certPem)).toMatchObject({ status: 200 });
      expect(await get(server.port, 'fleuriste.fr', '/nope.html', ca.certPem)).toMatchObject({ status: 404 });
      expect(await get(server.port, 'fleuriste.fr', '/../../tls/fleuriste.fr/privkey.pem', ca.certPem)).toMatchObject({ status: 404 });
      expect(await get(server.port, 'fleuriste.fr', '/%2e%2e/%2e%2e/tls/fleuriste.fr/privkey.pem', ca.certPem)).toMatchObject({ status: 404 });
      // encoded slashes survive URL parsing: the real path lands on the key, and is refused
      expect(existsSync(join(realpathSync(host().paths('fleuriste.fr').webRoot), '../../../../tls/fleuriste.fr/privkey.pem'))).toBe(true);
      expect(await get(server.port, 'fleuriste.fr', '/..%2F..%2F..%2F..%2Ftls%2Ffleuriste.fr%2Fprivkey.pem', ca.certPem)).toMatchObject({ status: 404 });
      // a site without a certificate: the TLS handshake is refused
      await expect(get(server.port, 'liens.fr', '/', ca.certPem)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('unpublishes everything, and unpublishing twice is fine', async () => {
    await host().unpublish('fleuriste.fr');
    await host().unpublish('fleuriste.fr');
    const p = host().paths('fleuriste.fr');
    for (const path of [p.webRoot, p.releases, p.tlsDir, p.vhostPath]) expect(existsSync(path)).toBe(false);
  });

  it('refuses unsafe domains and missing or empty folders (non-retryable)', async () => {
    for (const bad of ['../etc', 'a/b.fr', 'x', 'evil.fr;rm', '']) {
      const err = await host()
        .publish(bad, { dir: tmp })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toBe('host-refused');
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
    }
    const missing = (await host()
      .publish('vide.fr', { dir: join(tmp, 'nowhere') })
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(missing.type).toBe('host-refused');
    mkdirSync(join(tmp, 'empty'));
    const empty = (await host()
      .publish('vide.fr', { dir: join(tmp, 'empty') })
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(empty.message).toMatch(/no files/);
    expect(existsSync(join(opts.sitesRoot, '..', 'etc'))).toBe(false);
  });

  it('runs the reload command after a change', async () => {
    const marker = join(tmp, 'reloaded');
    const reloading = createWebrootHost({ ...opts, reloadCommand: `touch ${marker}` });
    await reloading.publish('recharge.fr', { dir: site('r', { 'index.html': 'r' }) });
    expect(existsSync(marker)).toBe(true);
  });
});
