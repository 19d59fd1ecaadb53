/** The system Chromium, driven by Playwright with the closed-network flags, renders a loopback page. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchBrowser } from '../../activities/shared/browser.js';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Atelier</title><h1 id="x">…</h1><script>document.getElementById("x").textContent = "rendered by JS"</script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Chromium', () => {
  it('is provisioned and renders a JavaScript page on loopback', async () => {
    const executablePath = inject('chromiumPath');
    expect(executablePath, 'provisioning must find or install Chromium').toBeTruthy();
    const browser = await launchBrowser({ executablePath: executablePath! });
    try {
      const page = await browser.newPage();
      const res = await page.goto(url);
      expect(res?.status()).toBe(200);
      expect(await page.title()).toBe('Atelier');
      expect(await page.textContent('#x')).toBe('rendered by JS');
    } finally {
      await browser.close();
    }
  });
});
