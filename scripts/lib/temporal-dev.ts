/** Runs `temporal server start-dev` with the platform's search attributes registered. */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../core/temporal.js';
import { waitFor } from './run.js';

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  /** Settles when the server process is gone (stopped or crashed). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

interface Options {
  cli: string;
  port: number;
  /** Web UI port; none (headless) when omitted. */
  uiPort?: number;
  /** SQLite file to persist to; in memory when omitted. */
  dbFile?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Where the server's own output goes (inherit for the start script, ignore for tests). */
  stdio?: 'inherit' | 'ignore';
}

export async function startTemporalDevServer(opts: Options): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-level',
    opts.logLevel ?? 'error',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...SEARCH_ATTRIBUTES.flatMap((sa) => ['--search-attribute', `${sa.name}=${sa.type}`]),
  ];
  // Its own process group: a Ctrl-C in the terminal reaches the start script, which stops the
  // server last, after the workers have drained.
  const child = spawn(opts.cli, args, { stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'ignore'], detached: true });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitFor(
      'Temporal dev server',
      async () => {
        if (exited) throw new Error(`temporal server start-dev exited with ${child.exitCode}`);
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await conn.workflowService.getSystemInfo({});
          return true;
        } finally {
          await conn.close();
        }
      },
      90_000,
      250,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    exited: exit,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
