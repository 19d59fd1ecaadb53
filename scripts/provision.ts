/**
 * `npm run provision`: finds or installs everything the platform and its tests run beside Node
 * (Temporal CLI, PostgreSQL server binaries, Chromium). Idempotent; prints what it
 * uses. The start and test commands run it first.
 */
import { ensureChromium, ensurePostgresBinaries, ensureTemporalCli } from './lib/tools.js';
import type { GoPeers } from '../sandbox/concierge/go-peers.js';
import { ensureGoPeers } from './lib/go-peers.js';
import { ensureTemporalServer } from './lib/temporal-server.js';

export interface Provisioned extends GoPeers {
  temporalCli: string;
  pgBinDir?: string;
  chromium?: string;
}

export function provision(env: NodeJS.ProcessEnv, log: (m: string) => void = (m) => console.log(`[provision] ${m}`)): Provisioned {
  const temporalCli = ensureTemporalCli(env, log);
  const pgBinDir = env.DATABASE_URL ? undefined : ensurePostgresBinaries(env, log);
  const chromium = ensureChromium(env, log);
  const goPeers = ensureGoPeers(env, log); // stripe-mock, Pebble, challtestsrv (concierge peers)
  return { temporalCli, pgBinDir, chromium, ...goPeers };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const p = provision(process.env);
  console.log(`[provision] temporal CLI        ${p.temporalCli}`);
  console.log(`[provision] PostgreSQL binaries ${p.pgBinDir ?? '(DATABASE_URL is set)'}`);
  console.log(`[provision] Chromium            ${p.chromium ?? '(not found: browser probes will be unavailable)'}`);
  console.log(`[provision] stripe-mock / Pebble ${p.stripeMock ?? '(none)'} / ${p.pebble ?? '(none)'}`);
  // the pinned server of `npm run start:cluster` (the test suite builds it in the background instead)
  const server = ensureTemporalServer(process.env, (m) => console.log(`[provision] ${m}`));
  console.log(`[provision] Temporal server     ${server?.server ?? '(not built: no Go toolchain)'}`);
  console.log(`[provision] done in ${Date.now() - started} ms`);
}
