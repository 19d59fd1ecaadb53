/**
 * A small rendering pool shared by a worker process: one Chromium, launched on first use, rendering
 * at most `size` pages at once, each in a fresh context (contexts share nothing: cookies, storage,
 * cache). One browser rather than one per slot saves a browser's fixed cost (~300 MB) per slot; a
 * crashed browser is relaunched on the next render. Every request the page makes is checked by `allowRequest` first
 * (robots, same site), and every connection Chromium opens goes through the guarded proxy
 * (`guarded-proxy.ts`, started on first render), which connects only to an address that passed the
 * net guard at connect time: a rendered page cannot reach what a plain fetch may not.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { guardedProxies, proxySetting } from './guarded-proxy.js';
import type { OutboundGuard } from './net-guard.js';

export interface RenderResult {
  url: string;
  status: number;
  html: string;
}

export interface RenderOptions {
  userAgent: string;
  timeoutMs: number;
  /** What every connection of the render is checked against, at connect time. */
  guard: OutboundGuard;
  /** The activity's cancellation: closes the page's context. */
  signal?: AbortSignal;
  /** Called for every sub-request (not the document itself); false aborts it. */
  allowRequest?: (url: string) => Promise<boolean>;
  /** Called while waiting, so long renders can heartbeat. */
  onProgress?: () => void;
}

export interface BrowserPool {
  readonly size: number;
  render(url: string, opts: RenderOptions): Promise<RenderResult>;
  close(): Promise<void>;
}

export function createBrowserPool(opts: { executablePath?: string; size: number; extraArgs?: string[] }): BrowserPool {
  const slots: Array<{ busy: boolean }> = Array.from({ length: opts.size }, () => ({ busy: false }));
  let shared: Promise<Browser> | null = null;
  const waiters: Array<() => void> = [];
  let closed = false;
  const proxies = guardedProxies();

  async function take() {
    for (;;) {
      const free = slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  }
  function give(slot: (typeof slots)[number]) {
    slot.busy = false;
    waiters.shift()?.();
  }
  async function browserOf(_slot: (typeof slots)[number]): Promise<Browser> {
    if (shared) {
      const current = shared;
      const b = await current.catch(() => null);
      if (b?.isConnected()) return b;
      // relaunch once, whichever slot notices first
      if (shared !== current) return browserOf(_slot);
    }
    if (!opts.executablePath) throw new Error('no Chromium available: set CHROMIUM_PATH');
    shared = launchBrowser({ executablePath: opts.executablePath, extraArgs: opts.extraArgs });
    return shared;
  }

  return {
    size: opts.size,
    async render(url, r) {
      if (closed) throw new Error('browser pool closed');
      if (opts.size === 0) throw new Error('browser pool has size 0 (WATCH_BROWSER_POOL_SIZE)');
      r.signal?.throwIfAborted();
      const slot = await take();
      const tick = r.onProgress ? setInterval(r.onProgress, 1000) : undefined;
      try {
        const [browser, proxy] = await Promise.all([browserOf(slot), proxies.for(r.guard)]);
        const context = await browser.newContext({ userAgent: r.userAgent, serviceWorkers: 'block', proxy: proxySetting(proxy) });
        const cancel = () => void context.close().catch(() => undefined);
        r.signal?.addEventListener('abort', cancel, { once: true });
        try {
          r.signal?.throwIfAborted();
          const page = await context.newPage();
          await page.route('**/*', async (route) => {
            const reqUrl = route.request().url();
            if (reqUrl === url || !r.allowRequest || (await r.allowRequest(reqUrl).catch(() => false))) return route.continue();
            return route.abort('blockedbyclient');
          });
          const res = await page.goto(url, { waitUntil: 'networkidle', timeout: r.timeoutMs });
          return { url: page.url(), status: res?.status() ?? 0, html: await page.content() };
        } catch (err) {
          r.signal?.throwIfAborted();
          throw err;
        } finally {
          r.signal?.removeEventListener('abort', cancel);
          await context.close().catch(() => undefined);
        }
      } finally {
        if (tick) clearInterval(tick);
        give(slot);
      }
    },
    async close() {
      closed = true;
      const b = await shared?.catch(() => null);
      await b?.close().catch(() => undefined);
      shared = null;
      await proxies.close();
    },
  };
}
