/**
 * Records the watches family's workflows (watchFleet, watchSource, marketStats, duplicateCleanup,
 * alertDigest, genericWatch, genericWatchSweep) against loopback agency sites; see world.ts.
 */
import { describe, expect, it } from 'vitest';
import { agencySite, property, startSite, type Property } from '../support/watches/sites.js';
import { types, world } from './world.js';

describe('watches', () => {
  it('records watchFleet, watchSource, marketStats, duplicateCleanup, alertDigest and the generic watches', async () => {
    const listings = new Map<string, Property>([
      ['h1', property('h1', { price: 320_000, surface: 45, rooms: 2 })],
      ['h2', property('h2', { price: 455_000, surface: 70 })],
      ['h3', property('h3', { price: 990_000, surface: 120, rooms: 5 })],
    ]);
    const agency = await startSite(agencySite(listings, { flavor: 'wordpress' }));
    let prices = '<ul><li>Audit : 490 €</li></ul>';
    const page = await startSite((path) =>
      path === '/tarifs'
        ? { body: `<!doctype html><title>Tarifs</title><div id="prix">${prices}</div>` }
        : path === '/robots.txt'
          ? { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' }
          : null,
    );
    const w = await world(['watches'], { WATCH_POLITENESS_MS: '50', WATCH_FETCH_RETRIES: '1', PUBLIC_BASE_URL: 'https://atelier.test' });
    try {
      const source = await w.post('/v1/sources', { name: 'Agence Historique', website: agency.url, postalCodes: ['75015'] });
      await w.post('/v1/alerts', { ownerEmail: 'now@example.fr', name: 'Paris 15e < 500k', criteria: { postalCodes: ['75015'], priceMax: 500_000 } });
      await w.post('/v1/alerts', { ownerEmail: 'daily@example.fr', name: 'Tout Paris 15e', frequency: 'daily', criteria: { postalCodes: ['75015'] } });

      const fleetId = `history-fleet-${Date.now()}`;
      const totals = await w.client.workflow.execute('watchFleet', {
        workflowId: fleetId,
        taskQueue: w.queue('watches'),
        args: [{ scope: 'all', batchSize: 2 }],
      });
      expect(totals).toEqual({ sources: 1, ok: 1, failed: 0 });
      await w.record(fleetId, 'fleet-one-source');
      await w.record(`${fleetId}-source-${source.id}`, 'new-listings-alerted');

      const run = async (type: string, label: string, args: unknown[] = []) => {
        const id = `history-${type}-${Date.now()}`;
        const result = await w.client.workflow.execute(type, { workflowId: id, taskQueue: w.queue('watches'), args });
        await w.record(id, label);
        return result;
      };
      expect(await run('marketStats', 'one-postal-code')).toMatchObject({ postalCodes: 1 });
      await run('duplicateCleanup', 'completed');
      expect(await run('alertDigest', 'one-digest', [{ day: new Date().toISOString().slice(0, 10) }])).toMatchObject({ sent: 1 });

      // a generic watch: its baseline, then a change notified
      const watch = await w.post('/v1/watches', { name: 'Tarifs', url: `${page.url}tarifs`, selector: '#prix', target: 'ops@example.fr' });
      const baseline = watch.baseline as { workflowId: string } | undefined;
      if (baseline) await w.client.workflow.getHandle(baseline.workflowId).result();
      if (types.has('genericWatch'))
        await w.client.workflow.execute('genericWatch', {
          workflowId: `history-generic-${Date.now()}`,
          taskQueue: w.queue('watches'),
          args: [{ watchId: watch.id }],
        });
      prices = '<ul><li>Audit : 590 €</li></ul>';
      if (types.has('genericWatchSweep')) {
        const sweep = await w.post(`/v1/watches/${watch.id}/check`, {});
        expect(await w.client.workflow.getHandle(sweep.workflowId as string).result()).toMatchObject({ changed: 1 });
        await w.record(sweep.workflowId as string, 'one-change-notified');
        await w.smtp.waitFor(1, (m) => m.subject.includes('Tarifs'));
        prices = '<ul><li>Audit : 650 €</li></ul>';
      }
      if (types.has('genericWatch')) {
        expect(await run('genericWatch', 'change-notified', [{ watchId: watch.id }])).toMatchObject({ phase: 'completed', changed: true });
      }
    } finally {
      await w.close();
      await agency.close();
      await page.close();
    }
  });
});
