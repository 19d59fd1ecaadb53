/**
 * Throwaway servers for benchmarks and demos: a PostgreSQL cluster in a temp folder with a migrated
 * `atelier` database, and an in-memory Temporal dev server. Uses TEMPORAL_ADDRESS / DATABASE_URL
 * instead when they are set.
 */
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrator.js';
import { provision } from '../provision.js';
import { ensureDatabase, startPostgres } from './postgres.js';
import { freePort } from '../../core/free-port.js';
import { startTemporalDevServer } from './temporal-dev.js';

export interface ThrowawayEnv {
  databaseUrl: string;
  temporalAddress: string;
  chromiumPath?: string;
  stop(): Promise<void>;
}

export async function startThrowawayEnv(log: (m: string) => void = () => undefined): Promise<ThrowawayEnv> {
  const tools = provision(process.env, log);
  const stops: Array<() => Promise<void>> = [];
  let databaseUrl = process.env.DATABASE_URL;
  let tmp: string | undefined;
  if (!databaseUrl) {
    tmp = mkdtempSync(join(tmpdir(), 'atelier-pg-'));
    if (process.getuid?.() === 0) {
      const id = (f: string) => Number(execFileSync('id', [f, 'postgres']).toString());
      chownSync(tmp, id('-u'), id('-g'));
    }
    const pg = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(tmp, 'data'), port: await freePort(), ephemeral: true });
    stops.push(() => pg.stop());
    databaseUrl = await ensureDatabase(pg.adminUrl, 'atelier');
  }
  const db = createDb({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 1 });
  await migrateToLatest(db);
  await db.destroy();
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({ cli: tools.temporalCli, port: await freePort() });
    stops.push(() => dev.stop());
    temporalAddress = dev.address;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // PostgreSQL's fast stop takes a moment, Temporal's up to a few seconds: stop both at once.
      await Promise.allSettled(stops.map((s) => s()));
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    })());
  // A benchmark or demo interrupted with Ctrl-C (or killed by a timeout) must not leave its
  // PostgreSQL and Temporal servers running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  }
  return { databaseUrl, temporalAddress, chromiumPath: tools.chromium, stop };
}
