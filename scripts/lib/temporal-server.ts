/**
 * The pinned Temporal server of the production topology (`npm run start:cluster`, the cluster
 * tests, `npm run bench:scale`, docker-compose.yml's image tag): the server and its SQL schema tool
 * built from the Go module proxy into .tools/bin, and the module's PostgreSQL schema copied into
 * .tools/ (the SQL tool applies it from there). A cold build is a few CPU-minutes; once built,
 * finding it is a stat.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutable, TOOLS_BIN, TOOLS_DIR } from '../../sandbox/tools-dir.js';
import { run, which } from './run.js';

type Log = (msg: string) => void;

/** One version everywhere: the binary built here, compose's image tag (checked by a unit test). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_PACKAGES = [`${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`];

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** The module's schema/postgresql/v12 (temporal/ and visibility/ with their versioned/ steps). */
  schemaDir: string;
}

export const serverToolPaths = (version = TEMPORAL_SERVER_VERSION): TemporalServerTools => ({
  server: join(TOOLS_BIN, `temporal-server-${version}`),
  sqlTool: join(TOOLS_BIN, `temporal-sql-tool-${version}`),
  schemaDir: join(TOOLS_DIR, `temporal-schema-${version}`, 'postgresql', 'v12'),
});

/** The built server, tool and schema, or undefined when any is missing (nothing is built). */
export function findTemporalServer(): TemporalServerTools | undefined {
  const p = serverToolPaths();
  return isExecutable(p.server) && isExecutable(p.sqlTool) && existsSync(join(p.schemaDir, 'temporal', 'versioned')) ? p : undefined;
}

function goBinary(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GO && isExecutable(env.GO)) return env.GO;
  return which('go', env.PATH) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/**
 * The `go install` that builds both binaries into a fresh folder (renamed into place by
 * `installBuilt`, so a half-built binary is never found). `-p` bounds the parallel compiles
 * (TEMPORAL_SERVER_BUILD_JOBS): the test suite builds it beside its own tests.
 */
function buildCommand(go: string, env: NodeJS.ProcessEnv, gobin: string): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const jobs = env.TEMPORAL_SERVER_BUILD_JOBS;
  return {
    cmd: go,
    args: ['install', '-trimpath', '-ldflags=-s -w', ...(jobs ? ['-p', jobs] : []), ...TEMPORAL_SERVER_PACKAGES],
    env: { ...env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false -mod=mod' },
  };
}

function installBuilt(go: string, env: NodeJS.ProcessEnv, gobin: string): TemporalServerTools {
  const p = serverToolPaths();
  const modCache = run(go, ['env', 'GOMODCACHE'], { env }).trim();
  const schema = join(modCache, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(schema)) throw new Error(`the module's schema is not at ${schema}`);
  rmSync(p.schemaDir, { recursive: true, force: true });
  mkdirSync(p.schemaDir, { recursive: true });
  for (const kind of ['temporal', 'visibility']) cpSync(join(schema, kind), join(p.schemaDir, kind), { recursive: true });
  chmodSync(p.schemaDir, 0o755);
  renameSync(join(gobin, 'sql'), p.sqlTool);
  renameSync(join(gobin, 'server'), p.server); // last: findTemporalServer() keys on all three
  rmSync(gobin, { recursive: true, force: true });
  return p;
}

function prepare(env: NodeJS.ProcessEnv, log: Log): { go: string; gobin: string } | undefined {
  const go = goBinary(env);
  if (!go) {
    log('no Go toolchain: the pinned Temporal server (start:cluster, cluster tests) is unavailable');
    return undefined;
  }
  mkdirSync(TOOLS_BIN, { recursive: true });
  return { go, gobin: mkdtempSync(join(TOOLS_DIR, 'temporal-server-build-')) };
}

/** Finds the pinned server, else builds it now (blocking: `npm run provision`, `start:cluster`). */
export function ensureTemporalServer(env: NodeJS.ProcessEnv, log: Log): TemporalServerTools | undefined {
  const found = findTemporalServer();
  if (found || env.ATELIER_SKIP_TEMPORAL_SERVER === '1') return found;
  const ready = prepare(env, log);
  if (!ready) return undefined;
  const started = Date.now();
  log(`building Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool (go install; a few minutes the first time)`);
  try {
    const b = buildCommand(ready.go, env, ready.gobin);
    run(b.cmd, b.args, { env: b.env });
    const tools = installBuilt(ready.go, env, ready.gobin);
    log(`Temporal server ${TEMPORAL_SERVER_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s`);
    return tools;
  } catch (err) {
    rmSync(ready.gobin, { recursive: true, force: true });
    log(`Temporal server build failed: ${(err as Error).message.split('\n').slice(0, 3).join(' | ')}`);
    return undefined;
  }
}

/**
 * Builds the pinned server in the background (the test suite: its other tests run meanwhile, the
 * cluster tests wait for it). Resolves with the tools, or undefined when there is no Go or the
 * build fails; `cancel` stops a build still running.
 */
export function buildTemporalServerInBackground(env: NodeJS.ProcessEnv, log: Log): { done: Promise<TemporalServerTools | undefined>; cancel(): void } {
  const found = findTemporalServer();
  if (found || env.ATELIER_SKIP_TEMPORAL_SERVER === '1') return { done: Promise.resolve(found), cancel: () => undefined };
  const ready = prepare(env, log);
  if (!ready) {
    mkdirSync(TOOLS_BIN, { recursive: true });
    writeFileSync(failedMarker(), 'no Go toolchain (go on PATH, GO or /usr/local/go/bin/go)\n');
    return { done: Promise.resolve(undefined), cancel: () => undefined };
  }
  const b = buildCommand(ready.go, env, ready.gobin);
  const started = Date.now();
  rmSync(failedMarker(), { force: true });
  log(`building Temporal server ${TEMPORAL_SERVER_VERSION} in the background (${b.args.join(' ')})`);
  const child = spawn(b.cmd, b.args, { env: b.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let cancelled = false;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const done = new Promise<TemporalServerTools | undefined>((resolve) => {
    child.once('error', (err) => resolve(fail(err.message)));
    child.once('exit', (code, signal) => {
      if (code !== 0) return resolve(fail(signal ? `killed by ${signal}` : `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        const tools = installBuilt(ready.go, env, ready.gobin);
        log(`Temporal server ${TEMPORAL_SERVER_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve(tools);
      } catch (err) {
        resolve(fail((err as Error).message));
      }
    });
  });
  function fail(why: string): undefined {
    rmSync(ready!.gobin, { recursive: true, force: true });
    if (!cancelled) writeFileSync(failedMarker(), `${why}\n`);
    log(`Temporal server build failed: ${why}`);
    return undefined;
  }
  const cancel = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    cancelled = true;
    child.kill('SIGTERM');
  };
  return { done, cancel };
}

/** Written by a background build that failed (its reason), so that waiters stop waiting. */
const failedMarker = () => `${serverToolPaths().server}.failed`;

/**
 * Waits for a background build (the test suite's global setup started it): the tools once built;
 * throws with the build's reason if it failed, or after `timeoutMs`.
 */
export async function waitForTemporalServer(timeoutMs: number): Promise<TemporalServerTools> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = findTemporalServer();
    if (found) return found;
    if (existsSync(failedMarker())) throw new Error(`the Temporal server build failed: ${readFileSync(failedMarker(), 'utf8').trim()}`);
    if (Date.now() > deadline) throw new Error(`Temporal server ${TEMPORAL_SERVER_VERSION} not built after ${timeoutMs / 1000} s (see the [test-setup] log)`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
