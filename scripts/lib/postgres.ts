/**
 * An embedded PostgreSQL cluster from the server binaries: a persistent one under .data/ for
 * `npm start`, a throwaway one for the tests. Machines here run as root and initdb refuses root, so
 * as root the cluster belongs to (and runs as) the `postgres` system user.
 */
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { run, waitFor } from './run.js';

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  port: number;
  /** The postmaster's pid (from postmaster.pid), while it runs. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

interface Options {
  binDir: string;
  dataDir: string;
  port: number;
  /** Trade durability for speed (tests). */
  ephemeral?: boolean;
  log?: (msg: string) => void;
}

function runAs(): { user?: { uid: number; gid: number }; prefix: string[] } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => Number(run('id', [flag, 'postgres']).trim());
  try {
    return { user: { uid: id('-u'), gid: id('-g') }, prefix: ['runuser', '-u', 'postgres', '--'] };
  } catch {
    throw new Error("running as root needs a `postgres` system user (Debian's postgresql package creates it)");
  }
}

/** A new temp folder a cluster can live in (owned by `postgres` when we run as root). */
export function throwawayPgDir(prefix = 'atelier-pg-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const { user } = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

export function pgUrl(port: number, database = 'postgres'): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

export async function startPostgres(opts: Options): Promise<EmbeddedPostgres> {
  const { binDir, dataDir, port } = opts;
  const as = runAs();
  const exec = (bin: string, args: string[]) => {
    const [cmd, ...pre] = as.prefix.length ? as.prefix : [join(binDir, bin)];
    return run(cmd!, as.prefix.length ? [...pre, join(binDir, bin), ...args] : args);
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (as.user) chownSync(dataDir, as.user.uid, as.user.gid);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    opts.log?.(`initialising a PostgreSQL cluster in ${dataDir}`);
    exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions']);
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ''`,
      `max_connections = 200`,
      ...(opts.ephemeral ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
    ];
    writeFileSync(join(dataDir, 'postgresql.auto.conf'), conf.join('\n') + '\n');
    if (as.user) chownSync(join(dataDir, 'postgresql.auto.conf'), as.user.uid, as.user.gid);
  }
  const logFile = join(dataDir, 'server.log');
  exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', `-p ${port}`, '-w', '-t', '60', 'start']);
  const adminUrl = pgUrl(port);
  await waitFor(
    'PostgreSQL',
    async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.end();
      return true;
    },
    30_000,
  );

  let stopped = false;
  return {
    adminUrl,
    port,
    pid: () => postmasterPid(dataDir),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } catch (err) {
        opts.log?.(`pg_ctl stop: ${(err as Error).message.split('\n')[0]}`);
      }
    },
  };
}

/** The pid on the first line of the cluster's postmaster.pid, if the file is there. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `name` if it does not exist (optionally as a copy of a template database). */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
      await c.query(`create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`);
    }
  } finally {
    await c.end();
  }
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}
