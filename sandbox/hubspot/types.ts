/** The HubSpot fake's public face: its options, the controls and statistics a test reads (sandbox/hubspot/index.ts serves them). */
import type { HsObjectType, PropertyDef, PropertyType } from './schema.js';
import type { WebhookEmitter, WebhookOptions } from './webhooks.js';
import type { WireObject } from './wire.js';

export interface RateLimitOptions {
  /** Requests allowed per window (HubSpot: 100 or 190 per 10 s by tier). */
  max: number;
  /** Window length in ms; default 10 000 (HubSpot's TEN_SECONDLY_ROLLING). */
  windowMs?: number;
}

export interface HubSpotFakeOptions {
  rateLimit?: RateLimitOptions;
  /** CRM search requests allowed per second (HubSpot: 5 per account); 429 SECONDLY past it. Default off. */
  searchPerSecond?: number;
  /** Requests allowed per day; answered in X-HubSpot-RateLimit-Daily(-Remaining); 429 DAILY past it. */
  dailyLimit?: number;
  /** When set, only `Authorization: Bearer <accessToken>` is accepted; otherwise any bearer token. */
  accessToken?: string;
  portalId?: number;
  /** Clock for createdate / hs_lastmodifieddate / updatedAt and webhook occurredAt. Default Date.now. */
  now?: () => number;
  webhooks?: WebhookOptions;
  /** Properties to define at start, e.g. `{ companies: [{ name: 'sage_id', type: 'string', hasUniqueValue: true }] }`. */
  properties?: Partial<Record<HsObjectType, PropertyInput[]>>;
}

export interface PropertyInput {
  name: string;
  type?: PropertyType;
  label?: string;
  fieldType?: string;
  groupName?: string;
  hasUniqueValue?: boolean;
  options?: PropertyDef['options'];
}

export interface RequestRecord {
  method: string;
  /** Path with numeric segments replaced by `{id}`, e.g. `POST /crm/v3/objects/companies/batch/upsert`. */
  route: string;
  path: string;
  status: number;
  /** Number of `inputs` in a batch body, when there was one. */
  inputs?: number;
  at: number;
}

export interface HubSpotStats {
  /** Every request received, throttled ones included. */
  requests: number;
  /** Requests answered 429. */
  throttled: number;
  /** Requests by route key (`METHOD /path/{id}`), throttled ones included. */
  byRoute: Record<string, number>;
  log: RequestRecord[];
}

export interface FailureRule {
  method?: string;
  /** Matched against the path (no query): substring or RegExp. */
  path?: string | RegExp;
  status: number;
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Apply the request first, then answer the failure (a response lost after the write). */
  afterApply?: boolean;
  body?: unknown;
}

export interface HubSpotFake {
  /** Base URL for `new Client({ accessToken, basePath: fake.url })`. */
  url: string;
  close(): Promise<void>;
  stats(): HubSpotStats;
  resetStats(): void;
  setRateLimit(limit: RateLimitOptions | undefined): void;
  /** Makes the next matching request(s) fail with `status` (HubSpot's error body). */
  failNext(rule: FailureRule): void;
  defineProperty(type: HsObjectType, def: PropertyInput): void;
  /** Live (non-archived) objects of a type, every property. */
  objects(type: HsObjectType): WireObject[];
  get(type: HsObjectType, id: string): WireObject | undefined;
  findBy(type: HsObjectType, property: string, value: string): WireObject[];
  /** Ids of `toType` objects associated with `type` `id`. */
  associations(type: HsObjectType, id: string, toType: HsObjectType): string[];
  /** Acting as a person in HubSpot's UI: bypasses the rate limit, emits webhooks with changeSource CRM_UI. */
  ui: {
    create(type: HsObjectType, properties: Record<string, unknown>): WireObject;
    update(type: HsObjectType, id: string, properties: Record<string, unknown>): WireObject;
    archive(type: HsObjectType, id: string): void;
    associate(type: HsObjectType, id: string, toType: HsObjectType, toId: string): void;
  };
  webhooks: WebhookEmitter;
}
