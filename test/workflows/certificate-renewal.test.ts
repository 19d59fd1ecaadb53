/**
 * `certificateRenewal` on the real Temporal dev server: it sleeps until 30 days before expiry,
 * renews once and continues as new with the new expiry; a failing round alerts the operator once
 * and is retried after the pause. The expiry given is ~30 days + 2 s away, so "30 days before" is
 * two seconds from now. The activities stand in for ACME (the unit under test is the schedule).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { CertificateRenewalStatus } from '../../workflows/certificate-renewal.js';

const DAY = 86_400_000;
let bundle: WorkflowBundle;
let connection: NativeConnection;
let client: Client;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../workflows/certificate-renewal.ts', import.meta.url)),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  await client?.connection.close();
  await connection?.close();
});

function activities(failFirst: number) {
  const issued: number[] = [];
  const alerts: string[] = [];
  let calls = 0;
  return {
    issued,
    alerts,
    acts: {
      async issueCertificate(_orderId: string) {
        calls++;
        if (calls <= failFirst) throw ApplicationFailure.nonRetryable('acme down', 'acme-refused');
        issued.push(Date.now());
        return { notAfter: new Date(Date.now() + 90 * DAY).toISOString(), issued: true };
      },
      async alertOperator(_orderId: string, reason: string, opts: { suffix: string }) {
        alerts.push(`${opts.suffix}: ${reason}`);
        return 'sent';
      },
    },
  };
}

async function until<T>(f: () => Promise<T>, ok: (x: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const x = await f();
    if (ok(x) || Date.now() > deadline) return x;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('certificateRenewal', () => {
  it('renews 30 days before expiry, then continues as new waiting for the new expiry minus 30 days', async () => {
    const { acts, issued, alerts } = activities(0);
    const taskQueue = `renewal-ok-${Date.now()}`;
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities: acts });
    await worker.runUntil(async () => {
      const start = Date.now();
      const notAfter = new Date(start + 30 * DAY + 2000).toISOString();
      const handle = await client.workflow.start('certificateRenewal', {
        workflowId: `cert-renewal-ok-${start}.fr`,
        taskQueue,
        args: [{ orderId: 'ord_x', domain: 'ok.fr', notAfter, renewBeforeDays: 30, renewals: 0 }],
      });
      const s0 = await handle.query<CertificateRenewalStatus>('status');
      expect(s0).toMatchObject({ domain: 'ok.fr', notAfter, renewals: 0, phase: 'waiting' });
      expect(Date.parse(s0.renewAt)).toBe(Date.parse(notAfter) - 30 * DAY);
      expect(issued).toEqual([]);

      const s1 = await until(
        () => handle.query<CertificateRenewalStatus>('status'),
        (s) => s.renewals === 1,
      );
      expect(issued).toHaveLength(1);
      expect(issued[0]!).toBeGreaterThanOrEqual(start + 1500);
      expect(s1).toMatchObject({ renewals: 1, phase: 'waiting' });
      expect(Date.parse(s1.renewAt)).toBe(Date.parse(s1.notAfter) - 30 * DAY);
      expect(Date.parse(s1.notAfter)).toBeGreaterThan(Date.now() + 89 * DAY);
      const desc = await handle.describe();
      expect(desc.status.name).toBe('RUNNING');
      expect(desc.runId).not.toBe(handle.firstExecutionRunId);
      expect(alerts).toEqual([]);
      await handle.terminate('test over');
    });
  });

  it('a failing round alerts the operator once and the next round renews', async () => {
    const { acts, issued, alerts } = activities(1);
    const taskQueue = `renewal-fail-${Date.now()}`;
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities: acts });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('certificateRenewal', {
        workflowId: `cert-renewal-fail-${Date.now()}.fr`,
        taskQueue,
        args: [
          {
            orderId: 'ord_y',
            domain: 'fail.fr',
            notAfter: new Date(Date.now() + 30 * DAY + 1000).toISOString(),
            renewBeforeDays: 30,
            renewals: 0,
            retryAfterMs: 500,
          },
        ],
      });
      const s = await until(
        () => handle.query<CertificateRenewalStatus>('status'),
        (x) => x.renewals === 1,
        50_000,
      );
      expect(s.renewals).toBe(1);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatch(/^renewal-1: renouvellement du certificat de fail\.fr en échec : .*acme down/);
      expect(issued).toHaveLength(1);
      await handle.terminate('test over');
    });
  }, 90_000);
});
