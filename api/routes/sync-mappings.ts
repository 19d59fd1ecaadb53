/**
 * Field mappings through the API: `GET /v1/sync/mappings` (the version in force per entity and its
 * fields), `PUT /v1/sync/mappings` (a new version of one entity's fields, validated against
 * HubSpot's property definitions and the Sage fields the adapter reads; `?dryRun=true` answers
 * what the change would write to HubSpot for a few sample records and saves nothing). A saved
 * version applies from the next sync activity, and re-syncs every record of the entity once.
 */
import { SYNC_ENTITIES, type HubSpotObject, type SyncEntity } from '../../core/contracts/sync.js';
import { createRoute, z } from '@hono/zod-openapi';
import { HubSpotError } from '../../activities/sync/hubspot-errors.js';
import { createHubSpotGateway } from '../../activities/sync/hubspot-gateway.js';
import { interventionsSource } from '../../activities/sync/interventions-source.js';
import { previewChange, validateFields, type PropertyDef } from '../../activities/sync/mapping/catalog.js';
import { currentMappings, saveMapping } from '../../activities/sync/mapping/store.js';
import type { FieldMapping } from '../../activities/sync/mapping/types.js';
import { pgRateLimiter } from '../../activities/sync/rate-limit.js';
import { createSageBusinessCloud } from '../../activities/sync/sage/business-cloud.js';
import type { SourceRecord } from '../../activities/sync/source.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { ProblemError, problemResponses } from '../problem.js';
import { int4, safeText } from '../schemas/common.js';

const Entity = z.enum(SYNC_ENTITIES as [SyncEntity, ...SyncEntity[]]);
const Objects = z.enum(['companies', 'contacts', 'deals', 'invoices', 'tickets']);
const Field = z.object({
  field: safeText(100, { min: 1 }).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _'),
  sage: safeText(200, { min: 1 }),
  object: Objects.optional(),
  hubspot: safeText(100, { min: 1 }).regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot property name'),
  transform: safeText(50, { min: 1 }),
  owner: z.enum(['sage', 'hubspot']),
  direction: z.enum(['both', 'to_hubspot', 'to_sage']),
  conflict: z.enum(['owner', 'newest', 'hold']),
});
const Mapping = z
  .object({ entity: Entity, version: z.number(), source: z.enum(['built-in', 'api']), primary: Objects, secondary: Objects.nullable(), fields: z.array(Field) })
  .openapi('SyncMapping');
const PutMapping = z.object({ entity: Entity, expectedVersion: int4(1), fields: z.array(Field).min(1).max(100) }).openapi('SyncMappingChange');
const Change = z.object({ object: z.string(), property: z.string(), before: z.string().nullable(), after: z.string().nullable() });
const PutResult = z
  .object({
    entity: Entity,
    applied: z.boolean(),
    version: z.number(),
    /** The dry run's sample: per Sage record, what it would write to HubSpot before and after the change. */
    preview: z.array(z.object({ sageId: z.string(), changes: z.array(Change) })).optional(),
  })
  .openapi('SyncMappingResult');

const getMappings = createRoute({
  method: 'get',
  path: '/sync/mappings',
  tags: ['sync'],
  summary: 'Field mappings in force, per entity, with their version',
  security: SECURITY,
  responses: {
    200: { description: 'Mappings', content: { 'application/json': { schema: z.object({ mappings: z.array(Mapping) }) } } },
    ...problemResponses(401, 503),
  },
});
const putMapping = createRoute({
  method: 'put',
  path: '/sync/mappings',
  tags: ['sync'],
  summary: 'A new version of one entity’s field mappings (validated; ?dryRun=true previews it on sample records)',
  security: SECURITY,
  request: {
    query: z.object({ dryRun: z.enum(['true', 'false']).default('false') }),
    body: { required: true, content: { 'application/json': { schema: PutMapping } } },
  },
  responses: {
    200: { description: 'Saved, or previewed', content: { 'application/json': { schema: PutResult } } },
    ...problemResponses(400, 401, 409, 422, 503),
  },
});

