/**
 * From a run's events to outbox rows. The run's new listings and price drops (from its history) are
 * matched against every active alert; each (alert, listing, event) is recorded once in
 * `watch_alert_matches` and, for immediate alerts, gets one outbox row keyed
 * `watch:alert:<alert>:listing:<listing>:<event>`. Daily alerts collect matches for the digest.
 * Every function answers the outbox keys still pending, so a retry after a crash delivers what
 * the crashed attempt had queued, and nothing twice.
 */
import type { Db } from '../../../db/client.js';
import { pendingOutboxKeys, pendingOutboxKeysLike } from '../../../db/queries/outbox.js';
import {
  activeAlerts,
  dailyAlertsWithUndigested,
  insertAlertMatches,
  lockUndigestedMatches,
  markMatchesDigested,
  runAlertEvents,
  type AlertTarget,
} from '../../../db/queries/watch-alerts.js';
import { enqueue, type Notification } from '../../shared/outbox.js';
import { buildMatcher, type AlertCriteria } from '../match/index.js';
import { listingJson, rowToDraft, type ListingRowLike } from '../store/listing-rows.js';
import { listingWebhookBody, renderDigestMail, renderListingMail, type AlertEvent, type ListingSummary } from './render.js';

export const unsubscribeUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/$/, '')}/public/alerts/unsubscribe?token=${encodeURIComponent(token)}`;

interface EventRow extends ListingRowLike {
  event: 'new' | 'price_change' | 'reactivated';
  price_old: number | null;
  price_new: number | null;
}

type AlertRow = AlertTarget;

const summary = (r: ListingRowLike): ListingSummary => ({
  id: r.id,
  title: r.title,
  price: r.price === null ? null : Number(r.price),
  surface: r.surface === null ? null : Number(r.surface),
  rooms: r.rooms,
  postalCode: r.postal_code,
  city: r.city,
  sourceUrl: r.source_url,
});

export const eventKey = (e: AlertEvent) => (e.kind === 'new' ? 'new' : `price_drop:${e.newPrice}`);
export const alertOutboxKey = (alertId: number, listingId: number, e: AlertEvent) => `watch:alert:${alertId}:listing:${listingId}:${eventKey(e)}`;

function notificationFor(a: AlertRow, l: ListingRowLike, e: AlertEvent, baseUrl: string): Notification {
  const key = alertOutboxKey(a.id, l.id, e);
  const unsub = unsubscribeUrl(baseUrl, a.unsubscribe_token);
  if (a.channel === 'webhook') {
    return {
      key,
      channel: 'webhook',
      payload: { url: a.target, body: { ...listingWebhookBody(a.id, { ...summary(l), ...listingJson(l) }, e), unsubscribeUrl: unsub } },
    };
  }
  const mail = renderListingMail(a.name ?? `alerte ${a.id}`, summary(l), e, unsub);
  return { key, channel: 'email', payload: { to: a.target, ...mail } };
}

/**
 * Matches run `runId`'s new listings and price drops against active alerts; returns pending outbox
 * keys. Only listings still offered count: one under offer or sold matches no alert.
 */
export async function queueRunNotifications(db: Db, runId: number, baseUrl: string): Promise<string[]> {
  const events = await runAlertEvents<EventRow>(db, runId);
  if (events.length === 0) return [];
  const alerts = await activeAlerts(db);
  if (alerts.length === 0) return [];
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const match = buildMatcher(alerts.map((a) => ({ id: a.id, criteria: a.criteria as AlertCriteria })));

  const matches: Array<{ alert_id: number; listing_id: number; event_key: string; event: 'new' | 'price_drop'; outbox_key: string | null }> = [];
  const notes: Notification[] = [];
  for (const ev of events) {
    const e: AlertEvent = ev.event === 'new' ? { kind: 'new' } : { kind: 'price_drop', oldPrice: Number(ev.price_old), newPrice: Number(ev.price_new) };
    for (const id of match(rowToDraft(ev))) {
      const a = byId.get(Number(id));
      if (!a) continue;
      const immediate = a.frequency === 'immediate';
      matches.push({ alert_id: a.id, listing_id: ev.id, event_key: eventKey(e), event: e.kind, outbox_key: immediate ? alertOutboxKey(a.id, ev.id, e) : null });
      if (immediate) notes.push(notificationFor(a, ev, e, baseUrl));
    }
  }
  if (matches.length === 0) return [];
  await db.transaction().execute(async (tx) => {
    await insertAlertMatches(tx, matches);
    for (let i = 0; i < notes.length; i += 500) await enqueue(tx, notes.slice(i, i + 500));
  });
  return pendingKeys(
    db,
    notes.map((n) => n.key),
  );
}

/** Of `keys`, those whose outbox row is still waiting to be sent. */
export async function pendingKeys(db: Db, keys: string[]): Promise<string[]> {
  return pendingOutboxKeys(db, keys);
}

/**
 * One digest per daily alert with undigested matches, keyed `watch:digest:<alert>:<day>`: the
 * matches are marked in the same transaction that queues the mail. Returns pending digest keys.
 */
export async function queueDailyDigests(db: Db, baseUrl: string, day: string): Promise<string[]> {
  const alerts = await dailyAlertsWithUndigested(db);
  const keys: string[] = [];
  for (const a of alerts) {
    const key = `watch:digest:${a.id}:${day}`;
    keys.push(key);
    await db.transaction().execute(async (tx) => {
      const rows = await lockUndigestedMatches<ListingRowLike & { m_event: 'new' | 'price_drop'; event_key: string; drop_from: number | null }>(tx, a.id, 200);
      if (rows.length === 0) return;
      const items = rows.map((r) => {
        const event: AlertEvent =
          r.m_event === 'new' ? { kind: 'new' } : { kind: 'price_drop', oldPrice: Number(r.drop_from), newPrice: Number(r.event_key.split(':')[1]) };
        return { listing: summary(r), event };
      });
      const unsub = unsubscribeUrl(baseUrl, a.unsubscribe_token);
      const note: Notification =
        a.channel === 'webhook'
          ? {
              key,
              channel: 'webhook',
              payload: {
                url: a.target,
                body: {
                  type: 'listing.digest',
                  alertId: a.id,
                  day,
                  items: rows.map((r) => ({ event: r.m_event, listing: listingJson(r) })),
                  unsubscribeUrl: unsub,
                },
              },
            }
          : { key, channel: 'email', payload: { to: a.target, ...renderDigestMail(a.name ?? `alerte ${a.id}`, items, unsub) } };
      const created = await enqueue(tx, [note]);
      // today's digest was already queued: these matches wait for tomorrow's
      if (created.length === 0) return;
      await markMatchesDigested(tx, a.id, key, { listingIds: rows.map((r) => r.id), eventKeys: rows.map((r) => r.event_key) });
    });
  }
  // digests of the day queued by an earlier (crashed or retried) call are still to be delivered
  const earlier = await pendingOutboxKeysLike(db, `watch:digest:%:${day}`);
  return pendingKeys(db, [...new Set([...keys, ...earlier])]);
}
