/**
 * The sandbox HubSpot's "UI": acting as a person in HubSpot, on loopback. `GET /{type}` lists the
 * stand-in's objects (companies, contacts, deals, invoices, tickets); `PATCH /{type}/{id}` with a
 * JSON object of properties changes one the way an edit in HubSpot's UI does, so the stand-in
 * delivers a signed webhook (changeSource CRM_UI) to the platform, which syncs it to Sage.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { HubSpotFake } from './hubspot/index.js';
import type { HsObjectType } from './hubspot/schema.js';
import { readBody } from './http.js';

const TYPES = new Set(['companies', 'contacts', 'deals', 'invoices', 'tickets']);

export interface HubSpotUi {
  url: string;
  stop(): Promise<void>;
}

export async function startHubSpotUi(hubspot: HubSpotFake): Promise<HubSpotUi> {
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const [type, id, ...rest] = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    if (!type || !TYPES.has(type) || rest.length)
      return send(res, 404, { error: 'GET /{type} or PATCH /{type}/{id}; type: companies, contacts, deals, invoices, tickets' });
    const t = type as HsObjectType;
    if (req.method === 'GET' && !id) return send(res, 200, { results: hubspot.objects(t) });
    if (req.method === 'GET' && id) return hubspot.get(t, id) ? send(res, 200, hubspot.get(t, id)) : send(res, 404, { error: `no ${type} ${id}` });
    if (req.method !== 'PATCH' || !id) return send(res, 405, { error: 'GET or PATCH' });
    readBody(req).then(
      (raw) => {
        let props: unknown;
        try {
          props = JSON.parse(raw);
        } catch {
          return send(res, 400, { error: 'a JSON object of properties' });
        }
        if (!props || typeof props !== 'object' || Array.isArray(props)) return send(res, 400, { error: 'a JSON object of properties' });
        if (!hubspot.get(t, id)) return send(res, 404, { error: `no ${type} ${id}` });
        try {
          return send(res, 200, hubspot.ui.update(t, id, props as Record<string, unknown>));
        } catch (err) {
          return send(res, 422, { error: (err as Error).message });
        }
      },
      () => send(res, 400, { error: 'unreadable body' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
