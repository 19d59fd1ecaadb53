/**
 * The shape of `npm run start:cluster` (scripts/start.ts with ATELIER_TOPOLOGY=cluster): which worker
 * processes serve which families, and on which ports the API processes listen. Pure: read from the
 * environment, no I/O.
 *
 *   ATELIER_WORKER_GROUPS  `;`-separated groups of `,`-separated families, one worker process per
 *                          group (default `platform,concierge,audits;watches;sync`); a family in
 *                          two groups has two processes polling its queue (scale-out)
 *   ATELIER_API_PORTS      `,`-separated API ports (default API_PORT and API_PORT + 1)
 */
import { FAMILIES, type Family } from '../../core/temporal.js';

export type Topology = 'single' | 'cluster';

export const DEFAULT_WORKER_GROUPS = 'platform,concierge,audits;watches;sync';

export function topologyOf(env: NodeJS.ProcessEnv): Topology {
  const t = env.ATELIER_TOPOLOGY ?? 'single';
  if (t !== 'single' && t !== 'cluster') throw new Error(`ATELIER_TOPOLOGY=${t}: expected single or cluster`);
  return t;
}

/** The worker processes' WORKER_QUEUES: every family in at least one group. */
export function workerGroups(env: NodeJS.ProcessEnv): Family[][] {
  const spec = env.ATELIER_WORKER_GROUPS?.trim() || DEFAULT_WORKER_GROUPS;
  const groups = spec.split(';').map((g) =>
    g
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
  );
  const seen = new Set<string>();
  for (const g of groups) {
    if (!g.length) throw new Error(`ATELIER_WORKER_GROUPS=${spec}: an empty group`);
    if (new Set(g).size !== g.length) throw new Error(`ATELIER_WORKER_GROUPS: a family twice in ${g.join(',')}`);
    for (const f of g) {
      if (!(FAMILIES as readonly string[]).includes(f)) throw new Error(`ATELIER_WORKER_GROUPS: unknown family ${f} (families: ${FAMILIES.join(', ')})`);
      seen.add(f);
    }
  }
  const missing = FAMILIES.filter((f) => !seen.has(f));
  if (missing.length) throw new Error(`ATELIER_WORKER_GROUPS: no worker for ${missing.join(', ')}`);
  return groups as Family[][];
}

export function apiPorts(env: NodeJS.ProcessEnv, apiPort: number): number[] {
  const spec = env.ATELIER_API_PORTS?.trim();
  const ports = spec ? spec.split(',').map((p) => Number(p.trim())) : [apiPort, apiPort + 1];
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`ATELIER_API_PORTS=${spec}: ${p} is not a port`);
  if (new Set(ports).size !== ports.length) throw new Error(`ATELIER_API_PORTS=${spec}: a port twice`);
  return ports;
}
