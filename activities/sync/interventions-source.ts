/** Interventions (after-sales visits) live in our database; they are read like a source. */
import type { Db } from '../../db/client.js';
import type { Intervention } from '../../db/schema/sync.js';
import { cancelIntervention, interventionRow, interventionsChanged, updateInterventionFromHubSpot } from '../../db/queries/sync.js';
import type { EntitySource, SourceRecord } from './source.js';

export const interventionSageId = (id: number | string) => `INT-${id}`;

function toRecord(row: Intervention): SourceRecord {
  return {
    id: interventionSageId(row.id),
    updatedAt: row.updated_at,
    data: { ...row, scheduled_at: row.scheduled_at?.toISOString() ?? null },
  };
}

export function interventionsSource(db: Db): EntitySource {
  return {
    async listChanged(since, page, pageSize) {
      // Keyset pagination on (updated_at, id): "iso|id" of the last row of the previous page.
      const [at, id] = page ? (page.split('|') as [string, string]) : [];
      const rows = await interventionsChanged(db, { since, after: at !== undefined ? { at: new Date(at), id: Number(id) } : null, limit: pageSize });
      const last = rows[rows.length - 1];
      return { items: rows.map(toRecord), next: rows.length === pageSize && last ? `${last.updated_at.toISOString()}|${last.id}` : null };
    },
    async listDeleted() {
      return [];
    },
    async get(id) {
      const n = Number(id.replace(/^INT-/, ''));
      if (!Number.isInteger(n)) return null;
      const row = await interventionRow(db, n);
      return row ? toRecord(row) : null;
    },
    async update(id, patch) {
      // HubSpot owns the ticket's stage and owner once it exists: they come back to our row.
      const n = Number(id.replace(/^INT-/, ''));
      const set: { status?: string; hubspot_owner_id?: string | null } = {};
      const status = patch.status !== null && typeof patch.status === 'object' ? (patch.status as { id?: unknown }).id : patch.status;
      if (typeof status === 'string') set.status = status;
      if ('hubspot_owner_id' in patch) set.hubspot_owner_id = typeof patch.hubspot_owner_id === 'string' ? patch.hubspot_owner_id : null;
      if (Number.isInteger(n) && Object.keys(set).length) await updateInterventionFromHubSpot(db, n, set);
      const rec = await this.get(id);
      if (!rec) throw new Error(`intervention ${id} not found`);
      return rec;
    },
    async remove(id) {
      // A ticket deleted in HubSpot, mirrored: the intervention is cancelled, not erased (it is ours).
      const n = Number(id.replace(/^INT-/, ''));
      if (Number.isInteger(n)) await cancelIntervention(db, n);
    },
  };
}