const SAMPLE = 5;

export function syncMappingRoutes({ config, db }: ApiDeps) {
  const hubspot = () => {
    if (!config.HUBSPOT_ACCESS_TOKEN)
      throw new ProblemError(503, 'not-configured', 'HubSpot is not configured (HUBSPOT_ACCESS_TOKEN): mappings cannot be checked against its properties.');
    const limiter = pgRateLimiter(db, { name: 'hubspot', limit: config.HUBSPOT_RATE_PER_10S, windowMs: 10_000, dailyBudget: config.HUBSPOT_DAILY_BUDGET });
    return createHubSpotGateway({ baseUrl: config.HUBSPOT_BASE_URL, accessToken: config.HUBSPOT_ACCESS_TOKEN, limiter, batchSize: config.HUBSPOT_BATCH_SIZE });
  };
  const upstream = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ProblemError) throw err;
      const detail = err instanceof HubSpotError ? err.message : (err as Error).message;
      throw new ProblemError(503, 'service-unavailable', `${what} did not answer: ${detail}`);
    }
  };
  const samples = async (entity: SyncEntity): Promise<SourceRecord[]> => {
    if (entity === 'intervention') return (await interventionsSource(db).listChanged(null, null, SAMPLE)).items;
    const sage = createSageBusinessCloud({ db, config });
    const source = entity === 'customer' ? sage.customers : entity === 'quote' ? sage.quotes : sage.invoices;
    return (await source.listChanged(null, null, SAMPLE)).items;
  };

  return newRouter()
    .openapi(getMappings, async (c) => {
      const set = await currentMappings(db);
      return c.json(
        {
          mappings: SYNC_ENTITIES.map((e) => ({
            entity: e,
            version: set[e].version,
            source: set[e].source,
            primary: set[e].primary,
            secondary: set[e].secondary ?? null,
            fields: set[e].fields,
          })),
        },
        200,
      );
    })
    .openapi(putMapping, async (c) => {
      const body = c.req.valid('json');
      const dryRun = c.req.valid('query').dryRun === 'true';
      const current = (await currentMappings(db))[body.entity];
      if (current.version !== body.expectedVersion) {
        throw new ProblemError(409, 'conflict', `The ${body.entity} mapping is at version ${current.version}, not ${body.expectedVersion}: read it again.`);
      }
      const fields = body.fields as FieldMapping[];
      // What can be checked without HubSpot first (transforms, Sage fields, duplicates, objects).
      const local = validateFields(current, fields, new Map()).filter((e) => !e.path.endsWith('.hubspot') || /twice|own key/.test(e.message));
      if (local.length) throw new ProblemError(422, 'validation-error', `The ${body.entity} mapping is not valid.`, { errors: local });
      const gateway = hubspot();
      const objects: HubSpotObject[] = [current.primary, ...(current.secondary ? [current.secondary] : [])];
      const defs = new Map<HubSpotObject, Map<string, PropertyDef>>();
      for (const o of objects) defs.set(o, new Map((await upstream('HubSpot', () => gateway.propertyDefs(o))).map((p) => [p.name, p])));
      const errors = validateFields(current, fields, defs);
      if (errors.length) throw new ProblemError(422, 'validation-error', `The ${body.entity} mapping is not valid.`, { errors });
      const proposed = { ...current, version: current.version + 1, fields };
      if (dryRun) {
        const recs = await upstream('Sage', () => samples(body.entity));
        return c.json({ entity: body.entity, applied: false, version: current.version, preview: previewChange(current, proposed, recs) }, 200);
      }
      const version = await saveMapping(db, body.entity, fields, current.version, c.get('apiKeyId') ?? 'api');
      if (version === null) throw new ProblemError(409, 'conflict', `The ${body.entity} mapping changed meanwhile: read it again.`);
      return c.json({ entity: body.entity, applied: true, version }, 200);
    });
}
