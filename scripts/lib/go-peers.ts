/**
 * The Go-built peers the concierge tests run against: stripe-mock (the Stripe API, its OpenAPI spec
 * embedded) and Pebble + pebble-challtestsrv (a real ACME CA and the DNS server its validation
 * asks). Installed with `go install` into .tools/bin (GOBIN); skipped at once when already there.
 * A missing Go toolchain or an unreachable module proxy leaves the peer undefined: the tests that
 * need it then say so.
 */
import { mkdirSync } from 'node:fs';
import { findGoPeers, type GoPeers } from '../../sandbox/concierge/go-peers.js';
import { installedTool, isExecutable, TOOLS_BIN } from '../../sandbox/tools-dir.js';
import { run, which } from './run.js';

type Log = (msg: string) => void;

/** Pinned versions that build with the Go on this machine (go1.26). */
export const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock@v0.203.0';
export const PEBBLE_VERSION = 'v2.10.1';
export const PEBBLE_MODULES = [
  `github.com/letsencrypt/pebble/v2/cmd/pebble@${PEBBLE_VERSION}`,
  `github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv@${PEBBLE_VERSION}`,
];

function goBinary(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GO && isExecutable(env.GO)) return env.GO;
  return which('go', env.PATH) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

function goInstall(go: string, modules: string[], env: NodeJS.ProcessEnv, log: Log): boolean {
  mkdirSync(TOOLS_BIN, { recursive: true });
  const started = Date.now();
  log(`go install ${modules.join(' ')}`);
  try {
    run(go, ['install', ...modules], { env: { ...env, GOBIN: TOOLS_BIN, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' } });
    log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
    return true;
  } catch (err) {
    log(`go install failed: ${(err as Error).message.split('\n').slice(0, 3).join(' | ')}`);
    return false;
  }
}

/**
 * STRIPE_MOCK_PATH / PEBBLE_PATH / CHALLTESTSRV_PATH when set, else .tools/bin, else `go install`.
 * (PATH is not searched for Pebble on purpose: Debian's `pebble` package is an older release.)
 */
export function ensureGoPeers(env: NodeJS.ProcessEnv, log: Log): GoPeers {
  let { stripeMock, pebble, challtestsrv } = findGoPeers(env);
  if (stripeMock && pebble && challtestsrv) return { stripeMock, pebble, challtestsrv };
  if (env.ATELIER_SKIP_GO_PEERS === '1') return { stripeMock, pebble, challtestsrv };

  const go = goBinary(env);
  if (!go) {
    log('no Go toolchain: stripe-mock and Pebble are unavailable (concierge peer tests need them)');
    return { stripeMock, pebble, challtestsrv };
  }
  if (!stripeMock && goInstall(go, [STRIPE_MOCK_MODULE], env, log)) stripeMock = installedTool(undefined, 'stripe-mock');
  if ((!pebble || !challtestsrv) && goInstall(go, PEBBLE_MODULES, env, log)) {
    pebble = installedTool(undefined, 'pebble');
    challtestsrv = installedTool(undefined, 'pebble-challtestsrv');
  }
  return { stripeMock, pebble, challtestsrv };
}
