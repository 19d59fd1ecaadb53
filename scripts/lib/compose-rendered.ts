/**
 * A compose file's services in one shape, whatever wrote it: the output of `config` of Docker
 * Compose 1.29 (short volume and port strings), of compose v2+ (long forms), or the file as written
 * (merge keys, relative paths). Pure: text in, services out.
 */
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface Mount {
  type: 'bind' | 'volume';
  /** Absolute host path of a bind, the volume's name otherwise. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface Port {
  hostIp?: string;
  published: number;
  target: number;
}

export interface RenderedService {
  image?: string;
  build: boolean;
  command: string[];
  entrypoint: string[];
  environment: Record<string, string>;
  mounts: Mount[];
  ports: Port[];
  /** dependency -> condition (service_started when the file lists names only) */
  dependsOn: Record<string, string>;
  healthcheck?: string[];
  restart?: string;
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null || v === undefined ? '' : JSON.stringify(v);
}
/** `$$` is compose's escape of `$`: the container gets one. */
const unescape = (s: string) => s.replaceAll('$$', '$');

function words(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((w) => unescape(str(w)));
  return typeof v === 'string' ? unescape(v).split(/\s+/).filter(Boolean) : [];
}

function environment(v: unknown): Record<string, string> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((e) => str(e).split(/=(.*)/s, 2) as [string, string?]).map(([k, val]) => [k, val ?? '']));
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, val]) => [k, str(val)])) : {};
}

function mount(v: unknown, projectDir: string): Mount {
  if (isRecord(v)) {
    const type = v.type === 'bind' ? 'bind' : 'volume';
    const source = str(v.source);
    return { type, source: type === 'bind' ? resolve(projectDir, source) : source, target: str(v.target), readOnly: v.read_only === true };
  }
  const [source = '', target = '', mode = ''] = str(v).split(':');
  const bind = isAbsolute(source) || source.startsWith('.') || source.startsWith('~');
  return { type: bind ? 'bind' : 'volume', source: bind ? resolve(projectDir, source) : source, target, readOnly: mode.split(',').includes('ro') };
}

function port(v: unknown): Port {
  if (isRecord(v)) {
    const hostIp = str(v.host_ip);
    return { ...(hostIp ? { hostIp } : {}), published: Number(str(v.published)), target: Number(str(v.target)) };
  }
  const parts = str(v)
    .replace(/\/\w+$/, '')
    .split(':');
  const target = Number(parts.pop());
  const published = parts.length ? Number(parts.pop()) : target;
  return { ...(parts.length ? { hostIp: parts.join(':') } : {}), published, target };
}

function dependsOn(v: unknown): Record<string, string> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((d) => [str(d), 'service_started']));
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, d]) => [k, isRecord(d) ? str(d.condition) || 'service_started' : 'service_started'])) : {};
}

function service(s: Raw, projectDir: string): RenderedService {
  const health = isRecord(s.healthcheck) ? words(s.healthcheck.test) : undefined;
  return {
    ...(s.image ? { image: str(s.image) } : {}),
    build: s.build !== undefined,
    command: words(s.command),
    entrypoint: words(s.entrypoint),
    environment: environment(s.environment),
    mounts: Array.isArray(s.volumes) ? s.volumes.map((m) => mount(m, projectDir)) : [],
    ports: Array.isArray(s.ports) ? s.ports.map(port) : [],
    dependsOn: dependsOn(s.depends_on),
    ...(health ? { healthcheck: health } : {}),
    ...(s.restart !== undefined ? { restart: str(s.restart) } : {}),
  };
}

/** The services of a compose file or of `config`'s output; relative bind sources resolved from projectDir. */
export function renderedServices(text: string, projectDir: string): Record<string, RenderedService> {
  const doc: unknown = parse(text, { merge: true });
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  return Object.fromEntries(Object.entries(services).map(([name, s]) => [name, service(isRecord(s) ? s : {}, projectDir)]));
}
