/** The concierge hands a live site to monitoring without overwriting a monitor that already runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createConciergeActivities } from '../../activities/concierge/index.js';
import { OrderInputSchema } from '../../activities/concierge/order-validation.js';
import { EXAMPLE_ORDER } from '../../api/openapi-examples.js';
import { insertOrder } from '../../db/queries/concierge-orders.js';
import { conciergePortsFromConfig } from '../../activities/concierge/providers.js';
import { monitorIdFor } from '../../activities/audits/monitor/site-id.js';
import { createMailer } from '../../activities/shared/mail.js';
import { freshDb, type TestDb } from '../support/db.js';
import { silentLogger, testConfig } from '../support/platform.js';

let t: TestDb;
let activities: ReturnType<typeof createConciergeActivities>;

async function order(id: string, domain: string) {
  const input = OrderInputSchema.parse({ ...EXAMPLE_ORDER, contactEmail: 'claire@boulangerie-martin.test', desiredDomain: domain });
  await insertOrder(t.db, id, input, 'eur');
  return monitorIdFor(new URL(`https://${input.desiredDomain}/`));
}

async function monitorRow(id: string, alertEmail: string, deleted: boolean) {
  await t.db
    .insertInto('monitors')
    .values({
      id,
      url: `https://${id.replace(/^monitor-/, '')}/`,
      host: id.replace(/^monitor-/, ''),
      interval_seconds: 60,
      alert_email: alertEmail,
      webhook_url: 'https://hooks.agency.test/up',
      language: 'fr',
      thresholds: JSON.stringify({}),
      paused: false,
    })
    .execute();
  if (deleted) await sql`update monitors set deleted_at = now() where id = ${id}`.execute(t.db);
}

beforeAll(async () => {
  t = await freshDb();
  const config = testConfig(t.url);
  activities = createConciergeActivities({
    config,
    db: t.db,
    logger: silentLogger,
    mailer: createMailer(config),
    ports: conciergePortsFromConfig(config, t.db),
  });
});
afterAll(async () => t.drop());

describe('prepareSiteMonitor', () => {
  it('creates the monitor with the customer as recipient when none exists', async () => {
    const id = await order('ord_handoff_new', 'boulangerie-neuve.fr');
    const input = await activities.prepareSiteMonitor('ord_handoff_new');
    expect(input.monitorId).toBe(id);
    const row = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.alert_email).toBe('claire@boulangerie-martin.test');
    expect(row.interval_seconds).toBe(300);
  });

  it('keeps a monitor that already runs for the site as it is', async () => {
    const id = await order('ord_handoff_active', 'boulangerie-suivie.fr');
    await monitorRow(id, 'ops@agency.test', false);
    await activities.prepareSiteMonitor('ord_handoff_active');
    const row = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.alert_email).toBe('ops@agency.test');
    expect(row.webhook_url).toBe('https://hooks.agency.test/up');
    expect(row.interval_seconds).toBe(60);
  });

  it('revives a deleted monitor with the order settings', async () => {
    const id = await order('ord_handoff_deleted', 'boulangerie-relancee.fr');
    await monitorRow(id, 'old@agency.test', true);
    // the old life's state: down, leased by a sweep, next check far away
    await sql`update monitors set machine = '{"availability":"down"}', lease_owner = 'old-sweep', next_check_at = now() + interval '1 day' where id = ${id}`.execute(
      t.db,
    );
    await activities.prepareSiteMonitor('ord_handoff_deleted');
    const row = await t.db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeNull();
    // a fresh state, due at once for the monitor sweep
    expect(row).toMatchObject({ machine: null, lease_owner: null, recent_alerts: [] });
    expect(row.next_check_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(row.alert_email).toBe('claire@boulangerie-martin.test');
    expect(row.webhook_url).toBeNull();
  });
});
