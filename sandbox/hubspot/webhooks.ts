/**
 * Webhooks as HubSpot sends them: batches of up to 100 events POSTed as a JSON array, signed with
 * v3 (`X-HubSpot-Signature-v3`, `X-HubSpot-Request-Timestamp`), retried on failure.
 */
import { signHubSpotV3 } from '../../activities/sync/hubspot-signature.js';
import { OBJECT_TYPE_IDS, SINGULAR } from './schema.js';
import type { ChangeSource, HsChange } from './store.js';

export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  sourceId?: string;
}

export interface WebhookOptions {
  /** Where events go; none means events are recorded in `log` but not sent. */
  url?: string;
  /** The app's client secret (signs v3). */
  secret: string;
  appId?: number;
  /** Which change sources emit events; default all (HubSpot notifies an app of its own writes too). */
  sources?: ChangeSource[];
  /** Which properties emit propertyChange events; default every property but HubSpot's own stamps. */
  propertyFilter?: (objectType: string, propertyName: string) => boolean;
  /** Events arriving within this many ms go out in one request (max 100 per request). Default 20. */
  batchDelayMs?: number;
  /** Attempts per request before giving up. Default 3. */
  maxAttempts?: number;
  retryDelayMs?: number;
}

export interface WebhookDelivery {
  url: string;
  status: number;
  attempt: number;
  events: HubSpotWebhookEvent[];
  error?: string;
}

export interface SendOptions {
  url?: string;
  secret?: string;
  method?: string;
  /** Unix ms put in X-HubSpot-Request-Timestamp (and signed); default now. */
  timestamp?: number;
  /** Replaces the computed signature (to send a bad one). */
  signature?: string;
  /** Raw body to send instead of the JSON of `events`. */
  rawBody?: string;
}

const SYSTEM_PROPS = new Set(['hs_lastmodifieddate', 'lastmodifieddate', 'hs_object_id', 'createdate', 'hs_createdate']);

export class WebhookEmitter {
  private eventSeq = 1;
  private readonly subscriptions = new Map<string, number>();
  private queue: HubSpotWebhookEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Every event emitted from a change, sent or not. */
  readonly log: HubSpotWebhookEvent[] = [];
  /** Every HTTP attempt. */
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private options: WebhookOptions,
    private readonly portalId: number,
    private readonly now: () => number,
  ) {}

  configure(patch: Partial<WebhookOptions>): void {
    this.options = { ...this.options, ...patch };
  }

  get url(): string | undefined {
    return this.options.url;
  }

  private subscriptionId(type: string): number {
    let id = this.subscriptions.get(type);
    if (id === undefined) this.subscriptions.set(type, (id = 100_000 + this.subscriptions.size + 1));
    return id;
  }

  /** Builds events from store changes and queues them for delivery. */
  onChanges(changes: HsChange[]): void {
    const sources = this.options.sources;
    for (const c of changes) {
      if (sources && !sources.includes(c.source)) continue;
      if (c.kind === 'associationChange') continue;
      if (c.kind === 'propertyChange') {
        if (SYSTEM_PROPS.has(c.propertyName!)) continue;
        if (this.options.propertyFilter && !this.options.propertyFilter(c.type, c.propertyName!)) continue;
      }
      const generic = c.type === 'invoices';
      const subscriptionType = `${generic ? 'object' : SINGULAR[c.type]}.${c.kind}`;
      const e: HubSpotWebhookEvent = {
        eventId: this.eventSeq++,
        subscriptionId: this.subscriptionId(subscriptionType),
        portalId: this.portalId,
        appId: this.options.appId ?? 1_160_452,
        occurredAt: c.occurredAt,
        subscriptionType,
        attemptNumber: 0,
        objectId: Number(c.objectId),
        changeSource: c.source,
        ...(c.source === 'INTEGRATION' ? { sourceId: String(this.options.appId ?? 1_160_452) } : { sourceId: 'userId:7001' }),
        ...(generic ? { objectTypeId: OBJECT_TYPE_IDS[c.type] } : {}),
        ...(c.kind === 'propertyChange' ? { propertyName: c.propertyName!, propertyValue: c.propertyValue ?? '' } : {}),
      };
      this.log.push(e);
      if (this.options.url) this.queue.push(e);
    }
    if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => this.drain(), this.options.batchDelayMs ?? 20);
    }
  }

  private drain(): void {
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 100);
      const p = this.deliver(batch).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(events: HubSpotWebhookEvent[]): Promise<void> {
    const max = this.options.maxAttempts ?? 3;
    for (let attempt = 0; attempt < max; attempt++) {
      const batch = events.map((e) => ({ ...e, attemptNumber: attempt }));
      const url = this.options.url!;
      try {
        const r = await this.send(batch, { url });
        this.deliveries.push({ url, status: r.status, attempt, events: batch });
        if (r.status >= 200 && r.status < 300) return;
      } catch (err) {
        this.deliveries.push({ url, status: 0, attempt, events: batch, error: (err as Error).message });
      }
      await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 200) * (attempt + 1)));
    }
  }

  /** Sends one signed request now, as HubSpot would; returns the receiver's answer. */
  async send(events: unknown[], opts: SendOptions = {}): Promise<{ status: number; body: string }> {
    const url = opts.url ?? this.options.url;
    if (!url) throw new Error('no webhook target URL: pass opts.url or configure webhooks.url');
    const method = opts.method ?? 'POST';
    const body = opts.rawBody ?? JSON.stringify(events);
    const timestamp = opts.timestamp ?? this.now();
    const signature = opts.signature ?? signHubSpotV3(opts.secret ?? this.options.secret, method, url, body, timestamp);
    const res = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(timestamp),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Resolves when every queued event has been delivered (or given up on). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.drain();
      }
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }
}
