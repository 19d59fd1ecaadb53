/**
 * What each page of a sync run did (`sync_run_pages`: counts per direction, samples) and the records
 * it could not sync (`sync_failures`), written by the activities and summed per run for the API.
 */
import { sql } from 'kysely';
import type { PageReport, RecordFailure, SyncEntity } from '../../core/contracts/sync.js';
import type { Queryable } from './types.js';

export async function savePage(db: Queryable, runId: string, pageKey: string, entity: SyncEntity | 'contact_person', report: PageReport): Promise<void> {
  await saveFailures(db, runId, pageKey, entity, report.failures);
  for (const direction of ['to_hubspot', 'to_sage'] as const) {
    const c = report[direction];
    const values = { run_id: runId, page_key: pageKey, entity, direction, ...c, samples: JSON.stringify(direction === 'to_hubspot' ? report.samples : []) };
    await db
      .insertInto('sync_run_pages')
      .values(values)
      .onConflict((oc) => oc.columns(['run_id', 'page_key', 'entity', 'direction']).doUpdateSet({ ...c, samples: values.samples }))
      .execute();
  }
}

export async function saveFailures(
  db: Queryable,
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

export async function runFailures(db: Queryable, runId: string, limit = 200) {
  const rows = await db.selectFrom('sync_failures').selectAll().where('run_id', '=', runId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ entity: r.entity, sageId: r.sage_id, direction: r.direction, cause: r.cause, message: r.message }));
}

export async function runReport(db: Queryable, runId: string) {
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
