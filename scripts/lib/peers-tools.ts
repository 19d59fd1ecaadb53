/**
 * The two peers of `npm run bench:peers`, installed from PyPI into `.tools/` venvs on first use and
 * configured so that nothing but loopback is ever requested:
 *
 * - changedetection.io: its datastore is written before its first start by its own store class,
 *   with no example watches (a new datastore otherwise gets two public ones, checked at once), the
 *   fixture's watches (`#price`, plain HTTP fetcher, a loopback `json://` notification) and no
 *   automatic recheck; served on 127.0.0.1 with the version check (its only call home) disabled
 *   and loopback targets allowed (`ALLOW_IANA_RESTRICTED_ADDRESSES`).
 * - urlwatch: a jobs file (`css: '#price'`, `html2text`), a config whose only reporter is stdout,
 *   an empty hooks file; one process per round, as cron would run it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from './run.js';

const TOOLS = resolve('.tools');

/** A venv in `.tools/venv-<name>` with `pkg` installed (pip, from PyPI), created on first use. */
export function ensureVenv(name: string, pkg: string, bin: string, log: (m: string) => void): string {
  const dir = join(TOOLS, `venv-${name}`);
  const exe = join(dir, 'bin', bin);
  if (existsSync(exe)) return dir;
  log(`installing ${pkg} into ${dir} (python3 -m venv + pip)`);
  const steps: Array<[string, string[]]> = [
    ['python3', ['-m', 'venv', dir]],
    [join(dir, 'bin', 'pip'), ['install', '-q', pkg]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  }
  return dir;
}

export interface ChangeDetection {
  process: ChildProcess;
  url: string;
  /** Queues every watch for a recheck (its API's recheck_all). */
  recheckAll(): Promise<void>;
  /** Resolves when every watch was checked at or after `since` (epoch seconds). */
  waitChecked(since: number, n: number): Promise<void>;
  stop(): Promise<void>;
}

const CD_SETUP = `
import json, os, sys
from changedetectionio import store
path, hook, urls = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
ds = store.ChangeDetectionStore(datastore_path=path, version_tag='bench', include_default_watches=False)
app = ds.data['settings']['application']
app['api_access_token_enabled'] = False
ds.data['settings']['requests']['time_between_check'] = {'weeks': 52, 'days': None, 'hours': None, 'minutes': None, 'seconds': None}
ds.data['settings']['requests']['workers'] = int(os.environ.get('FETCH_WORKERS', '5'))
for url in urls:
    ds.add_watch(url=url, extras={'include_filters': ['#price'], 'fetch_backend': 'html_requests', 'notification_urls': [hook], 'title': url})
ds._save_settings()
print('watches', len(ds.data['watching']))
os._exit(0)
`;

export async function startChangeDetection(opts: {
  dir: string;
  port: number;
  urls: string[];
  hook: string;
  workers: number;
  log: (m: string) => void;
}): Promise<ChangeDetection> {
  const venv = ensureVenv('changedetection', 'changedetection.io', 'changedetection.io', opts.log);
  const py = join(venv, 'bin', 'python');
  const data = join(opts.dir, 'datastore');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(opts.dir, 'urls.json'), JSON.stringify(opts.urls));
  writeFileSync(join(opts.dir, 'setup.py'), CD_SETUP);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: opts.dir,
    DISABLE_VERSION_CHECK: 'yes',
    ALLOW_IANA_RESTRICTED_ADDRESSES: 'true',
    FETCH_WORKERS: String(opts.workers),
    LOGGER_LEVEL: 'WARNING',
    LITELLM_FETCH_PRICING_FROM_GITHUB: 'false',
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    NO_PROXY: '*',
    TZ: 'UTC',
  };
  const setup = spawnSync(py, [join(opts.dir, 'setup.py'), data, opts.hook, join(opts.dir, 'urls.json')], { env, encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`changedetection datastore setup failed: ${setup.stderr}`);
  const child = spawn(join(venv, 'bin', 'changedetection.io'), ['-h', '127.0.0.1', '-p', String(opts.port), '-d', data], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  const url = `http://127.0.0.1:${opts.port}`;
  await waitFor(`changedetection.io on ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`exited: ${stderr}`);
    return (await fetch(`${url}/api/v1/systeminfo`)).ok;
  });
  const list = async () => (await (await fetch(`${url}/api/v1/watch`)).json()) as Record<string, { last_checked: number }>;
  return {
    process: child,
    url,
    async recheckAll() {
      const res = await fetch(`${url}/api/v1/watch?recheck_all=1`);
      if (!res.ok) throw new Error(`recheck_all: ${res.status}`);
    },
    async waitChecked(since, n) {
      for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
        const ws = Object.values(await list());
        if (ws.length === n && ws.every((w) => w.last_checked >= since)) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`changedetection.io did not check its ${n} watches within 3 minutes`);
    },
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    },
  };
}

export interface UrlwatchRound {
  wall: number;
  cpu: number;
  peakRssMb: number;
  changed: number;
}

export interface Urlwatch {
  run(): Promise<UrlwatchRound>;
}

export function prepareUrlwatch(opts: { dir: string; urls: string[]; log: (m: string) => void }): Urlwatch {
  const venv = ensureVenv('urlwatch', 'urlwatch', 'urlwatch', opts.log);
  mkdirSync(opts.dir, { recursive: true });
  const jobs = opts.urls.map((u, i) => `name: "page ${i}"\nurl: "${u}"\nfilter:\n  - css: "#price"\n  - html2text: re\n`).join('---\n');
  writeFileSync(join(opts.dir, 'urls.yaml'), jobs);
  writeFileSync(
    join(opts.dir, 'urlwatch.yaml'),
    'display:\n  new: true\n  error: true\n  unchanged: false\nreport:\n  text:\n    minimal: true\n    footer: false\n  stdout:\n    enabled: true\n    color: false\n',
  );
  writeFileSync(join(opts.dir, 'hooks.py'), '');
  const args = [
    '--urls',
    join(opts.dir, 'urls.yaml'),
    '--config',
    join(opts.dir, 'urlwatch.yaml'),
    '--hooks',
    join(opts.dir, 'hooks.py'),
    '--cache',
    join(opts.dir, 'cache.db'),
  ];
  return {
    run: () =>
      new Promise((resolvePromise, reject) => {
        const started = performance.now();
        // GNU time reports the CPU and peak RSS of the whole run
        const child = spawn('/usr/bin/time', ['-f', 'TIME %U %S %M', join(venv, 'bin', 'urlwatch'), ...args], {
          env: { PATH: process.env.PATH ?? '', HOME: opts.dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (c) => (out += c));
        child.stderr.on('data', (c) => (err += c));
        child.on('error', reject);
        child.on('exit', () => {
          const wall = (performance.now() - started) / 1000;
          const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(err);
          if (!m) return reject(new Error(`urlwatch: ${err.slice(-2000)}`));
          resolvePromise({
            wall,
            cpu: Number(m[1]) + Number(m[2]),
            peakRssMb: Number(m[3]) / 1024,
            changed: out.split('\n').filter((l) => /^CHANGED: /.test(l)).length,
          });
        });
      }),
  };
}
