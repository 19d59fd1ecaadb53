/**
 * The concierge API's edges: order validation, Stripe webhook signatures and replays, the site
 * archive upload. Real API, real worker and Temporal dev server, stripe-mock and the other peers.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.js';
import { makeZip } from '../support/zip.js';
import { ORDER, placeOrder, pollOrder, sessionIdOf, signedCheckoutEvent, startConciergeWorld, type ConciergeWorld } from '../support/concierge.js';

let t: TestDb;
let w: ConciergeWorld;

beforeAll(async () => {
  t = await freshDb();
  w = await startConciergeWorld(t.db, t.url, { env: { CONCIERGE_ARCHIVE_MAX_BYTES: '4096', CONCIERGE_ARCHIVE_MAX_FILES: '5' } });
});
afterAll(async () => {
  await w?.stop();
  await t?.drop();
});

const post = (path: string, body: unknown, init: RequestInit & { key?: string | null } = {}) =>
  w.call(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });

async function signals(orderId: string): Promise<number> {
  const history = await w.client.workflow.getHandle(orderId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

describe('POST /v1/concierge/orders validation', () => {
  it('answers 422 problem+json naming every missing field', async () => {
    const res = await post('/v1/concierge/orders', { businessName: 'X' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = (await res.json()) as { type: string; errors: Array<{ path: string }> };
    expect(p.type).toBe('/problems/validation-error');
    expect(p.errors.map((e) => e.path).sort()).toEqual(['contactEmail', 'desiredDomain', 'plan', 'registrant', 'site']);
  });

  it.each([
    ['an invalid domain', { desiredDomain: 'pas un domaine' }, 'desiredDomain'],
    ['a domain with a bad label', { desiredDomain: '-bad-.fr' }, 'desiredDomain'],
    ['a URL instead of a domain', { desiredDomain: 'https://x.fr/' }, 'desiredDomain'],
    ['an unknown plan', { plan: 'gold' }, 'plan'],
    ['a bad email', { contactEmail: 'nope' }, 'contactEmail'],
    ['a bad phone', { registrant: { ...ORDER.registrant, phone: '0612345678' } }, 'registrant.phone'],
    ['an unknown site kind', { site: { kind: 'wordpress' } }, 'site.kind'],
    ['an unknown field', { discount: 100 }, '(body)'],
  ])('refuses %s', async (_what, patch, path) => {
    const res = await post('/v1/concierge/orders', { ...ORDER, desiredDomain: 'valide.fr', ...patch });
    expect(res.status).toBe(422);
    const p = (await res.json()) as { errors: Array<{ path: string }> };
    expect(p.errors.map((e) => e.path)).toContain(path);
  });

  it('refuses malformed JSON (400) and a missing API key (401); nothing is stored', async () => {
    expect((await post('/v1/concierge/orders', '{"businessName":')).status).toBe(400);
    expect((await post('/v1/concierge/orders', { ...ORDER, desiredDomain: 'valide.fr' }, { key: null })).status).toBe(401);
    const rows = await t.db.selectFrom('concierge_orders').select('id').execute();
    expect(rows).toEqual([]);
  });

  it('GET: 422 for a malformed id, 404 for an unknown one', async () => {
    expect((await w.call('/v1/concierge/orders/42')).status).toBe(422);
    const res = await w.call('/v1/concierge/orders/ord_aaaaaaaaaaaaaaaaaaaa');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { type: string }).type).toBe('/problems/not-found');
  });

  it('normalises the domain (IDN, case) and answers 202 with the order id and its URL', async () => {
    const res = await post('/v1/concierge/orders', { ...ORDER, desiredDomain: 'Café-Crème.FR' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { orderId: string; statusUrl: string; siteUploadUrl: string | null };
    expect(body.orderId).toMatch(/^ord_[a-z0-9]{20}$/);
    expect(body.statusUrl).toBe(`/v1/concierge/orders/${body.orderId}`);
    expect(res.headers.get('location')).toBe(body.statusUrl);
    expect(body.siteUploadUrl).toBeNull();
    const row = await t.db.selectFrom('concierge_orders').selectAll().where('id', '=', body.orderId).executeTakeFirstOrThrow();
    expect(row.desired_domain).toBe('xn--caf-crme-60ag.fr');
    const o = await pollOrder(w.call, body.orderId, (x) => x.phase === 'awaiting-payment');
    expect(o.eta).toEqual(expect.any(String));
    expect(Date.parse(o.eta as string)).toBeGreaterThan(Date.now());
    await w.client.workflow.getHandle(body.orderId).terminate('test over');
  });
});

describe('POST /v1/webhooks/stripe', () => {
  let orderId: string;
  let sessionId: string;
  beforeAll(async () => {
    orderId = await placeOrder(w, { ...ORDER, desiredDomain: 'webhook-test.fr' });
    sessionId = await sessionIdOf(t.db, orderId);
    await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-payment');
  });
  afterAll(async () => {
    await w.client.workflow
      .getHandle(orderId)
      .terminate('test over')
      .catch(() => undefined);
  });

  const webhook = (payload: string, header?: string) =>
    w.call('/v1/webhooks/stripe', { method: 'POST', body: payload, headers: header ? { 'stripe-signature': header } : {}, key: null });

  it('refuses a bad signature, a wrong secret, a tampered body and a missing header with 400; nothing is recorded or signalled', async () => {
    const good = signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_bad_1' });
    const wrongSecret = signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_bad_2', secret: 'whsec_not_ours' });
    const cases = [
      webhook(good.payload, 't=1700000000,v1=deadbeef'),
      webhook(wrongSecret.payload, wrongSecret.header),
      webhook(good.payload.replace('"amount_total":59900', '"amount_total":1'), good.header),
      webhook(good.payload),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toMatch(/signature/i);
    }
    expect(await t.db.selectFrom('webhook_events').selectAll().where('event_id', 'like', 'evt_bad_%').execute()).toEqual([]);
    expect(await signals(orderId)).toBe(0);
    expect((await pollOrder(w.call, orderId, () => true)).phase).toBe('awaiting-payment');
  });

  it('records an event it does not handle and signals nothing', async () => {
    const { payload, header } = signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_other_1', type: 'checkout.session.expired' });
    const res = await webhook(payload, header);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: false, signalled: null, ignored: 'event checkout.session.expired not handled' });
    expect(await signals(orderId)).toBe(0);
  });

  it('signals the order once; the same event replayed does nothing', async () => {
    const { payload, header } = signedCheckoutEvent({ orderId, sessionId, eventId: 'evt_paid_1' });
    const first = await webhook(payload, header);
    expect(await first.json()).toMatchObject({ duplicate: false, signalled: orderId });
    const replay = await webhook(payload, header);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true, signalled: null });
    const rows = await t.db.selectFrom('webhook_events').selectAll().where('event_id', '=', 'evt_paid_1').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'stripe', event_type: 'checkout.session.completed' });
    // A signal that arrives while a workflow task runs is written to history when the task
    // completes: count them once the order has moved on.
    await pollOrder(w.call, orderId, (o) => o.phase !== 'awaiting-payment');
    expect(await signals(orderId)).toBe(1);
  });
});

describe('POST /v1/concierge/orders/:id/site', () => {
  let orderId: string;
  beforeAll(async () => {
    const res = await post('/v1/concierge/orders', { ...ORDER, desiredDomain: 'archive-test.fr', site: { kind: 'archive' } });
    const body = (await res.json()) as { orderId: string; siteUploadUrl: string };
    orderId = body.orderId;
    expect(body.siteUploadUrl).toBe(`/v1/concierge/orders/${orderId}/site`);
    await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-site');
  });
  afterAll(async () => {
    await w.client.workflow
      .getHandle(orderId)
      .terminate('test over')
      .catch(() => undefined);
  });

  const upload = (body: Buffer, type = 'application/zip') =>
    w.call(`/v1/concierge/orders/${orderId}/site`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': type } });
  const uploads = () => join(w.config.CONCIERGE_DATA_DIR, 'uploads', orderId);

  it('refuses ../ paths, absolute paths and symlinks with 422, and writes nothing', async () => {
    for (const entries of [
      [
        { name: 'index.html', data: 'x' },
        { name: '../../evil.html', data: 'x' },
      ],
      [{ name: '/tmp/evil.html', data: 'x' }],
      [
        { name: 'index.html', data: 'x' },
        { name: 'passwd', data: '/etc/passwd', mode: 0o120777 },
      ],
    ]) {
      const res = await upload(makeZip(entries));
      expect(res.status).toBe(422);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/refused entry/);
    }
    expect(existsSync(uploads())).toBe(false);
    expect(existsSync(join(w.config.CONCIERGE_DATA_DIR, 'evil.html'))).toBe(false);
  });

  it('refuses an archive over the size or file-count limit (413), a non-zip (422) and a wrong content type (400)', async () => {
    const big = makeZip([{ name: 'index.html', data: randomBytes(8000) }]);
    expect(big.length).toBeGreaterThan(4096);
    expect((await upload(big)).status).toBe(413);
    expect((await upload(makeZip(Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.html`, data: 'x' }))))).status).toBe(413);
    expect((await upload(Buffer.from('not a zip at all'))).status).toBe(422);
    expect((await upload(makeZip([{ name: 'index.html', data: 'x' }]), 'text/plain')).status).toBe(400);
    expect(existsSync(uploads())).toBe(false);
  });

  it('refuses an upload for a template order (409)', async () => {
    const other = await placeOrder(w, { ...ORDER, desiredDomain: 'template-only.fr' });
    const res = await w.call(`/v1/concierge/orders/${other}/site`, {
      method: 'POST',
      body: new Uint8Array(makeZip([{ name: 'index.html', data: 'x' }])),
      headers: { 'content-type': 'application/zip' },
    });
    expect(res.status).toBe(409);
    await w.client.workflow.getHandle(other).terminate('test over');
  });

  it('extracts a good archive and the order moves on to payment', async () => {
    const res = await upload(
      makeZip([{ name: 'site/' }, { name: 'site/index.html', data: '<title>Archive &amp; Co</title>' }, { name: 'site/a.css', data: 'a{}' }]),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ orderId, files: ['a.css', 'index.html'] });
    expect(readFileSync(join(uploads(), 'index.html'), 'utf8')).toContain('Archive');
    await pollOrder(w.call, orderId, (o) => o.phase === 'awaiting-payment');
  });
});

describe('OpenAPI', () => {
  it('documents the concierge routes and the webhook', async () => {
    const doc = (await (await w.call('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/concierge/orders',
        '/v1/concierge/orders/{id}',
        '/v1/concierge/orders/{id}/site',
        '/v1/concierge/orders/{id}/domain',
        '/v1/webhooks/stripe',
      ]),
    );
  });
});
