/**
 * The launcher (scripts/start.ts) as a test starts it: the environment of an operator who set
 * nothing (no servers, no keys, no provider credentials) on a throwaway data folder, and the
 * process started with its output kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROVIDER_CREDENTIALS } from '../../core/config.js';

const CREDENTIALS = Object.values(PROVIDER_CREDENTIALS).flat();

export function bareEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'SMTP_URL',
    'API_KEYS',
    'OUTBOUND_ALLOWLIST',
    'VITEST',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
    ...CREDENTIALS,
  ])
    delete env[k];
  return { ...env, ATELIER_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development', ...extra };
}

export interface Launched {
  child: ChildProcess;
  /** The last 50 000 characters it printed (stdout and stderr). */
  output(): string;
}

export function launch(env: NodeJS.ProcessEnv): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-50_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => out };
}
