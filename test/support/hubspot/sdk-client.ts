/**
 * The HubSpot fake reached through the real `@hubspot/api-client` (basePath pointed at it), as the
 * hubspot-fake-*.test.ts files use it (useFakeWithClient in a test file): a fake with webhooks signed by SECRET for app APP_ID, a
 * client holding its token, and `failure` that returns the SDK's error for a call expected to fail.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Client } from '@hubspot/api-client';
import { startHubSpotFake, type HubSpotFake } from '../../../sandbox/hubspot/index.js';

export const SECRET = 'hubspot-app-secret-for-tests';
const TOKEN = 'pat-test-token';

export async function startFakeWithClient(): Promise<{ fake: HubSpotFake; hs: Client }> {
  const fake = await startHubSpotFake({
    accessToken: TOKEN,
    webhooks: { secret: SECRET, appId: 4242, batchDelayMs: 5, retryDelayMs: 10 },
  });
  return { fake, hs: new Client({ accessToken: TOKEN, basePath: fake.url }) };
}

/**
 * The file's fake and client: started before its tests (handed to `set`), any rate limit lifted
 * before each test, closed after.
 */
export function useFakeWithClient(set: (started: { fake: HubSpotFake; hs: Client }) => void): void {
  let fake: HubSpotFake | undefined;
  beforeAll(async () => {
    const started = await startFakeWithClient();
    fake = started.fake;
    set(started);
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => fake?.setRateLimit(undefined));
}

export type ApiError = { code: number; body: Record<string, unknown>; headers: Record<string, string> };
export async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}
