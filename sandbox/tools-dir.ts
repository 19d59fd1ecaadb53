/**
 * The git-ignored folder of tools the project installs for itself (`npm run provision`: the Temporal
 * CLI and test server, stripe-mock, Pebble, challtestsrv), and what is installed there. It lives in
 * sandbox/, the lowest layer that looks into it (for its Go-built peers); scripts/lib installs into it.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOLS_DIR = fileURLToPath(new URL('../.tools', import.meta.url));
export const TOOLS_BIN = join(TOOLS_DIR, 'bin');

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An explicit path (from the environment) when executable, else .tools/bin/<name>, else undefined. */
export function installedTool(explicit: string | undefined, name: string): string | undefined {
  if (explicit && isExecutable(explicit)) return explicit;
  const local = join(TOOLS_BIN, name);
  return isExecutable(local) ? local : undefined;
}
