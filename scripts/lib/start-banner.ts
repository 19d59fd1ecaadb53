/**
 * What `npm start` prints once the platform serves (scripts/start.ts): where the API, Temporal and
 * its Web UI, the mail and the metrics are, and which API key to use (its fingerprint, never the key).
 */
import { keyFingerprint } from '../../api/access/secrets.js';
import type { Family } from '../../core/temporal.js';
import type { Topology } from './cluster-topology.js';
import type { MetricsEndpoint } from './metrics-ports.js';

export interface BannerFacts {
  topology: Topology;
  /** Every API process's port. */
  ports: number[];
  /** The first API's URL (docs, the example request). */
  apiUrl: string;
  temporalAddress: string;
  /** TEMPORAL_ADDRESS was given: Temporal is not the launcher's. */
  externalTemporal: boolean;
  temporalServerVersion: string;
  groups: Family[][];
  uiUrl: string | undefined;
  namespace: string;
  mailNote: string;
  metrics: MetricsEndpoint[];
  /** The keys the API is started with, and whether they were given (API_KEYS) rather than the dev key. */
  apiKeys: string;
  apiKeysGiven: boolean;
  /** DATA_DIR as the banner names it. */
  dataNote: string;
  /** The sandboxes' own lines. */
  sandboxLines: string[];
}

export function bannerText(f: BannerFacts): string {
  const apiUrls = f.ports.map((p) => `http://127.0.0.1:${p}`).join('  ');
  const cluster =
    f.topology === 'cluster'
      ? `
    Temporal server  ${f.temporalAddress} (${f.externalTemporal ? 'TEMPORAL_ADDRESS' : `${f.temporalServerVersion} on PostgreSQL`})
    Workers          ${f.groups.map((g) => g.join(',')).join('  |  ')}   (one process each)`
      : '';
  const statusQuery = encodeURIComponent("AtelierFamily = 'concierge' AND AtelierStatus IN ('refunded', 'cancelled', 'expired')");
  const ui = f.uiUrl
    ? `${f.uiUrl}\n                     business status: the AtelierStatus column, e.g. ${f.uiUrl}/namespaces/${f.namespace}/workflows?query=${statusQuery}`
    : '(external cluster: see your Temporal UI)';
  const metrics = f.metrics.length
    ? f.metrics.map((m) => `${m.name} ${m.url}`).join('\n                     ')
    : 'off (API_METRICS_PORT / WORKER_METRICS_PORT = 0)';
  const key = f.apiKeysGiven
    ? `API_KEYS: bootstrap key(s) ${f.apiKeys
        .split(',')
        .map((k) => keyFingerprint(k.trim()))
        .join(', ')} (fingerprints)`
    : `dev key ${keyFingerprint(f.apiKeys)} (fingerprint) in ${f.dataNote}/dev-api-key (mode 0600, every scope); scoped keys: npm run keys`;
  return `
  Atelier is running.
    API              ${apiUrls}${cluster}
    API docs         ${f.apiUrl}/docs   (OpenAPI: ${f.apiUrl}/openapi.json)
    Temporal Web UI  ${ui}
    Mail             ${f.mailNote}
    Metrics          ${metrics}   (Prometheus text; docs/metrics.md)
    API key          ${key}

  ${f.sandboxLines.join('\n  ')}

  Try: curl -s -X POST ${f.apiUrl}/v1/diagnostics -H "authorization: Bearer $(cat ${f.dataNote}/dev-api-key)" -H 'content-type: application/json' -d '{}'
  Ctrl-C stops everything; a worker, API, PostgreSQL or Temporal that dies is restarted.
`;
}
