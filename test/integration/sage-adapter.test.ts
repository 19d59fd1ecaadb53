/**
 * The Sage Business Cloud adapter against the stateful Sage fake and a real PostgreSQL: paging by
 * `$next`, incremental cursors, deletions, writes, OAuth2 refresh-token rotation persisted and
 * serialized across "processes", stale refresh tokens, 429s. Also the fake's own wire format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../core/config.js';
import { createSageBusinessCloud } from '../../activities/sync/sage/business-cloud.js';
import { storeSageRefreshToken } from '../../activities/sync/sage/token-store.js';
import { startSageFake, type SageFake } from '../../sandbox/sage/index.js';
import { freshDb, type TestDb } from '../support/db.js';

let t: TestDb;
let sage: SageFake;
let offset = 0;
const clock = () => Date.now() + offset;
let initialRefresh: string;

function config(env: Record<string, string> = {}) {
  return loadConfig({
    DATABASE_URL: t.url,
    SAGE_API_URL: sage.apiUrl,
    SAGE_OAUTH_URL: sage.tokenUrl,
    SAGE_CLIENT_ID: sage.clientId,
    SAGE_CLIENT_SECRET: sage.clientSecret,
    SAGE_BUSINESS_ID: sage.businessId,
    SAGE_REFRESH_TOKEN: initialRefresh,
    ...env,
  });
}
const adapter = (env: Record<string, string> = {}) => createSageBusinessCloud({ db: t.db, config: config(env), now: clock });

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

const customer = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Client ${String(i).padStart(3, '0')}`,
  contact_type_ids: ['CUSTOMER'],
  reference: `C${String(i).padStart(4, '0')}`,
  email: `client${i}@exemple.fr`,
  telephone: '04 72 00 00 00',
  tax_number: `FR${String(10_000_000_000 + i)}`,
  currency_id: 'EUR',
  main_address: { address_line_1: `${i} rue de la République`, city: 'Lyon', postal_code: '69002', country_id: 'FR' },
  ...extra,
});

beforeAll(async () => {
  t = await freshDb();
  sage = await startSageFake({ now: clock, accessTokenTtlSeconds: 300 });
  initialRefresh = sage.currentRefreshToken();
  for (let i = 1; i <= 45; i++) sage.direct.create('contacts', customer(i));
  sage.direct.create('contacts', { name: 'Fournisseur A', contact_type_ids: ['VENDOR'] });
  offset += 60_000;
});
afterAll(async () => {
  await sage.close();
  await t.drop();
});

describe('Sage adapter: incremental reads', () => {
  let cursor: string;

  it('pages through every customer by $next (suppliers left out), with the full record', async () => {
    const s = adapter();
    sage.resetStats();
    const seen: string[] = [];
    let page: string | null = null;
    let pages = 0;
    do {
      const r = await s.customers.listChanged(null, page, 20);
      seen.push(...r.items.map((i) => i.id));
      page = r.next;
      cursor = r.cursor;
      pages++;
    } while (page);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(sage.stats().byRoute['GET /v3.1/contacts']).toBe(3);
    const one = (await s.customers.get(seen[0]!))!;
    expect(one.data).toMatchObject({
      email: expect.stringMatching(/@exemple\.fr$/),
      main_address: { city: 'Lyon', country: { id: 'FR' } },
      currency: { id: 'EUR' },
    });
    expect(one.updatedAt).toBeInstanceOf(Date);
    expect(Date.parse(cursor)).toBeLessThanOrEqual(clock());
    expect(Date.parse(cursor)).toBeGreaterThan(clock() - 5_000);
  });

  it('reads only what changed since the cursor, and the deletions since it', async () => {
    offset += 60_000;
    const all = sage.list('contacts').filter((c) => String(c.name).startsWith('Client'));
    sage.direct.update('contacts', String(all[3]!.id), { telephone: '06 11 22 33 44' });
    sage.direct.update('contacts', String(all[40]!.id), { name: 'Client renommé' });
    sage.direct.delete('contacts', String(all[7]!.id));
    const s = adapter();
    const r = await s.customers.listChanged(new Date(cursor), null, 20);
    expect(r.next).toBeNull();
    expect(r.items.map((i) => i.id).sort()).toEqual([String(all[3]!.id), String(all[40]!.id)].sort());
    expect(r.items.find((i) => i.id === all[40]!.id)!.data.name).toBe('Client renommé');
    expect(await s.customers.listDeleted(new Date(cursor))).toEqual([String(all[7]!.id)]);
    expect(await s.customers.get(String(all[7]!.id))).toBeNull();
    // The cursor keeps a margin: changes from the same instant are handed back once more...
    offset += 60_000;
    const again = await s.customers.listChanged(new Date(r.cursor), null, 20);
    expect(again.items.map((i) => i.id).sort()).toEqual(r.items.map((i) => i.id).sort());
    // ...and once the dust has settled, nothing.
    expect((await s.customers.listChanged(new Date(again.cursor), null, 20)).items).toEqual([]);
    expect(await s.customers.listDeleted(new Date(again.cursor))).toEqual([]);
  });

  it('loses nothing when records change or vanish while it pages', async () => {
    offset += 60_000;
    const s = adapter();
    const live = () =>
      sage
        .list('contacts')
        .filter((c) => (c.contact_types as Array<{ id: string }>).some((x) => x.id === 'CUSTOMER'))
        .map((c) => String(c.id));
    const first = await s.customers.listChanged(null, null, 10);
    const seen = new Set(first.items.map((i) => i.id));
    // Meanwhile in Sage: two records read on page 1 are deleted, one not yet read is edited.
    sage.direct.delete('contacts', first.items[0]!.id);
    sage.direct.delete('contacts', first.items[1]!.id);
    const unread = live().find((id) => !seen.has(id))!;
    offset += 5_000;
    sage.direct.update('contacts', unread, { notes: 'modifié pendant la lecture' });
    let page = first.next;
    let cursor = first.cursor;
    while (page) {
      const r = await s.customers.listChanged(null, page, 10);
      r.items.forEach((i) => seen.add(i.id));
      page = r.next;
      cursor = r.cursor;
    }
    const changedAfter = await s.customers.listChanged(new Date(cursor), null, 200);
    changedAfter.items.forEach((i) => seen.add(i.id));
    for (const id of live()) expect(seen.has(id)).toBe(true);
  });

  it('lists quotes and invoices with their lines and totals', async () => {
    const c = sage.list('contacts')[10]!;
    const q = sage.direct.create('sales_quotes', {
      contact_id: c.id,
      date: '2026-11-20',
      expiry_date: '2026-12-20',
      quote_lines: [
        { description: 'Tableau électrique', quantity: 1, unit_price: 850, tax_rate_id: 'FR_INTERMEDIATE' },
        { description: "Main d'œuvre", quantity: 3, unit_price: 55.5 },
      ],
    });
    sage.direct.create('sales_invoices', {
      contact_id: c.id,
      date: '2026-11-21',
      due_date: '2026-12-21',
      invoice_lines: [{ description: 'Dépannage', quantity: 1, unit_price: 120 }],
    });
    const s = adapter();
    const quotes = await s.quotes.listChanged(null, null, 50);
    expect(quotes.items).toHaveLength(1);
    expect(quotes.items[0]!.data).toMatchObject({
      id: q.id,
      quote_number: 'SQ-1',
      net_amount: '1016.50',
      tax_amount: '118.30',
      total_amount: '1134.80',
      contact: { id: c.id },
      status: { id: 'DRAFT' },
    });
    const invoices = await s.invoices.listChanged(null, null, 50);
    expect(invoices.items[0]!.data).toMatchObject({ invoice_number: 'SI-1', total_amount: '144.00', outstanding_amount: '144.00', status: { id: 'UNPAID' } });
    const accepted = await s.quotes.update(String(q.id), { status: { id: 'ACCEPTED' }, notes: 'Signé par le client' });
    expect(accepted.data).toMatchObject({ status: { id: 'ACCEPTED' }, notes: 'Signé par le client' });
  });
});

describe('Sage adapter: writes', () => {
  it('updates a customer from a read-shaped patch; bad input is a non-retryable SageValidationError', async () => {
    const s = adapter();
    const id = String(sage.list('contacts')[5]!.id);
    const r = await s.customers.update(id, {
      telephone: '+32 2 000 00 00',
      website: 'https://duret.example',
      main_address: { city: 'Bruxelles', country: { id: 'BE' } },
    });
    expect(r.data).toMatchObject({
      telephone: '+32 2 000 00 00',
      website: 'https://duret.example',
      main_address: { city: 'Bruxelles', postal_code: '69002', country: { id: 'BE' } },
    });
    expect(sage.get('contacts', id)).toMatchObject({ main_address: { city: 'Bruxelles' } });
    const bad = await failure(s.customers.update(id, { email: 'pas-un-email' }));
    expect(bad.type).toBe('SageValidationError');
    expect(bad.nonRetryable).toBe(true);
    expect(bad.message).toContain('main_contact_person.email');
    const missing = await failure(s.customers.update('0'.repeat(32), { name: 'x' }));
    expect(missing.type).toBe('SageNotFound');
  });

  it('upserts a customer by reference: a second call updates, never a second customer', async () => {
    const s = adapter();
    const first = await s.upsertCustomer('HS-9001', { name: 'Nouvelle SARL', email: 'contact@nouvelle.fr' });
    expect(first.created).toBe(true);
    const again = await s.upsertCustomer('hs-9001', { name: 'Nouvelle SAS' });
    expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
    const holders = sage.list('contacts').filter((c) => String(c.reference).toUpperCase() === 'HS-9001');
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatchObject({ name: 'Nouvelle SAS', email: 'contact@nouvelle.fr', contact_types: [{ id: 'CUSTOMER' }] });
  });
});

describe('Sage adapter: OAuth2 refresh-token rotation', () => {
  const stored = () => t.db.selectFrom('sync_sage_credentials').selectAll().where('business_id', '=', sage.businessId).executeTakeFirstOrThrow();

  it('refreshes an expired access token, persists the rotated refresh token, and a restart uses it', async () => {
    const before = await stored();
    expect(before.refresh_token).toBe(sage.currentRefreshToken());
    sage.resetStats();
    sage.expireAccessTokens();
    await adapter().customers.listChanged(null, null, 1);
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 1, rejectedRefreshes: 0, unauthorized: 1 });
    const after = await stored();
    expect(after.generation).toBe(before.generation + 1);
    expect(after.refresh_token).toBe(sage.currentRefreshToken());
    expect(after.refresh_token).not.toBe(before.refresh_token);

    // A "restarted worker": new adapter, config still holding the first (long spent) token.
    sage.expireAccessTokens();
    const restarted = adapter({ SAGE_REFRESH_TOKEN: initialRefresh });
    await restarted.customers.get(String(sage.list('contacts')[0]!.id));
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 2, rejectedRefreshes: 0 });
    expect((await stored()).refresh_token).toBe(sage.currentRefreshToken());
  });

  it('serializes concurrent refreshes across processes: one refresh, nobody spends a stale token', async () => {
    sage.resetStats();
    sage.expireAccessTokens();
    await t.db
      .updateTable('sync_sage_credentials')
      .set({ access_expires_at: new Date(0) })
      .execute();
    const workers = [adapter(), adapter(), adapter()];
    await Promise.all(workers.flatMap((w) => [w.customers.listChanged(null, null, 1), w.invoices.listChanged(null, null, 1)]));
    expect(sage.stats()).toMatchObject({ tokenRefreshes: 1, rejectedRefreshes: 0 });
  });

  it('a stale refresh token is refused: non-retryable SageRefreshTokenRejected, nothing overwritten', async () => {
    const current = sage.currentRefreshToken();
    await storeSageRefreshToken(t.db, sage.businessId, initialRefresh);
    sage.resetStats();
    const e = await failure(adapter().customers.listChanged(null, null, 1));
    expect(e.type).toBe('SageRefreshTokenRejected');
    expect(e.nonRetryable).toBe(true);
    expect(sage.stats().rejectedRefreshes).toBe(1);
    expect((await stored()).refresh_token).toBe(initialRefresh);
    // A person re-authorizes: the new token is stored and work resumes.
    expect(sage.currentRefreshToken()).toBe(current);
    await storeSageRefreshToken(t.db, sage.businessId, sage.issueRefreshToken());
    await expect(adapter().customers.listChanged(null, null, 1)).resolves.toMatchObject({ items: [expect.anything()] });
  });

  it('without any stored or configured refresh token: SageNotAuthorized; without client id: SageNotConfigured', async () => {
    const other = loadConfig({
      DATABASE_URL: t.url,
      SAGE_API_URL: sage.apiUrl,
      SAGE_OAUTH_URL: sage.tokenUrl,
      SAGE_CLIENT_ID: sage.clientId,
      SAGE_CLIENT_SECRET: sage.clientSecret,
      SAGE_BUSINESS_ID: 'another-business',
    });
    const e = await failure(createSageBusinessCloud({ db: t.db, config: other }).customers.listChanged(null, null, 1));
    expect(e.type).toBe('SageNotAuthorized');
    expect(() => createSageBusinessCloud({ db: t.db, config: { ...other, SAGE_CLIENT_ID: '' } })).toThrow(/SAGE_CLIENT_ID/);
  });
});

describe('Sage adapter: rate limit', () => {
  it('waits out 429s (Retry-After) and succeeds; past the retry budget fails retryably with the delay', async () => {
    const s = adapter();
    await s.customers.listChanged(null, null, 1); // token in hand
    sage.setRateLimit({ max: 3, windowMs: 1_000 });
    sage.resetStats();
    const ids = sage
      .list('contacts')
      .slice(0, 5)
      .map((c) => String(c.id));
    const got = [];
    for (const id of ids) got.push(await s.customers.get(id));
    expect(got.every((g) => g !== null)).toBe(true);
    expect(sage.stats().throttled).toBeGreaterThanOrEqual(1);
    expect(s.http.throttled).toBe(sage.stats().throttled);

    const impatient = adapter({ SAGE_MAX_429_RETRIES: '0' });
    await new Promise((r) => setTimeout(r, 1_000));
    for (let i = 0; i < 3; i++) await impatient.customers.get(ids[0]!);
    const e = await failure(impatient.customers.get(ids[0]!));
    expect(e.type).toBe('SageRateLimited');
    expect(e.nonRetryable).toBe(false);
    expect(e.nextRetryDelay).toBeDefined();
    sage.setRateLimit(undefined);
  });
});

describe('Sage fake: wire format', () => {
  const token = async () => {
    const r = await fetch(sage.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: sage.issueRefreshToken(),
        client_id: sage.clientId,
        client_secret: sage.clientSecret,
      }),
    });
    expect(r.status).toBe(200);
    const b = (await r.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
    expect(b).toMatchObject({ token_type: 'bearer', expires_in: 300 });
    return b;
  };

  it('rotates refresh tokens: the one just used is refused with invalid_grant', async () => {
    const used = sage.issueRefreshToken();
    const grant = (rt: string) =>
      fetch(sage.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${sage.clientId}:${sage.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt }),
      });
    const ok = await grant(used);
    expect(ok.status).toBe(200);
    const again = await grant(used);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    const badClient = await fetch(sage.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nope', client_secret: 'nope' }),
    });
    expect(badClient.status).toBe(401);
  });

  it('answers errors as Sage error arrays: no token 401, no X-Business 400, bad paging 422; lists carry $next/$back/$total', async () => {
    const { access_token } = await token();
    const noToken = await fetch(`${sage.apiUrl}/contacts`, { headers: { 'x-business': sage.businessId } });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual([{ $severity: 'error', $dataCode: 'InvalidAccessToken', $message: expect.any(String), $source: '' }]);
    const auth = { authorization: `Bearer ${access_token}` };
    const noBusiness = await fetch(`${sage.apiUrl}/contacts`, { headers: auth });
    expect(noBusiness.status).toBe(400);
    expect(((await noBusiness.json()) as Array<{ $dataCode: string }>)[0]!.$dataCode).toBe('MissingBusiness');
    const h = { ...auth, 'x-business': sage.businessId };
    const tooBig = await fetch(`${sage.apiUrl}/contacts?items_per_page=500`, { headers: h });
    expect(tooBig.status).toBe(422);
    const badSince = await fetch(`${sage.apiUrl}/contacts?updated_or_created_since=yesterday`, { headers: h });
    expect(badSince.status).toBe(422);
    const p2 = (await (await fetch(`${sage.apiUrl}/contacts?items_per_page=5&page=2`, { headers: h })).json()) as Record<string, unknown>;
    expect(p2).toMatchObject({ $page: 2, $itemsPerPage: 5, $back: '/contacts?items_per_page=5&page=1', $next: '/contacts?items_per_page=5&page=3' });
    expect(Object.keys((p2.$items as Array<Record<string, unknown>>)[0]!).sort()).toEqual(['$path', 'displayed_as', 'id']);
    const create = await fetch(`${sage.apiUrl}/contacts`, {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/json' },
      body: JSON.stringify({ contact: { name: 'Sans type' } }),
    });
    expect(create.status).toBe(422);
    expect(await create.json()).toEqual([{ $severity: 'error', $dataCode: 'RecordInvalid', $message: "can't be blank", $source: 'contact_type_ids' }]);
    const dupRef = await fetch(`${sage.apiUrl}/contacts`, {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/json' },
      body: JSON.stringify({ contact: { name: 'Doublon', contact_type_ids: ['CUSTOMER'], reference: 'C0002' } }),
    });
    expect(dupRef.status).toBe(422);
    expect(((await dupRef.json()) as Array<{ $source: string }>)[0]!.$source).toBe('reference');
  });
});
