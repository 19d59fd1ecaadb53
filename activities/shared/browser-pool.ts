/**
 * A small pool of Chromium browsers shared by a worker process: at most `size` browsers, launched
 * on first use, each rendering one page at a time in a fresh context. A crashed browser is
 * relaunched on its next use. Every request the page makes is checked by `allowRequest` first
 * (net-guard, robots), so a rendered page cannot reach what a plain fetch may not.
 */
import type { Browser } from 'playwright';
import { launchBrowser } from './browser.js';

export interface RenderResult {
  url: string;
  status: number;
  html: string;
}

export interface RenderOptions {
  userAgent: string;
  timeoutMs: number;
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
  const slots: Array<{ browser: Promise<Browser> | null; busy: boolean }> = Array.from({ length: opts.size }, () => ({ browser: null, busy: false }));
  const waiters: Array<() => void> = [];
  let closed = false;

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
  async function browserOf(slot: (typeof slots)[number]): Promise<Browser> {
    if (slot.browser) {
      const b = await slot.browser.catch(() => null);
      if (b?.isConnected()) return b;
    }
    if (!opts.executablePath) throw new Error('no Chromium available: set CHROMIUM_PATH');
    slot.browser = launchBrowser({ executablePath: opts.executablePath, extraArgs: opts.extraArgs });
    return slot.browser;
  }

  return {
    size: opts.size,
    async render(url, r) {
      if (closed) throw new Error('browser pool closed');
      if (opts.size === 0) throw new Error('browser pool has size 0 (WATCH_BROWSER_POOL_SIZE)');
      const slot = await take();
      const tick = r.onProgress ? setInterval(r.onProgress, 1000) : undefined;
      try {
        const browser = await browserOf(slot);
        const context = await browser.newContext({ userAgent: r.userAgent, serviceWorkers: 'block' });
        try {
          const page = await context.newPage();
          await page.route('**/*', async (route) => {
            const reqUrl = route.request().url();
            if (reqUrl === url || !r.allowRequest || (await r.allowRequest(reqUrl).catch(() => false))) return route.continue();
            return route.abort('blockedbyclient');
          });
          const res = await page.goto(url, { waitUntil: 'networkidle', timeout: r.timeoutMs });
          return { url: page.url(), status: res?.status() ?? 0, html: await page.content() };
        } finally {
          await context.close().catch(() => undefined);
        }
      } finally {
        if (tick) clearInterval(tick);
        give(slot);
      }
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (s) => {
          const b = await s.browser?.catch(() => null);
          await b?.close().catch(() => undefined);
          s.browser = null;
        }),
      );
    },
  };
}
