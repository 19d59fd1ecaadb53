/**
 * Recorded workflow histories (test/fixtures/histories/<type>-<label>.json), which the replay test
 * (test/workflows/replay.test.ts) replays against the current workflow code. Shared by
 * `npm run history:record` and the replay test: saving a history, and checking that it carries no
 * secret (workflow history is readable by anyone with access to Temporal).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ROOT } from './paths.js';

export const HISTORIES_DIR = join(ROOT, 'test', 'fixtures', 'histories');

/** What a secret looks like, whatever its value: tokens, keys, signing secrets, credentials in JSON. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /\bpat-[a-z0-9]+-[0-9a-f-]{6,}/i, // HubSpot private-app token
  /\b[sr]k_(test|live)_[0-9a-z]{8,}/i, // Stripe secret / restricted key
  /\bwhsec_[0-9a-z]{8,}/i, // Stripe webhook secret
  /\batl_[0-9a-z_-]{16,}/i, // Atelier API key
  /\bBearer\s+[0-9a-z._~+/-]{8,}/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /"(access_?token|refresh_?token|client_?secret|api_?key|apiKey|password|signing_?secret)"\s*:\s*"[^"]+"/i,
];

/** The history file's own text plus every payload decoded (payloads are base64 in the JSON form). */
export function historyText(json: unknown): string {
  const parts: string[] = [JSON.stringify(json)];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.data === 'string' && o.metadata && typeof o.metadata === 'object') parts.push(Buffer.from(o.data, 'base64').toString('utf8'));
    Object.values(o).forEach(walk);
  };
  walk(json);
  return parts.join('\n');
}

/** The secrets found in `text`: known values (a run's own keys) and anything shaped like one. */
export function findSecrets(text: string, known: readonly string[] = []): string[] {
  const found = known.filter((k) => k.length >= 8 && text.includes(k)).map((k) => `${k.slice(0, 4)}… (a configured secret)`);
  for (const p of SECRET_PATTERNS) {
    const m = p.exec(text);
    if (m) found.push(m[0].slice(0, 40));
  }
  return found;
}

export interface RecordOptions {
  /** A run of the chain (e.g. the first, continued-as-new one); default the latest. */
  runId?: string;
  /** File name after the type; default `<status>-<last 8 chars of the id>`. */
  label?: string;
  /** Secret values of the run that recorded it: the history is refused if one appears. */
  secrets?: readonly string[];
  /** Where to write; default test/fixtures/histories. */
  dir?: string;
}

/** Saves one workflow's history (and its workflow id) as test/fixtures/histories/<type>-<label>.json. */
export async function recordHistory(
  client: Client,
  workflowId: string,
  opts: RecordOptions = {},
): Promise<{ file: string; type: string; events: number; bytes: number }> {
  const handle = client.workflow.getHandle(workflowId, opts.runId);
  const desc = await handle.describe();
  const history = await handle.fetchHistory();
  // the id goes with the history: a workflow that derives ids from its own (child workflows) replays only under it
  const json = JSON.stringify({ workflowId, ...(JSON.parse(historyToJSON(history)) as object) }, null, 2);
  const secrets = findSecrets(historyText(JSON.parse(json)), opts.secrets);
  if (secrets.length) throw new Error(`history of ${workflowId} carries secrets, not saved: ${secrets.join(', ')}`);
  const label = opts.label ?? `${desc.status.name.toLowerCase()}-${workflowId.slice(-8)}`;
  const file = join(opts.dir ?? HISTORIES_DIR, `${desc.type}-${label}.json`);
  writeFileSync(file, json);
  return { file, type: desc.type, events: history.events?.length ?? 0, bytes: json.length };
}
