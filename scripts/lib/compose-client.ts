/**
 * A Docker Compose client for `config` (parses, interpolates and validates docker-compose.yml; needs
 * no container engine): the `docker compose` plugin, a standalone `docker-compose` in .tools/bin,
 * or one on PATH (Debian's docker-compose 1.29, which CI installs). test/unit/compose-config.test.ts
 * renders the file with it.
 */
import { spawnSync } from 'node:child_process';
import { TOOLS_BIN } from '../../sandbox/tools-dir.js';
import { which } from './run.js';

export interface ComposeClient {
  /** How it is called: `docker` (plugin) or the standalone binary's path. */
  command: string;
  /** Arguments before compose's own (`compose` for the plugin). */
  prefix: string[];
  /** `version --short` as it prints it: 1.29.2, 2.x, 5.x. */
  version: string;
  label: string;
}

export interface ComposeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], env: NodeJS.ProcessEnv): ComposeRun {
  const res = spawnSync(command, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { status: res.error ? null : res.status, stdout: res.stdout ?? '', stderr: res.error ? res.error.message : (res.stderr ?? '') };
}

/** Only what a compose client needs: nothing of the caller's environment leaks into interpolation. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  if (process.env.DOCKER_CONFIG) env.DOCKER_CONFIG = process.env.DOCKER_CONFIG;
  return { ...env, ...extra };
}

function probe(command: string, prefix: string[], label: string): ComposeClient | undefined {
  const res = exec(command, [...prefix, 'version', '--short'], cleanEnv());
  const version = res.stdout.trim().replace(/^v/, '');
  return res.status === 0 && /^\d+\.\d+/.test(version) ? { command, prefix, version, label } : undefined;
}

/** The first compose client that answers `version`, or undefined when this machine has none. */
export function findComposeClient(path = process.env.PATH ?? ''): ComposeClient | undefined {
  const docker = which('docker', path);
  const plugin = docker ? probe(docker, ['compose'], 'docker compose (plugin)') : undefined;
  if (plugin) return plugin;
  // the project's tools folder (git-ignored .tools/bin), then PATH
  const local = which('docker-compose', TOOLS_BIN);
  const provisioned = local ? probe(local, [], `${local} (standalone)`) : undefined;
  if (provisioned) return provisioned;
  const standalone = which('docker-compose', path);
  return standalone ? probe(standalone, [], `${standalone} (standalone)`) : undefined;
}

/**
 * `config` of one compose file with the variables of `envFile` only (the caller's environment is
 * not passed on): the rendered file on stdout, or compose's complaint on stderr.
 */
export function composeConfig(client: ComposeClient, file: string, envFile: string): ComposeRun {
  return exec(client.command, [...client.prefix, '--env-file', envFile, '-f', file, 'config'], cleanEnv());
}
