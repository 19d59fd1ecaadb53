/**
 * The HubSpot fake through the real `@hubspot/api-client`: the rolling rate limit (429 with
 * Retry-After), the separate search limit, and the token check.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@hubspot/api-client';
import { startHubSpotFake, type HubSpotFake } from '../../sandbox/hubspot/index.js';
import { failure, useFakeWithClient } from '../support/hubspot/sdk-client.js';

let fake: HubSpotFake;
let hs: Client;

useFakeWithClient((started) => {
  ({ fake, hs } = started);
});

describe('HubSpot fake: rate limit', () => {
  it('answers 429 with Retry-After and the TEN_SECONDLY_ROLLING body past N requests per window, and counts them', async () => {
    fake.setRateLimit({ max: 4, windowMs: 1_000 });
    fake.resetStats();
    for (let i = 0; i < 4; i++) await hs.crm.companies.basicApi.getPage(1);
    const limited = await failure(hs.crm.companies.basicApi.getPage(1));
    expect(limited.code).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBe(1);
    expect(limited.headers['x-hubspot-ratelimit-max']).toBe('4');
    expect(limited.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(fake.stats()).toMatchObject({ requests: 5, throttled: 1 });
    expect(fake.stats().byRoute['GET /crm/v3/objects/companies']).toBe(5);
    await new Promise((r) => setTimeout(r, 1_050));
    await expect(hs.crm.companies.basicApi.getPage(1)).resolves.toBeDefined();
  });

  it('limits CRM search separately, per second, when asked to', async () => {
    const strict = await startHubSpotFake({ searchPerSecond: 2 });
    const client = new Client({ accessToken: 'any', basePath: strict.url });
    try {
      await client.crm.contacts.searchApi.doSearch({ limit: 1 });
      await client.crm.contacts.searchApi.doSearch({ limit: 1 });
      const e = await failure(client.crm.contacts.searchApi.doSearch({ limit: 1 }));
      expect(e.code).toBe(429);
      expect(e.body).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.' });
      await expect(client.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    } finally {
      await strict.close();
    }
  });

  it('refuses a missing or wrong token with 401', async () => {
    const other = new Client({ accessToken: 'wrong', basePath: fake.url });
    const e = await failure(other.crm.companies.basicApi.getPage(1));
    expect(e.code).toBe(401);
    expect(e.body.category).toBe('INVALID_AUTHENTICATION');
  });
});
