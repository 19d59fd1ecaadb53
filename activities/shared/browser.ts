/**
 * Chromium through Playwright, driving the system browser (CHROMIUM_PATH or Debian's `chromium`)
 * rather than a Playwright download. The flags keep it quiet on a closed network: no background
 * networking, component updates, sync or first-run calls home.
 */
import type { Browser, LaunchOptions } from 'playwright-core';

export const CLOSED_NETWORK_FLAGS = [
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  // WebRTC may only use the proxy (browser pools point Chromium at the guarded proxy): no direct UDP
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--password-store=basic',
];

export interface BrowserOptions {
  executablePath: string;
  /** Extra Chromium flags, e.g. `--host-resolver-rules=MAP example.test 127.0.0.1` in tests. */
  extraArgs?: string[];
}

export function launchOptions(opts: BrowserOptions): LaunchOptions {
  const asRoot = process.getuid?.() === 0;
  return {
    executablePath: opts.executablePath,
    headless: true,
    // Chromium's sandbox needs user namespaces it does not get as root in a container.
    chromiumSandbox: !asRoot,
    args: [...CLOSED_NETWORK_FLAGS, ...(asRoot ? ['--no-sandbox'] : []), ...(opts.extraArgs ?? [])],
  };
}

export async function launchBrowser(opts: BrowserOptions): Promise<Browser> {
  // Playwright is loaded with the first browser, not with every worker that could start one.
  const { chromium } = await import('playwright-core');
  return chromium.launch(launchOptions(opts));
}
