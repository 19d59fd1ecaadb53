/**
 * The launcher's stores (scripts/start.ts): PostgreSQL and Temporal, each either given
 * (DATABASE_URL, TEMPORAL_ADDRESS) or started here under supervision: the embedded PostgreSQL
 * cluster, and Temporal as the dev server (single topology) or the pinned server on PostgreSQL (cluster).
 */
import { join } from 'node:path';
import type { Provisioned } from '../provision.js';
import type { Topology } from './cluster-topology.js';
import { DATA_DIR } from './paths.js';
import { ensureDatabase, startPostgres } from './postgres.js';
import { watchPid, type SupervisedSpec, type Supervisor } from './supervisor.js';
import { startClusterServer, validateDynamicConfig } from './temporal-cluster.js';
import { startTemporalDevServer } from './temporal-dev.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './temporal-server.js';

export interface StoresContext {
  /** The children's environment: DATABASE_URL and TEMPORAL_ADDRESS are set here once their store is up. */
  env: NodeJS.ProcessEnv;
  tools: Provisioned;
  log: (m: string) => void;
  /** Starts a supervised child (stopped in reverse order by the launcher's shutdown). */
  superviseChild: (name: string, start: SupervisedSpec['start']) => Supervisor;
  /** DATA_DIR as the log lines name it. */
  dataNote: string;
}

export interface Database {
  /** The platform's database (also set as env.DATABASE_URL). */
  url: string;
  /** The server's admin URL, for the cluster's Temporal server (TEMPORAL_DB_URL when given). */
  adminUrl: string | undefined;
}

/** PostgreSQL: DATABASE_URL, else the embedded cluster. */
export async function startDatabase(ctx: StoresContext, pgPort: number): Promise<Database> {
  const { env, tools, log, dataNote } = ctx;
  let pgAdminUrl = env.TEMPORAL_DB_URL ?? env.DATABASE_URL;
  if (!env.DATABASE_URL) {
    // pg_ctl daemonises the postmaster: it is watched by its pid (postmaster.pid) and restarted.
    let adminUrl = '';
    let pgStarts = 0;
    const pg = ctx.superviseChild('PostgreSQL', async () => {
      const server = await startPostgres({ binDir: tools.pgBinDir!, dataDir: join(DATA_DIR, 'postgres'), port: pgPort, log });
      adminUrl = server.adminUrl;
      const pid = server.pid();
      if (!pid) throw new Error('PostgreSQL started but wrote no postmaster.pid');
      if (pgStarts++) log(`PostgreSQL back on 127.0.0.1:${pgPort} (pid ${pid})`);
      return { pid, exited: watchPid(pid), stop: () => server.stop() };
    });
    await pg.firstUp;
    pgAdminUrl = adminUrl;
    env.DATABASE_URL = await ensureDatabase(adminUrl, 'atelier');
    log(`PostgreSQL ready on 127.0.0.1:${pgPort} (data in ${dataNote}/postgres)`);
  } else {
    log('using DATABASE_URL');
  }
  return { url: env.DATABASE_URL, adminUrl: pgAdminUrl };
}

export interface TemporalPorts {
  temporalPort: number;
  uiPort: number;
}

export interface Temporal {
  /** Its frontend (also set as env.TEMPORAL_ADDRESS). */
  address: string;
  /** Its Web UI, when there is one (TEMPORAL_UI_URL, or the dev server's). */
  uiUrl: string | undefined;
}

/** Temporal: TEMPORAL_ADDRESS, else the server the topology calls for. */
export async function startTemporal(ctx: StoresContext, topology: Topology, pgAdminUrl: string | undefined, ports: TemporalPorts): Promise<Temporal> {
  const { env, tools, log, dataNote } = ctx;
  const { temporalPort, uiPort } = ports;
  let uiUrl = env.TEMPORAL_UI_URL;
  if (!env.TEMPORAL_ADDRESS && topology === 'cluster') {
    const server = ensureTemporalServer(env, log);
    if (!server) throw new Error(`start:cluster needs Temporal server ${TEMPORAL_SERVER_VERSION}: install Go (it is built with go install into .tools/bin)`);
    for (const complaint of validateDynamicConfig(server)) log(`dynamic config: ${complaint}`);
    let starts = 0;
    const temporal = ctx.superviseChild('Temporal', async () => {
      const s = await startClusterServer({ tools: server, pgUrl: pgAdminUrl!, port: temporalPort, stdio: 'inherit' });
      if (starts++) log(`Temporal back on ${s.address}`);
      const exited = s.exited.then(() => `${s.process.signalCode ? `signal ${s.process.signalCode}` : `code ${s.process.exitCode}`}`);
      return { pid: s.process.pid, exited, stop: () => s.stop() };
    });
    await temporal.firstUp;
    env.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
    log(`Temporal server ${TEMPORAL_SERVER_VERSION} ready on ${env.TEMPORAL_ADDRESS} (history and visibility in PostgreSQL: temporal, temporal_visibility)`);
  } else if (!env.TEMPORAL_ADDRESS) {
    let address = '';
    let temporalStarts = 0;
    const temporal = ctx.superviseChild('Temporal', async () => {
      const dev = await startTemporalDevServer({
        cli: tools.temporalCli,
        port: temporalPort,
        uiPort,
        dbFile: join(DATA_DIR, 'temporal.db'),
        logLevel: 'error',
        stdio: 'inherit',
      });
      address = dev.address;
      uiUrl = dev.uiUrl;
      if (temporalStarts++) log(`Temporal back on ${dev.address}`);
      const exited = dev.exited.then(() => `${dev.process.signalCode ? `signal ${dev.process.signalCode}` : `code ${dev.process.exitCode}`}`);
      return { pid: dev.process.pid, exited, stop: () => dev.stop() };
    });
    await temporal.firstUp;
    env.TEMPORAL_ADDRESS = address;
    log(`Temporal dev server ready on ${address} (history in ${dataNote}/temporal.db)`);
  } else {
    log(`using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}`);
  }
  return { address: env.TEMPORAL_ADDRESS, uiUrl };
}
