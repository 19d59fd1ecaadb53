/**
 * The fixture of `npm run bench:peers`, run as its own process so that serving it is charged to
 * no tool: N pages spread over H loopback hosts (127.0.0.11, 127.0.0.12, ...), one copy per tool
 * (`/<tool>/p/<i>`), whose content follows the tool's round; a control server (127.0.0.1) sets a
 * tool's round, reports what it fetched, and receives its notifications.
 *
 * Rounds (`pageState`): 0 is the baseline; then per cycle of three a changed round (K prices up,
 * K changes outside the watched region), an unchanged round, and a revert (the K prices back to
 * their first value). A tool must notify K, 0, K, then K again on the next changed round.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

export type RoundKind = 'baseline' | 'changed' | 'unchanged' | 'revert';

export function roundKind(r: number): RoundKind {
  if (r === 0) return 'baseline';
  return (['changed', 'unchanged', 'revert'] as const)[(r - 1) % 3]!;
}

/** Price (watched) and view count (outside the watched region) of page i in round r. */
export function pageState(i: number, r: number, k: number): { price: number; views: number } {
  const kinds = Array.from({ length: r }, (_, j) => roundKind(j + 1));
  const price = i < k && r > 0 && roundKind(r) !== 'revert' ? 110 + i : 100 + i;
  // the views of pages K..2K-1 change on every round that is not "unchanged"
  const views = i >= k && i < 2 * k ? kinds.filter((x) => x !== 'unchanged').length : 0;
  return { price, views };
}

export function pageHtml(i: number, host: string, s: { price: number; views: number }): string {
  const filler = Array.from({ length: 30 }, (_, j) => `<li>Article ${j} de la boutique ${host}: description, dimensions, livraison.</li>`).join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Produit ${i}</title></head><body>
<header><nav><a href="/">Accueil</a> · <a href="/contact">Contact</a></nav></header>
<main><h1>Produit ${i}</h1><div id="price"><span class="label">Prix</span> <span class="value">${s.price} €</span></div>
<p class="views">Vu ${s.views} fois</p><ul>${filler}</ul></main><footer>© ${host}</footer></body></html>`;
}

interface ToolState {
  round: number;
  fetched: Set<number>;
  requests: number;
  hooks: number;
}

async function main() {
  const { values } = parseArgs({
    options: { hosts: { type: 'string', default: '20' }, pages: { type: 'string', default: '200' }, k: { type: 'string', default: '10' } },
  });
  const H = Number(values.hosts);
  const N = Number(values.pages);
  const K = Number(values.k);
  const tools = new Map<string, ToolState>();
  const tool = (name: string) => {
    let t = tools.get(name);
    if (!t) tools.set(name, (t = { round: 0, fetched: new Set(), requests: 0, hooks: 0 }));
    return t;
  };
  const hosts: string[] = [];
  for (let h = 0; h < H; h++) {
    const address = `127.0.0.${11 + h}`;
    const server = createServer((req, res) => {
      const m = /^\/(\w+)\/p\/(\d+)$/.exec(req.url ?? '');
      const i = Number(m?.[2]);
      if (!m || i >= N || i % H !== h) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      const t = tool(m[1]!);
      t.requests++;
      t.fetched.add(i);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(i, address, pageState(i, t.round, K)));
    });
    server.keepAliveTimeout = 30_000;
    const port = await new Promise<number>((r) => server.listen(0, address, () => r((server.address() as { port: number }).port)));
    hosts.push(`${address}:${port}`);
  }
  const body = (req: IncomingMessage) =>
    new Promise<string>((r) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => r(b));
    });
  const json = (res: ServerResponse, v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
  const control = createServer(
    (req, res) =>
      void (async () => {
        const url = req.url ?? '';
        let m: RegExpExecArray | null;
        if ((m = /^\/round\/(\w+)\/(\d+)$/.exec(url))) {
          const t = tool(m[1]!);
          Object.assign(t, { round: Number(m[2]), fetched: new Set(), requests: 0, hooks: 0 });
          return json(res, { ok: true });
        }
        if ((m = /^\/status\/(\w+)$/.exec(url))) {
          const t = tool(m[1]!);
          return json(res, { round: t.round, fetched: t.fetched.size, requests: t.requests, hooks: t.hooks });
        }
        if ((m = /^\/hook\/(\w+)/.exec(url))) {
          await body(req);
          tool(m[1]!).hooks++;
          return void res.writeHead(204).end();
        }
        res.writeHead(404).end();
      })(),
  );
  const controlPort = await new Promise<number>((r) => control.listen(0, '127.0.0.1', () => r((control.address() as { port: number }).port)));
  process.stdout.write(`${JSON.stringify({ hosts, control: `http://127.0.0.1:${controlPort}` })}\n`);
}

if (process.argv[1]?.endsWith('peers-fixture.ts')) await main();
