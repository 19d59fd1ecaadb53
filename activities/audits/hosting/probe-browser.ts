/**
 * Browser probe: the page loaded in Chromium (load time, DOMContentLoaded, requests, transferred
 * bytes, console errors, a PNG screenshot). One Chromium per worker process, launched on first use
 * and closed after a minute idle; each audit gets its own context, and at most `maxPages` run at
 * once. Every request the page makes is checked by the net guard (refused ones fail as blocked by
 * the client), and every connection Chromium opens goes through the guarded proxy, which checks
 * the address again at connect time: a name that rebinds after the check gets nowhere.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../shared/browser.js';
import { guardedProxies, proxySetting } from '../../shared/guarded-proxy.js';
import { resolveHost, type OutboundGuard } from '../../shared/net-guard.js';
import type { BrowserResult } from './types.js';

export interface BrowserPoolOptions {
  executablePath: string;
  extraArgs?: string[];
  maxPages?: number;
  idleCloseMs?: number;
}

export interface BrowserProbeOptions {
  timeoutMs: number;
  /** What every request (route check) and every connection (proxy) is checked against. */
  guard: OutboundGuard;
  /** The activity's cancellation: closes the audit's browser context. */
  signal?: AbortSignal;
}

export class BrowserPool {
  private browser: Promise<Browser> | null = null;
  private active = 0;
  private waiters: Array<() => void> = [];
  private idle: NodeJS.Timeout | null = null;
  private readonly proxies = guardedProxies();

  constructor(private readonly opts: BrowserPoolOptions) {}

  private async acquire(): Promise<Browser> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    while (this.active >= (this.opts.maxPages ?? 4)) await new Promise<void>((r) => this.waiters.push(r));
    this.active++;
    this.browser ??= launchBrowser({ executablePath: this.opts.executablePath, extraArgs: this.opts.extraArgs });
    try {
      const b = await this.browser;
      if (!b.isConnected()) {
        this.browser = launchBrowser({ executablePath: this.opts.executablePath, extraArgs: this.opts.extraArgs });
        return await this.browser;
      }
      return b;
    } catch (err) {
      this.browser = null;
      this.release();
      throw err;
    }
  }

  private release() {
    this.active--;
    this.waiters.shift()?.();
    if (this.active === 0 && this.waiters.length === 0) {
      this.idle = setTimeout(() => void this.close(), this.opts.idleCloseMs ?? 60_000);
      this.idle.unref();
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
    await this.proxies.close();
  }

  /**
   * Chromium's print to PDF of a self-contained HTML page (the audit report): no JavaScript, no
   * network (only data: URLs load), A4 with backgrounds.
   */
  async printPdf(html: string, timeoutMs: number): Promise<Buffer> {
    const browser = await this.acquire();
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block', offline: true });
      try {
        await context.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
        return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  async probe(url: string, opts: BrowserProbeOptions): Promise<{ result: BrowserResult; screenshot: Buffer | null }> {
    opts.signal?.throwIfAborted();
    const browser = await this.acquire();
    const proxy = await this.proxies.for(opts.guard).catch((err) => {
      this.release();
      throw err;
    });
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1280, height: 800 },
      serviceWorkers: 'block',
      proxy: proxySetting(proxy),
    });
    const cancel = () => void context.close().catch(() => undefined);
    opts.signal?.addEventListener('abort', cancel, { once: true });
    const result: BrowserResult = {
      loaded: false,
      error: null,
      status: null,
      loadMs: null,
      domContentLoadedMs: null,
      requests: 0,
      failedRequests: 0,
      transferredBytes: 0,
      consoleErrors: [],
      screenshot: false,
      screenshotBytes: 0,
    };
    const checked = new Map<string, Promise<boolean>>();
    const sizes: Array<Promise<number>> = [];
    try {
      await context.route('**/*', async (route) => {
        const u = new URL(route.request().url());
        if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return route.abort('blockedbyclient');
        let ok = checked.get(u.hostname);
        if (!ok) {
          ok = resolveHost(u.hostname, opts.guard.allow, opts.guard.lookup).then(
            () => true,
            () => false,
          );
          checked.set(u.hostname, ok);
        }
        return (await ok) ? route.continue() : route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('request', () => void result.requests++);
      page.on('requestfailed', () => void result.failedRequests++);
      page.on('requestfinished', (req) =>
        sizes.push(
          req.sizes().then(
            (s) => s.responseBodySize + s.responseHeadersSize,
            () => 0,
          ),
        ),
      );
      page.on('console', (m) => {
        if (m.type() === 'error' && result.consoleErrors.length < 20) result.consoleErrors.push(m.text().slice(0, 300));
      });
      page.on('pageerror', (e) => {
        if (result.consoleErrors.length < 20) result.consoleErrors.push(`uncaught: ${e.message}`.slice(0, 300));
      });
      const res = await page.goto(url, { waitUntil: 'load', timeout: opts.timeoutMs });
      result.status = res?.status() ?? null;
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return n ? { load: n.loadEventEnd - n.startTime, dcl: n.domContentLoadedEventEnd - n.startTime } : null;
      });
      result.loadMs = nav ? Math.round(nav.load) : null;
      result.domContentLoadedMs = nav ? Math.round(nav.dcl) : null;
      result.loaded = true;
      const png = await page.screenshot({ type: 'png', timeout: opts.timeoutMs });
      result.transferredBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
      result.screenshot = true;
      result.screenshotBytes = png.length;
      return { result, screenshot: png };
    } catch (err) {
      opts.signal?.throwIfAborted();
      result.error = (err as Error).message.split('\n')[0]!.slice(0, 300);
      result.transferredBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
      return { result, screenshot: null };
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
      await context.close().catch(() => undefined);
      this.release();
    }
  }
}
