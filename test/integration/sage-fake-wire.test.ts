/**
 * The Sage fake's own wire format, over plain HTTP: refresh-token rotation at the token endpoint,
 * errors as Sage error arrays, list paging links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SageFake } from '../../sandbox/sage/index.js';
import { startSeededSage } from '../support/sage/adapter.js';

let sage: SageFake;

beforeAll(async () => {
  ({ sage } = await startSeededSage(() => Date.now()));
});
afterAll(async () => {
  await sage.close();
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
