/** PostgreSQL access for the sync: id map, conflicts, duplicates, cursors, runs and their pages. */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/client.js';
import type { SyncIdMapRow } from '../../db/schema/sync.js';
import type { ConflictEntry } from './conflicts.js';
import type { DuplicateGroup } from './duplicates.js';
import type { SyncEntity } from './mapping/types.js';

export const json = (v: unknown) => JSON.stringify(v ?? null);

export async function idMapRows(db: DbOrTx, entity: SyncEntity, sageIds: string[]): Promise<Map<string, SyncIdMapRow>> {
  if (!sageIds.length) return new Map();
  const rows = await db.selectFrom('sync_id_map').selectAll().where('entity', '=', entity).where('sage_id', 'in', sageIds).execute();
  return new Map(rows.map((r) => [r.sage_id, r]));
}

/** Sage ids of the records whose HubSpot object (or customer contact) is one of these. */
export async function sageIdsForHubSpot(
  db: DbOrTx,
  object: string,
  hubspotIds: string[],
  modifiedAt?: ReadonlyMap<string, Date | null>,
): Promise<Array<{ entity: SyncEntity; sageId: string }>> {
  if (!hubspotIds.length) return [];
  const entity: SyncEntity | null =
    object === 'companies' || object === 'contacts'
      ? 'customer'
      : object === 'deals'
        ? 'quote'
        : object === 'invoices'
          ? 'invoice'
          : object === 'tickets'
            ? 'intervention'
            : null;
  if (!entity) return [];
  const col = object === 'contacts' ? 'hubspot_contact_id' : 'hubspot_id';
  const rows = await db
    .selectFrom('sync_id_map')
    .select(['sage_id', 'hubspot_id', 'hubspot_contact_id', 'hubspot_updated_at'])
    .where('entity', '=', entity)
    .where(col, 'in', hubspotIds)
    .execute();
  return rows
    .filter((r) => {
      // Modified no later than our own last write: our echo, nothing new to read.
      const at = modifiedAt?.get((object === 'contacts' ? r.hubspot_contact_id : r.hubspot_id) ?? '');
      return !(at && r.hubspot_updated_at && at.getTime() <= r.hubspot_updated_at.getTime());
    })
    .map((r) => ({ entity, sageId: r.sage_id }));
}

/** The HubSpot ids among these that no record of the entity is linked to. */
export async function unlinkedHubSpotIds(db: DbOrTx, entity: SyncEntity, hubspotIds: string[]): Promise<string[]> {
  const rows = await db.selectFrom('sync_id_map').select('hubspot_id').where('entity', '=', entity).where('hubspot_id', 'in', hubspotIds).execute();
  const linked = new Set(rows.map((r) => r.hubspot_id));
  return [...new Set(hubspotIds)].filter((id) => !linked.has(id));
}

export interface IdMapWrite {
  entity: SyncEntity;
  sageId: string;
  hubspotId: string | null;
  contactId: string | null;
  sageHash: string;
  hubspotHash: string;
  fields: Record<string, unknown>;
  version: number;
  sageUpdatedAt: Date | null;
  hubspotUpdatedAt: Date | null;
}

export async function saveIdMap(db: DbOrTx, rows: IdMapWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => ({
      entity: r.entity,
      sage_id: r.sageId,
      hubspot_id: r.hubspotId,
      hubspot_contact_id: r.contactId,
      sage_hash: r.sageHash,
      hubspot_hash: r.hubspotHash,
      synced_fields: json(r.fields),
      mapping_version: r.version,
      sage_updated_at: r.sageUpdatedAt,
      hubspot_updated_at: r.hubspotUpdatedAt,
      synced_at: new Date(),
    }));
    await db
      .insertInto('sync_id_map')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['entity', 'sage_id']).doUpdateSet((eb) => ({
          hubspot_id: eb.ref('excluded.hubspot_id'),
          hubspot_contact_id: eb.ref('excluded.hubspot_contact_id'),
          sage_hash: eb.ref('excluded.sage_hash'),
          hubspot_hash: eb.ref('excluded.hubspot_hash'),
          synced_fields: eb.ref('excluded.synced_fields'),
          mapping_version: eb.ref('excluded.mapping_version'),
          sage_updated_at: eb.ref('excluded.sage_updated_at'),
          hubspot_updated_at: eb.ref('excluded.hubspot_updated_at'),
          synced_at: eb.ref('excluded.synced_at'),
          deleted_at: null,
          deletion: null,
        })),
      )
      .execute();
  }
}

/** Fields held for a person, and values people chose, per Sage id. */
export async function openConflicts(db: DbOrTx, entity: SyncEntity, sageIds: string[]) {
  const held = new Map<string, Set<string>>();
  const resolved = new Map<string, { values: Record<string, string | number | null>; ids: number[] }>();
  if (!sageIds.length) return { held, resolved };
  const rows = await db
    .selectFrom('sync_conflicts')
    .select(['id', 'sage_id', 'field', 'status', 'resolution_value'])
    .where('entity', '=', entity)
    .where('sage_id', 'in', sageIds)
    .where('status', 'in', ['held', 'resolved'])
    .execute();
  for (const r of rows) {
    if (r.status === 'held') {
      let s = held.get(r.sage_id);
      if (!s) held.set(r.sage_id, (s = new Set()));
      s.add(r.field);
    } else {
      let e = resolved.get(r.sage_id);
      if (!e) resolved.set(r.sage_id, (e = { values: {}, ids: [] }));
      e.values[r.field] = (r.resolution_value ?? null) as string | number | null;
      e.ids.push(r.id);
    }
  }
  return { held, resolved };
}

