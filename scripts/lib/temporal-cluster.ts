/**
 * The pinned Temporal server on PostgreSQL (scripts/lib/temporal-server.ts builds it): its two
 * databases set up with its SQL tool (temporal-config/server/setup-schema.sh, the steps compose
 * runs too), then the server started on temporal-config/server/atelier.yaml with the project's
 * dynamic config, loopback only, the namespace registered and the search attributes added.
 * Used by `npm run start:cluster`, the cluster tests and `npm run bench:scale`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureNamespace, registerSearchAttributes } from '../../temporal-config/search-attributes.js';
import { ROOT } from './paths.js';
import { freePort } from '../../core/free-port.js';
import { run, waitFor } from './run.js';
import type { TemporalServerTools } from './temporal-server.js';

export const SERVER_CONFIG_DIR = join(ROOT, 'temporal-config', 'server');
/** `--env atelier`: the server reads <config dir>/atelier.yaml. */
export const SERVER_CONFIG_ENV = 'atelier';
export const SETUP_SCHEMA_SCRIPT = join(SERVER_CONFIG_DIR, 'setup-schema.sh');
export const DYNAMIC_CONFIG_FILE = join(ROOT, 'temporal-config', 'dynamicconfig', 'production.yaml');

/** The ports of the four services in one process (each gRPC + membership, frontend HTTP too). */
export const PORT_VARIABLES = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

/**
 * What atelier.yaml and setup-schema.sh read (the official image's names), from a PostgreSQL URL.
 * The docker-compose.yml temporal service sets the same names (test/unit/compose-cluster.test.ts).
 */
export function serverDbEnv(pgUrl: string): Record<string, string> {
  const u = new URL(pgUrl);
  return {
    POSTGRES_SEEDS: u.hostname,
    DB_PORT: u.port || '5432',
    POSTGRES_USER: decodeURIComponent(u.username),
    POSTGRES_PWD: decodeURIComponent(u.password),
    DBNAME: 'temporal',
    VISIBILITY_DBNAME: 'temporal_visibility',
  };
}

/** Everything the server process reads from its environment (atelier.yaml's variables). */
export function serverEnv(opts: Pick<ClusterServerOptions, 'pgUrl' | 'logLevel' | 'metricsEndpoint'>, ports: Record<string, string>): Record<string, string> {
  return {
    ...serverDbEnv(opts.pgUrl),
    ...ports,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_LOG_LEVEL: opts.logLevel ?? 'error',
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
    ...(opts.metricsEndpoint ? { PROMETHEUS_ENDPOINT: opts.metricsEndpoint } : {}),
  };
}

/** Creates / migrates the `temporal` and `temporal_visibility` databases (idempotent). */
export function setupSchema(tools: TemporalServerTools, pgUrl: string): void {
  run('sh', [SETUP_SCHEMA_SCRIPT], {
    env: { ...process.env, ...serverDbEnv(pgUrl), SQL_TOOL: tools.sqlTool, SCHEMA_DIR: tools.schemaDir },
  });
}

/** `validate-dynamic-config` of the pinned server on the project's file: its complaints, if any. */
export function validateDynamicConfig(tools: TemporalServerTools, file = DYNAMIC_CONFIG_FILE): string[] {
  let out: string;
  try {
    out = run(tools.server, ['validate-dynamic-config', file]);
  } catch (err) {
    out = (err as Error).message;
  }
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(error|warning):/.test(l));
}

export interface ClusterServer {
  address: string;
  process: ChildProcess;
  /** Settles when the server process is gone. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterServerOptions {
  tools: TemporalServerTools;
  /** PostgreSQL superuser URL (the embedded cluster's adminUrl, or a DATABASE_URL's server). */
  pgUrl: string;
  /** Frontend gRPC port; the other services take free ports. */
  port: number;
  /** Prometheus listen address of the server's metrics (host:port), none when omitted. */
  metricsEndpoint?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  stdio?: 'inherit' | 'ignore';
}

/** Sets up the schema, starts the server and waits until the namespace takes workflows. */
export async function startClusterServer(opts: ClusterServerOptions): Promise<ClusterServer> {
  setupSchema(opts.tools, opts.pgUrl);
  const ports: Record<string, string> = { FRONTEND_GRPC_PORT: String(opts.port) };
  // membership ports are stored as smallint in cluster_membership: below 32768, unlike ephemeral ones
  for (const v of PORT_VARIABLES) ports[v] ??= String(v.endsWith('MEMBERSHIP_PORT') ? await freeLowPort() : await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, ...serverEnv(opts, ports) };
  const args = ['--root', ROOT, '--config', 'temporal-config/server', '--env', SERVER_CONFIG_ENV, '--allow-no-auth', 'start'];
  // its own process group: a Ctrl-C reaches the launcher, which stops the server after the workers
  const child = spawn(opts.tools.server, args, { env, cwd: ROOT, stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'ignore'], detached: true });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())));
  const address = `127.0.0.1:${opts.port}`;
  const namespace = opts.namespace ?? 'default';
  try {
    const got: { conn?: Connection } = {};
    const early = exited.then(() => {
      throw new Error(`temporal server exited with ${child.exitCode ?? child.signalCode} (its log: TEMPORAL_LOG_LEVEL / stdio inherit)`);
    });
    early.catch(() => undefined);
    await Promise.race([
      early,
      waitFor(
        'Temporal server',
        async () => {
          if (gone) return false;
          const c = await Connection.connect({ address, connectTimeout: 1000 });
          await c.workflowService.getSystemInfo({}).catch(async (err: unknown) => {
            await c.close();
            throw err;
          });
          got.conn = c;
          return true;
        },
        120_000,
        300,
      ),
    ]);
    const conn = got.conn;
    if (!conn) throw new Error('Temporal server: no connection');
    try {
      await ensureNamespace(conn, namespace);
      await registerSearchAttributes(conn, namespace);
    } finally {
      await conn.close();
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    process: child,
    exited,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A free loopback port in 20000-32767 (random tries). */
async function freeLowPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 20000-32767');
}
