/**
 * docker-compose.yml and `npm run start:cluster` run the same Temporal server: the image tag is the
 * pinned binary's version, the server reads the same config file (temporal-config/server) with the
 * same variables, the schema is set up by the same script, the dynamic config is the same file.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/paths.js';
import { DYNAMIC_CONFIG_FILE, PORT_VARIABLES, SERVER_CONFIG_ENV, serverDbEnv, serverEnv } from '../../scripts/lib/temporal-cluster.js';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/lib/temporal-server.js';

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  entrypoint?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const template = readFileSync(join(ROOT, 'temporal-config', 'server', `${SERVER_CONFIG_ENV}.yaml`), 'utf8');
const templateVars = new Set([...template.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]!));
const temporal = compose.services.temporal!;
const schema = compose.services['temporal-schema']!;
/** container path -> host path (relative to the repository) */
const mounts = (s: Service) => new Map((s.volumes ?? []).map((v) => v.split(':')).map(([host, container]) => [container!, host!.replace(/^\.\//, '')]));
const entry = (s: Service) => (s.entrypoint ?? []).join(' ');

describe('docker-compose.yml and start:cluster in step', () => {
  it('runs the pinned server version (server and schema tool images)', () => {
    expect(temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(schema.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  });

  it('starts the server on the same config file the launcher uses', () => {
    const m = /--root (\S+) --config (\S+) --env (\S+)/.exec(entry(temporal));
    expect(m).not.toBeNull();
    const [, root, config, env] = m!;
    expect(env).toBe(SERVER_CONFIG_ENV);
    expect(mounts(temporal).get(`${root}/${config}`)).toBe('temporal-config/server');
  });

  it("sets up the schema with the launcher's script, from the mounted folder", () => {
    const script = /(\S+)\/setup-schema\.sh/.exec(entry(schema));
    expect(script).not.toBeNull();
    expect(mounts(schema).get(script![1]!)).toBe('temporal-config/server');
  });

  it('gives the server the same variables, all read by its config file', () => {
    const launcherKeys = Object.keys(serverEnv({ pgUrl: 'postgres://u:p@h:5432/postgres', metricsEndpoint: 'x:1' }, {})).filter(
      (k) => !(PORT_VARIABLES as readonly string[]).includes(k),
    );
    // the container's own address, exported by the entrypoint
    const exported = [...entry(temporal).matchAll(/([A-Z][A-Z_]+)=/g)].map((m) => m[1]!);
    const composeKeys = new Set([...Object.keys(temporal.environment ?? {}), ...exported]);
    expect([...launcherKeys].sort()).toEqual([...composeKeys].sort());
    for (const k of [...composeKeys, ...PORT_VARIABLES]) expect(templateVars.has(k), `${k} is read by atelier.yaml`).toBe(true);
    // the schema step reads the same database variables as the server
    expect(Object.keys(schema.environment ?? {}).sort()).toEqual(Object.keys(serverDbEnv('postgres://u:p@h:5432/postgres')).sort());
    const setup = readFileSync(join(ROOT, 'temporal-config', 'server', 'setup-schema.sh'), 'utf8');
    for (const k of Object.keys(schema.environment ?? {})) expect(setup).toContain(`\${${k}`);
  });

  it('points the server at the same dynamic config file', () => {
    const path = temporal.environment?.DYNAMIC_CONFIG_FILE_PATH ?? '';
    expect(basename(path)).toBe(basename(DYNAMIC_CONFIG_FILE));
    const dir = path.slice(0, path.lastIndexOf('/'));
    expect(mounts(temporal).get(dir)).toBe('temporal-config/dynamicconfig');
  });
});
