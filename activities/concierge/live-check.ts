/**
 * The live check: Chromium loads https://<domain>/ and we require status 200, the expected title
 * and a certificate valid for the name; a full-page screenshot is kept with the order.
 * Certificate trust is Chromium's own; an extra CA (tests: Pebble's root) is trusted by its SPKI
 * hash, which still validates the chain, the name and the dates.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, rootCertificates } from 'node:tls';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../shared/browser.js';

export interface LiveCheckOptions {
  chromiumPath: string;
  /** `MAP * 127.0.0.1` style rules (tests resolve the domain to loopback). */
  resolverRules?: string;
  port?: number;
  extraCaPath?: string;
  timeoutMs?: number;
}

export interface LiveCheckResult {
  url: string;
  status: number;
  title: string;
  certSubject: string;
  certIssuer: string;
  certValidTo: string;
  screenshotPath: string;
}

export class LiveCheckFailed extends Error {}

/** base64 SHA-256 of each certificate's SubjectPublicKeyInfo, the form Chromium's flag takes. */
export function spkiHashes(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => {
    const der = new X509Certificate(b).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('base64');
  });
}

/** The Chromium flags of the live check: the resolver rules and the extra CA's SPKI hashes. */
export function liveCheckArgs(opts: LiveCheckOptions): string[] {
  const extraArgs: string[] = [];
  if (opts.resolverRules) extraArgs.push(`--host-resolver-rules=${opts.resolverRules}`);
  if (opts.extraCaPath) extraArgs.push(`--ignore-certificate-errors-spki-list=${spkiHashes(readFileSync(opts.extraCaPath, 'utf8')).join(',')}`);
  return extraArgs;
}

/**
 * One browser for a worker's live checks, launched on first use and relaunched if it died; each
 * check gets a fresh context (cheap), so concurrent orders do not each pay a Chromium start.
 */
export function sharedBrowser(opts: LiveCheckOptions): { get(): Promise<Browser>; close(): Promise<void> } {
  let current: Promise<Browser> | null = null;
  return {
    get() {
      if (current) {
        const c = current;
        return c.then((b) => (b.isConnected() ? b : ((current = null), this.get())));
      }
      const launching = launchBrowser({ executablePath: opts.chromiumPath, extraArgs: liveCheckArgs(opts) });
      current = launching;
      launching.catch(() => {
        if (current === launching) current = null;
      });
      return launching;
    },
    async close() {
      const c = current;
      current = null;
      if (c) await (await c).close().catch(() => undefined);
    },
  };
}

export async function checkLiveSite(
  domain: string,
  expectedTitle: string | null,
  screenshotPath: string,
  opts: LiveCheckOptions,
  shared?: () => Promise<Browser>,
): Promise<LiveCheckResult> {
  const url = `https://${domain}${opts.port ? `:${opts.port}` : ''}/`;
  // the certificate's chain and name, checked by Node's TLS as well (Chromium's SPKI trust flag
  // would also accept a name mismatch)
  await verifyCertificate(domain, opts);
  const browser = shared ? await shared() : await launchBrowser({ executablePath: opts.chromiumPath, extraArgs: liveCheckArgs(opts) });
  try {
    // The page may be the customer's own upload (an archive site): it may load nothing but its own
    // origin, which is the domain we just registered and pointed at our host, so it cannot make the
    // worker's browser reach anything else (an internal address, a metadata service).
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      await confineToOrigin(context, new URL(url).origin);
      const page = await context.newPage();
      const res = await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs ?? 20_000 });
      if (!res) throw new LiveCheckFailed(`${url}: no response`);
      if (res.status() !== 200) throw new LiveCheckFailed(`${url} answered ${res.status()}`);
      const title = (await page.title()).trim();
      if (expectedTitle !== null && title !== expectedTitle.trim()) throw new LiveCheckFailed(`${url} has title "${title}", expected "${expectedTitle}"`);
      const sec = await res.securityDetails();
      if (!sec) throw new LiveCheckFailed(`${url}: no TLS details`);
      const subject = sec.subjectName ?? '';
      const validTo = (sec.validTo ?? 0) * 1000;
      if (validTo < Date.now()) throw new LiveCheckFailed(`${url}: certificate expired`);
      await mkdir(dirname(screenshotPath), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: true });
      return { url, status: 200, title, certSubject: subject, certIssuer: sec.issuer ?? '', certValidTo: new Date(validTo).toISOString(), screenshotPath };
    } finally {
      await context.close().catch(() => undefined);
    }
  } finally {
    if (!shared) await browser.close();
  }
}

/** Aborts every request (and WebSocket) of the context that is not for `origin` (data: and blob: stay local). */
export async function confineToOrigin(context: BrowserContext, origin: string): Promise<void> {
  await context.route('**/*', (route) => {
    const u = route.request().url();
    return u.startsWith('data:') || u.startsWith('blob:') || new URL(u).origin === origin ? route.continue() : route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => ws.close());
}

/** The address the check connects to: the one a `MAP <pattern> <ip>` rule gives, else the name. */
export function connectHostFor(domain: string, resolverRules?: string): string {
  const m = resolverRules?.match(/^MAP\s+\S+\s+([0-9a-fA-F.:[\]]+)\s*$/);
  return m ? m[1]!.replace(/^\[|\]$/g, '') : domain;
}

/** TLS handshake with SNI = domain, verifying the chain (system roots + the extra CA) and the name. */
export function verifyCertificate(domain: string, opts: LiveCheckOptions): Promise<void> {
  const ca = [...rootCertificates, ...(opts.extraCaPath ? [readFileSync(opts.extraCaPath, 'utf8')] : [])];
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: connectHostFor(domain, opts.resolverRules), port: opts.port ?? 443, servername: domain, ca, timeout: opts.timeoutMs ?? 10_000 },
      () => {
        socket.end();
        resolve();
      },
    );
    socket.on('timeout', () => socket.destroy(new LiveCheckFailed(`TLS to ${domain}: timed out`)));
    socket.on('error', (err) => reject(new LiveCheckFailed(`TLS to ${domain}: ${err.message}`)));
  });
}
