/**
 * docker-compose.yml as a compose client renders it (`config`: parsed, interpolated, validated; no
 * container engine needed) with the variables the README documents, checked against what
 * `npm run start:cluster` runs: the pinned server image, its config and schema mounts, the
 * launcher's variables in every API and worker service, the launcher's start order.
 * CI installs a client (Debian's docker-compose); elsewhere without one the file as written is
 * checked and the test says that `config` was not run.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeConfig, findComposeClient } from '../../scripts/lib/compose-client.js';
import { renderedServices, type RenderedService } from '../../scripts/lib/compose-rendered.js';
import { workerGroups } from '../../scripts/lib/cluster-topology.js';
import { ROOT } from '../../scripts/lib/paths.js';
import { DYNAMIC_CONFIG_FILE, SERVER_CONFIG_DIR, SERVER_CONFIG_ENV, SETUP_SCHEMA_SCRIPT } from '../../scripts/lib/temporal-cluster.js';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/lib/temporal-server.js';

const FILE = join(ROOT, 'docker-compose.yml');
/** The README's variables (`API_KEYS=... WEBHOOK_SIGNING_SECRET=... GRAFANA_ADMIN_PASSWORD=... docker compose up`). */
const README_ENV = {
  API_KEYS: 'atl_compose_key_0123456789abcdef',
  WEBHOOK_SIGNING_SECRET: 'whsec_compose_0123456789',
  GRAFANA_ADMIN_PASSWORD: 'grafana-pw-0123',
};
/** What scripts/start.ts gives every API and worker process (DATABASE_URL … API_KEYS, CHROMIUM_PATH, metrics host/port). */
const LAUNCHER_ENV = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'API_KEYS', 'CHROMIUM_PATH', 'METRICS_HOST'];
const WORKER_ENV = [...LAUNCHER_ENV, 'WORKER_QUEUES', 'WORKFLOW_BUNDLE_PATH', 'WORKER_METRICS_PORT'];
const API_ENV = [...LAUNCHER_ENV, 'API_PORT', 'API_METRICS_PORT'];
/** The launcher's order: schema, server, then namespace + search attributes (+ migrations), then the processes. */
const START_ORDER = ['postgres', 'temporal-schema', 'temporal', 'setup'];

