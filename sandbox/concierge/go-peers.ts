/**
 * Where the Go-built peers are (stripe-mock, Pebble, pebble-challtestsrv): STRIPE_MOCK_PATH /
 * PEBBLE_PATH / CHALLTESTSRV_PATH when set, else what `npm run provision` installed in .tools/bin
 * (scripts/lib/go-peers.ts builds them). The same lookup for tests, demo, benches and `npm start`.
 */
import { installedTool } from '../tools-dir.js';

export interface GoPeers {
  stripeMock?: string;
  pebble?: string;
  challtestsrv?: string;
}

export type PeerBinary = keyof GoPeers;

/** The peers already installed (no build). */
export function findGoPeers(env: NodeJS.ProcessEnv): GoPeers {
  return {
    stripeMock: installedTool(env.STRIPE_MOCK_PATH, 'stripe-mock'),
    pebble: installedTool(env.PEBBLE_PATH, 'pebble'),
    challtestsrv: installedTool(env.CHALLTESTSRV_PATH, 'pebble-challtestsrv'),
  };
}

/** The binary given explicitly, else the installed one (null when there is none). */
export function peerBinary(name: PeerBinary, explicit?: string | null): string | null {
  if (explicit !== undefined) return explicit;
  return findGoPeers(process.env)[name] ?? null;
}

/** The binary a peer needs, or a clear error saying provisioning did not produce it. */
export function requireBinary(path: string | null | undefined, what: string): string {
  if (!path) throw new Error(`${what} is not installed: run \`npm run provision\` (needs Go and the Go module proxy)`);
  return path;
}
