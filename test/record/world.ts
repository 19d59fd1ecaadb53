/**
 * `npm run history:record` drives one short, real run of each workflow type through its main path
 * (the real worker and activities, the loopback fixtures and fakes of the e2e tests) and saves its
 * history into test/fixtures/histories/ for the replay test; one recorder a family
 * (<family>.record.ts; `npm run history:record -- <type>` runs the files of those types), not part
 * of `npm test`. What they share: HISTORY_DIR, the workflow types the bundle registers, and
 * a family's world (database, config, client, in-process worker, API, mail catcher).
 */
import { expect } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../core/config.js';
import { taskQueueFor, type Family } from '../../core/temporal.js';
import { recordHistory } from '../../scripts/lib/histories.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/lib/mail-catcher.js';
import * as workflows from '../../workflows/index.js';
import { freshDb, type TestDb } from '../support/db.js';
import { OTHER_API_KEY, startTestWorkers, TEST_API_KEY, testApp, testClient, testEnv } from '../support/platform.js';
import { HUBSPOT_SECRET, HUBSPOT_TOKEN } from '../support/sync/harness.js';

// HISTORY_DIR: somewhere else than test/fixtures/histories (a trial run)
export const dir = process.env.HISTORY_DIR || undefined;
export const DAY = 86_400_000;
/** The workflow types the bundle registers (the async functions workflows/index.ts exports). */
export const types = new Set(
  Object.entries(workflows)
    .filter(([, v]) => typeof v === 'function' && v.constructor.name === 'AsyncFunction')
    .map(([k]) => k),
);

/** A family's world: database, config, client, in-process worker, API, mail catcher. */
export async function world(families: Family[], env: Record<string, string>) {
  const t: TestDb = await freshDb();
  const smtp: MailCatcher = await startMailCatcher();
  const config: Config = loadConfig(testEnv(t.url, { SMTP_URL: smtp.url, ...env }));
  const client: Client = await testClient(config);
  const workers = await startTestWorkers(config, t.db, families);
  const { call } = testApp(config, t.db, client);
  const post = async (path: string, body: unknown) => {
    const res = await call(path, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  const secrets = [TEST_API_KEY, OTHER_API_KEY, config.WEBHOOK_SIGNING_SECRET, HUBSPOT_TOKEN, HUBSPOT_SECRET];
  const record = async (workflowId: string, label: string, runId?: string) => {
    const r = await recordHistory(client, workflowId, { label, secrets, dir, ...(runId ? { runId } : {}) });
    console.log(`[history] ${r.type}-${label}: ${r.events} events, ${Math.round(r.bytes / 1024)} KB`);
    return r;
  };
  const close = async () => {
    await workers.shutdown();
    await client.connection.close();
    await smtp.close();
    await t.drop();
  };
  return { t, smtp, config, client, post, call, record, close, queue: (f: Family) => taskQueueFor(f, config.TASK_QUEUE_PREFIX) };
}
