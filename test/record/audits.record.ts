/**
 * Records the audits family's workflows (hostingAudit, siteMonitor, monitorSweep) against the
 * audit fixtures and a loopback test site behind a test CA; see world.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SiteMonitorInput, SiteMonitorStatus } from '../../core/contracts/monitors.js';
import { DEFAULT_THRESHOLDS } from '../../core/contracts/monitors.js';
import { startAuditFixtures } from '../support/audits/fixtures.js';
import { createTestCa, startTestSite, startWebhookReceiver } from '../support/monitor-sites.js';
import { until } from '../support/sync/harness.js';
import { types, world } from './world.js';

describe('audits', () => {
  it('records a hostingAudit, a siteMonitor through down, recovery and continueAsNew, and a monitorSweep', async () => {
    const fx = await startAuditFixtures();
    const ca = createTestCa();
    const caDir = mkdtempSync(join(tmpdir(), 'history-audits-'));
    writeFileSync(join(caDir, 'ca.pem'), ca.certPem);
    const site = await startTestSite();
    const hooks = await startWebhookReceiver();
    const w = await world(['audits'], {
      ...fx.env,
      MONITOR_MIN_INTERVAL_SECONDS: '1',
      MONITOR_CHECKS_PER_RUN: '4',
      MONITOR_EXTRA_CA_PATH: join(caDir, 'ca.pem'),
    });
    try {
      const audit = await w.post('/v1/audits', { url: fx.urls.litespeedHttps, options: { browser: true, samples: 1 } });
      expect(await w.client.workflow.getHandle(audit.id as string).result()).toMatchObject({ verdict: 'enterprise' });
      await w.record(audit.id as string, 'completed-with-browser');

      // the row through the API (paused, so a monitor sweep leaves it alone), the monitor's own
      // workflow started as the API did before the sweeps (or resumed, where the API still starts it)
      const m = await w.post('/v1/monitors', {
        url: site.url,
        intervalSeconds: 1,
        alertEmail: 'ops@agence.test',
        webhookUrl: hooks.url,
        thresholds: { failuresBeforeDown: 1 },
        paused: true,
      });
      const handle = w.client.workflow.getHandle(m.id as string);
      if (
        await handle.describe().then(
          () => true,
          () => false,
        )
      )
        await handle.signal('resume');
      else {
        const input: SiteMonitorInput = {
          monitorId: m.id as string,
          url: site.url,
          host: '127.0.0.1',
          intervalSeconds: 1,
          thresholds: { ...DEFAULT_THRESHOLDS, failuresBeforeDown: 1 },
          checksPerRun: w.config.MONITOR_CHECKS_PER_RUN,
          intervalBounds: [1, w.config.MONITOR_MAX_INTERVAL_SECONDS],
        };
        await w.client.workflow.start('siteMonitor', { workflowId: m.id as string, taskQueue: w.queue('audits'), args: [input] });
      }
      const firstRunId = (await handle.describe()).runId;
      const state = () => handle.query<SiteMonitorStatus>('status');
      await until(state, (s) => s.state === 'up', 20_000, 100);
      site.set({ kind: 'down' });
      await until(state, (s) => s.state === 'down', 20_000, 100);
      site.set({ kind: 'up' });
      const after = await until(state, (s) => s.run.number >= 2 && s.state === 'up' && s.recentAlerts.length === 2 && s.pendingDeliveries === 0, 30_000, 200);
      expect(after.recentAlerts.map((a) => a.transition)).toEqual(['down', 'recovered']);
      await w.record(m.id as string, 'down-recovered-continued', firstRunId);
      await w.record(m.id as string, 'second-run');
      await handle.terminate('recorded');

      if (types.has('monitorSweep')) {
        // the batched sweep over the monitors' rows: two windows, then continueAsNew
        // (its own id: the API may have started the shard's sweep already, on its default windows)
        const sweepId = `history-monitor-sweep-${Date.now()}`;
        const sweep = await w.client.workflow.start('monitorSweep', {
          workflowId: sweepId,
          taskQueue: w.queue('audits'),
          args: [{ shard: 0, shards: 1, windowSeconds: 1, concurrency: 2, windowsPerRun: 2 }],
        });
        await until(
          () => sweep.describe(),
          (d) => d.runId !== sweep.firstExecutionRunId,
          30_000,
          200,
        );
        await w.record(sweepId, 'two-windows-continued', sweep.firstExecutionRunId);
        await sweep.terminate('recorded');
      }
    } finally {
      await w.close();
      await site.close();
      await hooks.close();
      await fx.close();
      rmSync(caDir, { recursive: true, force: true });
    }
  });
});