const dir = mkdtempSync(join(tmpdir(), 'compose-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const envFile = (vars: Record<string, string>) => {
  const path = join(dir, `env-${Object.keys(vars).join('-')}`);
  writeFileSync(
    path,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
};

const client = findComposeClient();
const rendered = client ? composeConfig(client, FILE, envFile(README_ENV)) : undefined;
const services = renderedServices(rendered?.status === 0 ? rendered.stdout : readFileSync(FILE, 'utf8'), ROOT);
const written = renderedServices(readFileSync(FILE, 'utf8'), ROOT);
/** The server's frontend gRPC port (atelier.yaml's default, which compose does not change). */
const frontend = /FRONTEND_GRPC_PORT" \| default "(\d+)"/.exec(readFileSync(join(SERVER_CONFIG_DIR, `${SERVER_CONFIG_ENV}.yaml`), 'utf8'))?.[1];
const runs = (s: RenderedService, entry: string) => s.command.join(' ').includes(entry);
const workers = Object.entries(services).filter(([, s]) => runs(s, 'dist/workers/main.js'));
const apis = Object.entries(services).filter(([, s]) => runs(s, 'dist/api/main.js'));

/** The image's own environment (ENV of the Dockerfile's last stage): what compose adds to. */
function imageEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const pairs = [...runtime.matchAll(/^ENV (.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  return Object.fromEntries(pairs.map((p) => p.split(/=(.*)/s, 2) as [string, string]));
}
const env = (s: RenderedService) => ({ ...imageEnv(), ...s.environment });
/** container path -> the mount's host source (with the rest of the path) */
function hostPath(s: RenderedService, containerPath: string): string | undefined {
  const m = s.mounts.find((x) => containerPath === x.target || containerPath.startsWith(`${x.target}/`));
  return m && m.type === 'bind' ? join(m.source, posix.relative(m.target, containerPath)) : undefined;
}
const exists = (p: string | undefined) => p !== undefined && statSync(p, { throwIfNoEntry: false }) !== undefined;
/** Every service a service waits for, directly or not. */
function waitsFor(name: string, seen = new Set<string>()): Set<string> {
  for (const d of Object.keys(services[name]?.dependsOn ?? {})) if (!seen.has(d)) waitsFor(d, seen.add(d));
  return seen;
}

describe('docker-compose.yml as compose renders it', () => {
  it('compose `config` accepts the file with the README variables (CI has a client)', () => {
    if (!client) {
      expect(process.env.CI, 'CI installs a compose client (.ci/run: docker-compose)').toBeFalsy();
      console.warn('compose-config: no compose client here (docker compose plugin or docker-compose): `config` NOT run; checking the file as written');
      expect(Object.keys(services).length).toBeGreaterThan(0);
      return;
    }
    expect(rendered!.status, rendered!.stderr).toBe(0);
    // no warning either (an unset variable, an obsolete or unknown attribute)
    expect(rendered!.stderr.trim()).toBe('');
    console.info(`compose-config: ${client.label} ${client.version} rendered docker-compose.yml`);
    // nothing lost by anchors and merge keys: every service, with the README's values interpolated
    expect(Object.keys(services).sort()).toEqual(Object.keys(written).sort());
    for (const [name, s] of [...workers, ...apis]) expect(s.environment.API_KEYS, name).toBe(README_ENV.API_KEYS);
    expect(services.grafana!.environment.GF_SECURITY_ADMIN_PASSWORD).toBe(README_ENV.GRAFANA_ADMIN_PASSWORD);
    expect(services.api!.environment.MAIL_FROM).toBe('Atelier <no-reply@atelier.localhost>');
  });

  it('refuses to render without each required variable, naming it', () => {
    if (!client) {
      expect(process.env.CI, 'CI installs a compose client').toBeFalsy();
      return;
    }
    for (const missing of Object.keys(README_ENV)) {
      const vars = Object.fromEntries(Object.entries(README_ENV).filter(([k]) => k !== missing));
      const res = composeConfig(client, FILE, envFile(vars));
      expect(res.status, missing).not.toBe(0);
      expect(res.stderr.trim().split('\n').pop(), missing).toMatch(new RegExp(`: set ${missing}\\b`));
    }
  });

  it('runs the pinned Temporal server and schema tool', () => {
    expect(services.temporal!.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  });

  it("mounts the launcher's server config, schema script and dynamic config, read-only, from files that exist", () => {
    const temporal = services.temporal!;
    const m = /--root (\S+) --config (\S+) --env (\S+)/.exec(temporal.entrypoint.join(' '));
    expect(m).not.toBeNull();
    const configDir = hostPath(temporal, posix.join(m![1]!, m![2]!));
    expect(configDir).toBe(SERVER_CONFIG_DIR);
    expect(m![3]).toBe(SERVER_CONFIG_ENV);
    expect(exists(join(configDir!, `${SERVER_CONFIG_ENV}.yaml`))).toBe(true);
    expect(hostPath(temporal, temporal.environment.DYNAMIC_CONFIG_FILE_PATH ?? '')).toBe(DYNAMIC_CONFIG_FILE);
    const schema = services['temporal-schema']!;
    const script = schema.entrypoint.find((w) => w.endsWith('/setup-schema.sh'));
    expect(hostPath(schema, script ?? '')).toBe(SETUP_SCHEMA_SCRIPT);
    for (const [name, s] of Object.entries(services))
      for (const b of s.mounts.filter((x) => x.type === 'bind')) {
        expect(exists(b.source), `${name}: ${b.source}`).toBe(true);
        expect(b.readOnly, `${name}: ${b.target}`).toBe(true);
      }
  });

  it("gives every worker and API service the launcher's variables, workers in the launcher's groups", () => {
    expect(workers.map(([, s]) => s.environment.WORKER_QUEUES).sort()).toEqual(
      workerGroups({})
        .map((g) => g.join(','))
        .sort(),
    );
    for (const [name, s] of workers) for (const k of WORKER_ENV) expect(env(s)[k], `${name} ${k}`).toBeTruthy();
    expect(apis.length).toBeGreaterThan(0);
    for (const [name, s] of apis) {
      for (const k of API_ENV) expect(env(s)[k], `${name} ${k}`).toBeTruthy();
      expect(s.ports.map((p) => p.target)).toContain(Number(env(s).API_PORT));
    }
    // every address names a service of the stack, on the port that service listens on
    for (const [name, s] of [...workers, ...apis, ['setup', services.setup!] as const]) {
      expect(s.environment.TEMPORAL_ADDRESS, name).toBe(`temporal:${frontend}`);
      const db = new URL(s.environment.DATABASE_URL ?? '');
      expect([db.hostname, db.port], name).toEqual([services.temporal!.environment.POSTGRES_SEEDS, services.temporal!.environment.DB_PORT]);
      expect(services[new URL(s.environment.SMTP_URL ?? '').hostname], `${name} SMTP_URL`).toBeDefined();
    }
  });

  it("starts in the launcher's order, each step waiting for the previous one's health or completion", () => {
    for (const [name, s] of Object.entries(services)) {
      expect(waitsFor(name).has(name), `${name} waits for itself`).toBe(false);
      for (const [dep, condition] of Object.entries(s.dependsOn)) {
        expect(services[dep], `${name} -> ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck?.length, `${dep} has a healthcheck`).toBeTruthy();
        if (condition === 'service_completed_successfully') expect(services[dep]!.restart, `${dep} is a one-shot`).toBe('no');
      }
    }
    const conditions = ['service_healthy', 'service_completed_successfully', 'service_healthy'];
    START_ORDER.slice(1).forEach((name, i) => {
      expect(services[name]!.dependsOn[START_ORDER[i]!], `${name} waits for ${START_ORDER[i]}`).toBe(conditions[i]);
      expect([...waitsFor(name)].sort(), name).toEqual(START_ORDER.slice(0, i + 1).sort());
    });
    for (const [name, s] of [...workers, ...apis]) {
      expect(s.dependsOn.setup, name).toBe('service_completed_successfully');
      for (const step of START_ORDER) expect(waitsFor(name).has(step), `${name} after ${step}`).toBe(true);
    }
    // the server is healthy when its frontend port answers
    expect(services.temporal!.healthcheck!.join(' ')).toMatch(new RegExp(` ${frontend}$`));
    expect(services.temporal!.ports.map((p) => p.target)).toContain(Number(frontend));
    expect(services.temporal!.environment.FRONTEND_GRPC_PORT).toBeUndefined();
  });
});
