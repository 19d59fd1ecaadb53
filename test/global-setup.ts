/**
 * Starts the throwaway servers the whole run shares, and stops them at the end:
 *  - PostgreSQL (TEST_PG_ADMIN_URL to use an existing server instead), with a migrated template
 *    database each test file copies (`freshDb()`);
 *  - a Temporal dev server in memory (TEST_TEMPORAL_ADDRESS to use an existing one).
 */
import { mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../db/client.js';
import { migrateToLatest } from '../db/migrator.js';
import { provision } from '../scripts/provision.js';
import { ensureDatabase, startPostgres } from '../scripts/lib/postgres.js';
import { freePort } from '../core/free-port.js';
import { startTemporalDevServer } from '../scripts/lib/temporal-dev.js';
import { buildTemporalServerInBackground } from '../scripts/lib/temporal-server.js';
import { TEMPLATE_DB } from './support/names.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    pgAdminUrl: string;
    chromiumPath: string | null;
    /** Go-built concierge peers (scripts/lib/go-peers.ts); null when they could not be built. */
    stripeMock: string | null;
    pebble: string | null;
    challtestsrv: string | null;
  }
}

export default async function setup(project: TestProject) {
  const log = (m: string) => console.log(`[test-setup] ${m}`);
  const tools = provision({ ...process.env, DATABASE_URL: process.env.TEST_PG_ADMIN_URL }, log);
  const stops: Array<() => Promise<void>> = [];
  // The pinned Temporal server of the cluster tests (test/e2e/cluster.test.ts waits for it): on a
  // fresh machine it is built beside the other tests, one compile at a time.
  const serverBuild = buildTemporalServerInBackground({ TEMPORAL_SERVER_BUILD_JOBS: '1', ...process.env }, log);
  stops.push(async () => serverBuild.cancel());

  let pgAdminUrl = process.env.TEST_PG_ADMIN_URL;
  let tmp: string | undefined;
  const pgPromise = (async () => {
    if (pgAdminUrl) return;
    tmp = mkdtempSync(join(tmpdir(), 'atelier-test-pg-'));
    if (process.getuid?.() === 0) {
      // the cluster runs as `postgres`; it needs to own the folder
      const { execFileSync } = await import('node:child_process');
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(tmp, uid, gid);
    }
    const pg = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(tmp, 'data'), port: await freePort(), ephemeral: true });
    stops.push(pg.stop);
    pgAdminUrl = pg.adminUrl;
  })();

  let temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  const temporalPromise = (async () => {
    if (temporalAddress) return;
    const dev = await startTemporalDevServer({ cli: tools.temporalCli, port: await freePort() });
    stops.push(dev.stop);
    temporalAddress = dev.address;
  })();

  await Promise.all([pgPromise, temporalPromise]);

  // The template every test file's database is copied from: migrated once per run.
  const templateUrl = await ensureDatabase(pgAdminUrl!, TEMPLATE_DB);
  const db = createDb({ DATABASE_URL: templateUrl, DATABASE_POOL_MAX: 1 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('temporalAddress', temporalAddress!);
  project.provide('pgAdminUrl', pgAdminUrl!);
  project.provide('chromiumPath', tools.chromium ?? null);
  project.provide('stripeMock', tools.stripeMock ?? null);
  project.provide('pebble', tools.pebble ?? null);
  project.provide('challtestsrv', tools.challtestsrv ?? null);

  return async () => {
    for (const stop of stops.reverse()) await stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}