export async function logConflicts(db: DbOrTx, runId: string, entity: SyncEntity, sageId: string, entries: ConflictEntry[]): Promise<void> {
  for (const c of entries) {
    await db
      .insertInto('sync_conflicts')
      .values({
        run_id: runId,
        entity,
        sage_id: sageId,
        field: c.field,
        base_value: json(c.base),
        sage_value: json(c.sage),
        hubspot_value: json(c.hubspot),
        rule: c.rule,
        winner: c.winner,
        status: c.winner === null ? 'held' : 'auto',
        resolution_value: c.winner === null ? null : json(c.value),
      })
      .onConflict((oc) => oc.columns(['entity', 'sage_id', 'field']).where('status', 'in', ['held', 'resolved']).doNothing())
      .execute();
  }
}

export async function markApplied(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('sync_conflicts').set({ status: 'applied' }).where('id', 'in', ids).execute();
}

export async function recordDuplicates(db: DbOrTx, entity: SyncEntity, groups: DuplicateGroup[]): Promise<void> {
  for (const g of groups) {
    await db
      .insertInto('sync_duplicates')
      .values({ entity, rule: g.rule, key: g.key, sage_ids: json(g.sageIds), owner_sage_id: g.owner, last_seen: new Date() })
      .onConflict((oc) =>
        oc.columns(['entity', 'rule', 'key']).doUpdateSet((eb) => ({ sage_ids: eb.ref('excluded.sage_ids'), last_seen: eb.ref('excluded.last_seen') })),
      )
      .execute();
  }
}

export async function getCursor(db: DbOrTx, name: string): Promise<string | null> {
  const row = await db.selectFrom('sync_cursors').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? null;
}

export async function setCursor(db: DbOrTx, name: string, value: string): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ name, value, updated_at: new Date() })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
}

export interface PageCounts {
  created: number;
  updated: number;
  skipped: number;
  conflicts: number;
  errors: number;
  deleted: number;
}
export const emptyCounts = (): PageCounts => ({ created: 0, updated: 0, skipped: 0, conflicts: 0, errors: 0, deleted: 0 });

/** A record a page could not sync, and why (`cause`: e.g. `hubspot:CONFLICT`, `hubspot:VALIDATION_ERROR`, `sage:422`). */
export interface RecordFailure {
  sageId: string;
  direction: 'to_hubspot' | 'to_sage';
  cause: string;
  message: string;
}

export interface PageReport {
  to_hubspot: PageCounts;
  to_sage: PageCounts;
  samples: unknown[];
  failures: RecordFailure[];
}
export const emptyReport = (): PageReport => ({ to_hubspot: emptyCounts(), to_sage: emptyCounts(), samples: [], failures: [] });

export async function savePage(db: DbOrTx, runId: string, pageKey: string, entity: SyncEntity | 'contact_person', report: PageReport): Promise<void> {
  await saveFailures(db, runId, pageKey, entity, report.failures);
  for (const direction of ['to_hubspot', 'to_sage'] as const) {
    const c = report[direction];
    const values = { run_id: runId, page_key: pageKey, entity, direction, ...c, samples: json(direction === 'to_hubspot' ? report.samples : []) };
    await db
      .insertInto('sync_run_pages')
      .values(values)
      .onConflict((oc) => oc.columns(['run_id', 'page_key', 'entity', 'direction']).doUpdateSet({ ...c, samples: values.samples }))
      .execute();
  }
}

export async function saveFailures(
  db: DbOrTx,
  runId: string,
  pageKey: string,
  entity: SyncEntity | 'contact_person',
  failures: RecordFailure[],
): Promise<void> {
  // A page played again (a retry) answers for its records afresh.
  await db.deleteFrom('sync_failures').where('run_id', '=', runId).where('page_key', '=', pageKey).where('entity', '=', entity).execute();
  if (!failures.length) return;
  await db
    .insertInto('sync_failures')
    .values(
      failures.map((f) => ({
        run_id: runId,
        page_key: pageKey,
        entity,
        sage_id: f.sageId,
        direction: f.direction,
        cause: f.cause,
        message: f.message.slice(0, 2000),
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['run_id', 'page_key', 'entity', 'sage_id', 'direction'])
        .doUpdateSet((eb) => ({ cause: eb.ref('excluded.cause'), message: eb.ref('excluded.message') })),
    )
    .execute();
}

export async function runFailures(db: Db, runId: string, limit = 200) {
  const rows = await db.selectFrom('sync_failures').selectAll().where('run_id', '=', runId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ entity: r.entity, sageId: r.sage_id, direction: r.direction, cause: r.cause, message: r.message }));
}

export async function runReport(db: Db, runId: string) {
  const rows = await db
    .selectFrom('sync_run_pages')
    .select(['entity', 'direction'])
    .select((eb) => [
      eb.fn.sum<number>('created').as('created'),
      eb.fn.sum<number>('updated').as('updated'),
      eb.fn.sum<number>('skipped').as('skipped'),
      eb.fn.sum<number>('conflicts').as('conflicts'),
      eb.fn.sum<number>('errors').as('errors'),
      eb.fn.sum<number>('deleted').as('deleted'),
      sql<number>`count(*)`.as('pages'),
    ])
    .where('run_id', '=', runId)
    .groupBy(['entity', 'direction'])
    .orderBy('entity')
    .orderBy('direction')
    .execute();
  return rows.map((r) => ({
    entity: r.entity,
    direction: r.direction,
    created: Number(r.created),
    updated: Number(r.updated),
    skipped: Number(r.skipped),
    conflicts: Number(r.conflicts),
    errors: Number(r.errors),
    deleted: Number(r.deleted),
    pages: Number(r.pages),
  }));
}
