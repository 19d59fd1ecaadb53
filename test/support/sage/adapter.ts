/**
 * What the Sage adapter and Sage fake tests share: the fake seeded with 45 customers and one
 * supplier on the test's clock, the configuration pointing the adapter at it (useSeededSage: both
 * with a database, for a test file), and `failure` that returns the ApplicationFailure a call ends with.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig, type Config } from '../../../core/config.js';
import { createSageBusinessCloud } from '../../../activities/sync/sage/business-cloud.js';
import { startSageFake, type SageFake } from '../../../sandbox/sage/index.js';
import { freshDb, type TestDb } from '../db.js';

export const customer = (i: number, extra: Record<string, unknown> = {}) => ({
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

/** The fake on `clock`, holding customers 1 to 45 and a supplier; its first refresh token. */
export async function startSeededSage(clock: () => number): Promise<{ sage: SageFake; initialRefresh: string }> {
  const sage = await startSageFake({ now: clock, accessTokenTtlSeconds: 300 });
  const initialRefresh = sage.currentRefreshToken();
  for (let i = 1; i <= 45; i++) sage.direct.create('contacts', customer(i));
  sage.direct.create('contacts', { name: 'Fournisseur A', contact_type_ids: ['VENDOR'] });
  return { sage, initialRefresh };
}

export function sageConfig(databaseUrl: string, sage: SageFake, refreshToken: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    SAGE_API_URL: sage.apiUrl,
    SAGE_OAUTH_URL: sage.tokenUrl,
    SAGE_CLIENT_ID: sage.clientId,
    SAGE_CLIENT_SECRET: sage.clientSecret,
    SAGE_BUSINESS_ID: sage.businessId,
    SAGE_REFRESH_TOKEN: refreshToken,
    ...env,
  });
}

export interface SeededSage {
  t: TestDb;
  sage: SageFake;
  initialRefresh: string;
  /** The adapter as a worker builds it, on the file's clock; `env` overrides settings. */
  adapter: (env?: Record<string, string>) => ReturnType<typeof createSageBusinessCloud>;
}

/** The file's database and seeded fake on `clock`: started before its tests (handed to `ready`), closed after. */
export function useSeededSage(clock: () => number, ready: (w: SeededSage) => void | Promise<void>): void {
  let w: SeededSage | undefined;
  beforeAll(async () => {
    const t = await freshDb();
    const { sage, initialRefresh } = await startSeededSage(clock);
    const adapter = (env: Record<string, string> = {}) =>
      createSageBusinessCloud({ db: t.db, config: sageConfig(t.url, sage, initialRefresh, env), now: clock });
    w = { t, sage, initialRefresh, adapter };
    await ready(w);
  });
  afterAll(async () => {
    await w?.sage.close();
    await w?.t.drop();
  });
}

export async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}
