/**
 * A watches load where several sources share each host, so two worker processes crawl one host at
 * the same time and only the politeness turns in PostgreSQL keep them apart: `hosts` loopback
 * servers (each its own politeness host), each serving `agencies` agency sites under
 * `/agence-<k>/` (distinct listings, no cross-agency duplicates), one source per agency naming its
 * list page, and an alert that every listing matches. Used by test/e2e/shared-limits-sigkill.test.ts
 * and `npm run bench:scale`.
 */
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../../db/client.js';
import { insertAlert, updateAlert } from '../../../db/queries/watch-alerts.js';
import { insertSource } from '../../../db/queries/watch-sources.js';
import { taskQueueFor } from '../../../core/temporal.js';
import type { watchSource } from '../../../workflows/watches.js';
import { agencySite, property, startSite, type FixtureSite, type Property, type Responder } from '../watches/sites.js';
import { minGap, repeated } from './measure.js';

export interface WatchLoadShape {
  hosts: number;
  agencies: number;
  listings: number;
}

export interface WatchLoad {
  sites: FixtureSite[];
  /** Source id → the host it is on. */
  hostOf: Map<number, string>;
  alertId: number;
  /** Listings on the sites (each is a `new` event and a notification of the alert). */
  listings: number;
  /** Stops the sites and retires the alert (a later load's listings do not notify it). */
  close(): Promise<void>;
}

/** `agencies` agency sites behind one server, agency k under /agence-k/ (links and JSON-LD rewritten). */
export function agenciesHost(agencies: Array<Map<string, Property>>, perPage: number): Responder {
  const inner = agencies.map((l) => agencySite(l, { flavor: 'wordpress', perPage }));
  return (path, req, site) => {
    if (path === '/robots.txt') return { type: 'text/plain', body: `User-agent: *\n${inner.map((_, k) => `Disallow: /agence-${k}/prive/\n`).join('')}` };
    const m = /^\/agence-(\d+)(\/.*)$/.exec(path);
    const k = Number(m?.[1]);
    const out = m && inner[k] ? inner[k](m[2]!, req, site) : null;
    if (!out) return null;
    return { ...out, body: out.body.replaceAll('href="/', `href="/agence-${k}/`).replaceAll(`${site.url}annonce/`, `${site.url}agence-${k}/annonce/`) };
  };
}

/** `variant` (0-5) sets the listings' room count: loads of different variants never look like one another's duplicates. */
export async function startWatchLoad(db: Db, shape: WatchLoadShape, alertEmail: string, variant = 0): Promise<WatchLoad> {
  const sites: FixtureSite[] = [];
  const hostOf = new Map<number, string>();
  let n = 0;
  for (let h = 0; h < shape.hosts; h++) {
    const agencies = Array.from({ length: shape.agencies }, () => {
      const m = new Map<string, Property>();
      for (let i = 0; i < shape.listings; i++, n++) {
        // two listings with one postal code and a close price are 60 apart in n: 180 m² apart, not one property
        const id = `v${variant}l${n}`;
        m.set(
          id,
          property(id, {
            // the title states the room count too: a page whose title said "3 pièces" read as 3 rooms
            // whatever the variant, and a warm-up listing then looked like a measured one's duplicate
            title: `Appartement ${id.toUpperCase()} ${1 + variant} pièces lumineux`,
            surface: 20 + 3 * n,
            rooms: 1 + variant,
            price: Math.round(100_000 * 1.06 ** (n % 60)),
            postalCode: String(75001 + (n % 20)),
          }),
        );
      }
      return m;
    });
    const site = await startSite(agenciesHost(agencies, 3));
    sites.push(site);
    for (let k = 0; k < shape.agencies; k++) {
      const src = await insertSource(db, {
        name: `Agence ${h}-${k}`,
        website: `${site.url}agence-${k}/`,
        listing_urls: [`${site.url}agence-${k}/biens/`],
        selectors: '{}',
      });
      hostOf.set(Number(src.id), site.host);
    }
  }
  const alert = await insertAlert(db, {
    owner_email: alertEmail,
    name: 'shared limits',
    criteria: JSON.stringify({ priceMax: 100_000_000 }),
    channel: 'email',
    target: alertEmail,
    frequency: 'immediate',
    unsubscribe_token: randomBytes(24).toString('base64url'),
  });
  const alertId = Number(alert.id);
  return {
    sites,
    hostOf,
    alertId,
    listings: n,
    async close() {
      await updateAlert(db, alertId, { active: false });
      await Promise.all(sites.map((s) => s.close()));
    },
  };
}

/** Starts one `watchSource` run per source. */
export function startCrawls(client: Client, taskQueuePrefix: string, sourceIds: number[], tag: string): Promise<Array<WorkflowHandle<typeof watchSource>>> {
  return Promise.all(
    sourceIds.map((sourceId) =>
      client.workflow.start<typeof watchSource>('watchSource', {
        workflowId: `${tag}-source-${sourceId}-${Date.now()}`,
        taskQueue: taskQueueFor('watches', taskQueuePrefix),
        args: [{ sourceId, trigger: 'test' }],
      }),
    ),
  );
}

/** Requests the hosts received (pages), the smallest gap between two requests to one host, per host. */
export function politeness(load: WatchLoad, from: number[] = []): { requests: number; gaps: Array<{ host: string; min: number; requests: number }> } {
  const gaps = load.sites.map((s, i) => {
    const ats = s.requests.slice(from[i] ?? 0).map((r) => r.at);
    return { host: s.host, min: minGap(ats), requests: ats.length };
  });
  return { requests: gaps.reduce((a, g) => a + g.requests, 0), gaps };
}

/** Where the requests so far end, per host (for politeness() of a later run). */
export const requestMarks = (load: WatchLoad) => load.sites.map((s) => s.requests.length);

/** The load's listings, their events and its alert's notifications as stored, and what occurs twice. */
export async function watchOutcome(db: Db, load: WatchLoad) {
  const sources = [...load.hostOf.keys()];
  const listings = await db.selectFrom('watch_listings').select(['id', 'source_id', 'source_url']).where('source_id', 'in', sources).execute();
  const events = await db
    .selectFrom('watch_listing_history')
    .select(['listing_id', 'event'])
    .where('listing_id', 'in', listings.length ? listings.map((l) => l.id) : [-1])
    .execute();
  const outbox = await db.selectFrom('outbox').select(['dedupe_key', 'status']).where('dedupe_key', 'like', `watch:alert:${load.alertId}:%`).execute();
  return {
    listings: listings.length,
    events: events.length,
    notifications: outbox.length,
    sent: outbox.filter((o) => o.status === 'sent').length,
    duplicates: [
      ...repeated(listings.map((l) => `${l.source_id} ${l.source_url}`)),
      ...repeated(events.map((e) => `${e.listing_id} ${e.event}`)),
      ...repeated(outbox.map((o) => o.dedupe_key)),
    ],
  };
}
