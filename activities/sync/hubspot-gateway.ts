/**
 * HubSpot through `@hubspot/api-client`: the few calls the sync needs (the port, hubspot-port.ts),
 * each behind the shared rate limiter. A 429 pushes every process back by Retry-After and the call
 * is tried again (it slows, never fails); 5xx are retried a few times; other errors are thrown as
 * HubSpotError (hubspot-errors.ts). Writes are batch upserts by the unique `sage_id` property, so a
 * retried batch never duplicates.
 */
import { Client } from '@hubspot/api-client';
import { retryAfterMs } from '../../core/retry-after.js';
import { conflictingObjectId, HubSpotError, structuredError } from './hubspot-errors.js';
import type { HubSpotGateway, HubSpotRecord, UpsertResult } from './hubspot-port.js';
import type { RateLimiter } from './rate-limit.js';

/** HubSpot-defined contact -> company association types: the primary company, and the unlabelled one. */
export const PRIMARY_CONTACT_TO_COMPANY = 1;
export const UNLABELLED_CONTACT_TO_COMPANY = 279;

interface SdkError {
  code?: number;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export interface HubSpotGatewayOptions {
  baseUrl: string;
  accessToken: string;
  limiter: RateLimiter;
  batchSize?: number;
  onThrottle?: (ms: number) => void;
}

export function createHubSpotGateway(opts: HubSpotGatewayOptions): HubSpotGateway {
  const client = new Client({ accessToken: opts.accessToken, basePath: opts.baseUrl.replace(/\/$/, ''), numberOfApiCallRetries: 0 });
  const batchSize = opts.batchSize ?? 100;
  let requests = 0;

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await opts.limiter.take();
      requests++;
      try {
        return await fn();
      } catch (e) {
        const err = e as SdkError;
        const status = typeof err.code === 'number' ? err.code : 0;
        if (status === 429 && attempt <= 100) {
          const ms = retryAfterMs(err.headers?.['retry-after']) ?? 1000;
          opts.onThrottle?.(ms);
          await opts.limiter.throttled(ms);
          continue;
        }
        if ((status >= 500 || status === 0) && attempt <= 4) {
          await sleep(200 * 2 ** attempt);
          continue;
        }
        const detail = typeof err.body === 'object' && err.body && 'message' in err.body ? String(err.body.message) : err.message;
        throw new HubSpotError(status, `HubSpot ${what} failed (${status}): ${detail}`, err.body);
      }
    }
  }

  const toRecord = (o: { id: string; properties: Record<string, string | null>; updatedAt?: Date }): HubSpotRecord => ({
    id: o.id,
    properties: o.properties ?? {},
    updatedAt: o.updatedAt ? new Date(o.updatedAt) : null,
  });

  return {
    get requests() {
      return requests;
    },

    async ensureProperties(wanted) {
      const created: string[] = [];
      const byObject = new Map<string, typeof wanted>();
      for (const w of wanted) byObject.set(w.object, [...(byObject.get(w.object) ?? []), w]);
      for (const [object, props] of byObject) {
        const existing = await call(`list ${object} properties`, () => client.crm.properties.coreApi.getAll(object));
        const have = new Set(existing.results.map((p) => p.name));
        const missing = props.filter((p) => !have.has(p.name));
        if (!missing.length) continue;
        const inputs = missing.map((p) => ({
          name: p.name,
          label: p.name === 'sage_id' ? 'Sage ID' : p.name.replace(/_/g, ' '),
          groupName:
            object === 'contacts'
              ? 'contactinformation'
              : object === 'companies'
                ? 'companyinformation'
                : object === 'deals'
                  ? 'dealinformation'
                  : `${object.replace(/s$/, '')}information`,
          type: p.type === 'number' ? 'number' : p.type === 'date' ? 'date' : 'string',
          fieldType: p.type === 'number' ? 'number' : p.type === 'date' ? 'date' : 'text',
          hasUniqueValue: p.name === 'sage_id',
        }));
        for (const input of inputs) {
          await call(`create ${object}.${input.name}`, () => client.crm.properties.coreApi.create(object, input as never));
        }
        created.push(...missing.map((p) => `${object}.${p.name}`));
      }
      return created;
    },

    async upsert(object, inputs) {
      const ids = new Map<string, { id: string; created: boolean; updatedAt: Date | null }>();
      const errors: UpsertResult['errors'] = [];
      for (const chunk of chunks(inputs, batchSize)) {
        let res;
        try {
          res = await call(`upsert ${object}`, () =>
            client.crm.objects.batchApi.upsert(object, {
              inputs: chunk.map((i) => ({ idProperty: 'sage_id', id: i.sageId, properties: { ...i.properties, sage_id: i.sageId } })),
            }),
          );
        } catch (e) {
          // Refusals of the data (400 validation, 409 unique value) concern records; 401/403 concern us.
          const refused = e instanceof HubSpotError && (e.status === 400 || e.status === 409 || e.status === 422);
          if (refused && chunk.length > 1) {
            // One bad record fails the whole batch: split it to isolate the culprit, keep the rest.
            const half = Math.ceil(chunk.length / 2);
            for (const part of [chunk.slice(0, half), chunk.slice(half)]) {
              const sub = await this.upsert(object, part);
              for (const [k, v] of sub.ids) ids.set(k, v);
              errors.push(...sub.errors);
            }
            continue;
          }
          if (refused) {
            const se = structuredError(e.body);
            errors.push({
              sageId: chunk[0]!.sageId,
              status: e.status,
              category: se?.category ?? null,
              message: e.message,
              existingId: conflictingObjectId(se),
            });
            continue;
          }
          throw e;
        }
        for (const r of res.results) {
          const sageId = r.properties?.sage_id;
          if (sageId) ids.set(sageId, { id: r.id, created: Boolean((r as { _new?: boolean })._new), updatedAt: r.updatedAt ? new Date(r.updatedAt) : null });
        }
        for (const raw of (res as { errors?: unknown[] }).errors ?? []) {
          const se = structuredError(raw);
          errors.push({
            sageId: se?.context.ids?.[0] ?? null,
            status: 207,
            category: se?.category ?? null,
            message: se?.message ?? 'unknown error',
            existingId: conflictingObjectId(se),
          });
        }
      }
      return { ids, errors };
    },

    async read(object, ids, properties) {
      const out = new Map<string, HubSpotRecord>();
      for (const chunk of chunks([...new Set(ids)], batchSize)) {
        const res = await call(`read ${object}`, () =>
          client.crm.objects.batchApi.read(object, { inputs: chunk.map((id) => ({ id })), properties, propertiesWithHistory: [] }),
        );
        for (const r of res.results) out.set(r.id, toRecord(r));
      }
      return out;
    },

    async update(object, inputs) {
      const out = new Map<string, Date | null>();
      for (const chunk of chunks(inputs, batchSize)) {
        const res = await call(`update ${object}`, () => client.crm.objects.batchApi.update(object, { inputs: chunk }));
        for (const r of res.results) out.set(r.id, r.updatedAt ? new Date(r.updatedAt) : null);
      }
      return out;
    },

    async associate(from, to, pairs) {
      for (const chunk of chunks(pairs, batchSize)) {
        await call(`associate ${from}->${to}`, () =>
          client.crm.associations.v4.batchApi.createDefault(from, to, { inputs: chunk.map(([a, b]) => ({ _from: { id: a }, to: { id: b } })) }),
        );
      }
    },

    async associatePrimary(pairs) {
      const types = [PRIMARY_CONTACT_TO_COMPANY, UNLABELLED_CONTACT_TO_COMPANY].map((associationTypeId) => ({
        associationCategory: 'HUBSPOT_DEFINED',
        associationTypeId,
      }));
      for (const chunk of chunks(pairs, batchSize)) {
        await call('associate contacts->companies (primary)', () =>
          client.crm.associations.v4.batchApi.create('contacts', 'companies', {
            inputs: chunk.map(([a, b]) => ({ _from: { id: a }, to: { id: b }, types })),
          } as never),
        );
      }
    },

    async unassociate(from, to, pairs) {
      for (const chunk of chunks(pairs, batchSize)) {
        await call(`unassociate ${from}->${to}`, () =>
          client.crm.associations.v4.batchApi.archive(from, to, { inputs: chunk.map(([a, b]) => ({ _from: { id: a }, to: [{ id: b }] })) }),
        );
      }
    },

    async archive(object, ids) {
      for (const chunk of chunks(ids, batchSize)) {
        await call(`archive ${object}`, () => client.crm.objects.batchApi.archive(object, { inputs: chunk.map((id) => ({ id })) }));
      }
    },

    async propertyDefs(object) {
      const res = await call(`list ${object} properties`, () => client.crm.properties.coreApi.getAll(object));
      return res.results.map((p) => ({ name: p.name, type: p.type, readOnly: Boolean(p.modificationMetadata?.readOnlyValue) }));
    },

    async associationsOf(from, to, ids) {
      const out = new Map<string, Array<{ id: string; typeIds: number[] }>>();
      for (const chunk of chunks([...new Set(ids)], batchSize)) {
        const res = await call(`read ${from}->${to} associations`, () =>
          client.crm.associations.v4.batchApi.getPage(from, to, { inputs: chunk.map((id) => ({ id })) }),
        );
        for (const r of res.results) {
          out.set(
            String(r._from.id),
            r.to.map((t) => ({ id: String(t.toObjectId), typeIds: t.associationTypes.map((a) => a.typeId) })),
          );
        }
      }
      return out;
    },

    async searchUnlinked(object, groups, sageIds, properties) {
      const out = new Map<string, HubSpotRecord>();
      const all = [...groups.map((g) => ({ ...g, unlinked: true })), { property: 'sage_id', values: sageIds, unlinked: false }];
      const rounds = Math.max(0, ...all.map((g) => Math.ceil(g.values.length / batchSize)));
      for (let r = 0; r < rounds; r++) {
        const filterGroups = all
          .map((g) => ({ g, values: g.values.slice(r * batchSize, (r + 1) * batchSize) }))
          .filter((x) => x.values.length)
          .map(({ g, values }) => ({
            filters: [{ propertyName: g.property, operator: 'IN', values }, ...(g.unlinked ? [{ propertyName: 'sage_id', operator: 'NOT_HAS_PROPERTY' }] : [])],
          }));
        let after: string | undefined;
        for (let page = 0; page < 10; page++) {
          const res = await call(`search ${object} candidates`, () =>
            client.crm.objects.searchApi.doSearch(object, { filterGroups, properties, limit: 200, ...(after ? { after } : {}) } as never),
          );
          for (const o of res.results) out.set(o.id, toRecord(o));
          after = res.paging?.next?.after;
          if (!after) break;
        }
      }
      return [...out.values()];
    },

    async modifiedSince(object, sinceMs, after, properties) {
      const res = await call(`search ${object}`, () =>
        client.crm.objects.searchApi.doSearch(object, {
          filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(sinceMs) }] }],
          sorts: ['hs_lastmodifieddate'],
          properties,
          limit: 100,
          ...(after ? { after } : {}),
        }),
      );
      return { results: res.results.map(toRecord), after: res.paging?.next?.after ?? null };
    },
  };
}
