/**
 * The DNS port over Cloudflare's API v4 with the official `cloudflare` SDK (its own retries honour
 * 429 Retry-After). Zones are found before they are created, records are upserted by type + name,
 * creates that meet an identical record and deletes of a record already gone succeed: every call
 * can be retried. API refusals (4xx) are non-retryable `dns-refused`; 429 / 5xx / network errors
 * are retryable `dns-unavailable`.
 */
import Cloudflare, { APIError, APIConnectionError } from 'cloudflare';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import type { DnsProvider, DnsRecordInput } from '../ports.js';

type CloudflareConfig = Pick<Config, 'CLOUDFLARE_API_TOKEN' | 'CLOUDFLARE_BASE_URL' | 'CLOUDFLARE_ACCOUNT_ID'>;

export const DNS_REFUSED = 'dns-refused';
export const DNS_UNAVAILABLE = 'dns-unavailable';

export function createCloudflareClient(config: CloudflareConfig, opts: { maxRetries?: number } = {}): Cloudflare {
  return new Cloudflare({
    apiToken: config.CLOUDFLARE_API_TOKEN,
    baseURL: config.CLOUDFLARE_BASE_URL,
    maxRetries: opts.maxRetries ?? 2,
    timeout: 30_000,
  });
}

function cfCodes(err: APIError): number[] {
  return (err.errors ?? []).map((e) => Number((e as { code?: number }).code));
}

/** Maps SDK errors to Temporal failures (anything else passes through as retryable). */
export function mapCloudflareError(what: string, err: unknown): Error {
  if (err instanceof APIError && typeof err.status === 'number') {
    const msg = `Cloudflare ${what}: ${err.message}`;
    if (err.status === 429 || err.status >= 500) return ApplicationFailure.retryable(msg, DNS_UNAVAILABLE);
    return ApplicationFailure.nonRetryable(msg, DNS_REFUSED, { status: err.status, codes: cfCodes(err) });
  }
  if (err instanceof APIConnectionError) return ApplicationFailure.retryable(`Cloudflare ${what}: ${err.message}`, DNS_UNAVAILABLE);
  return err as Error;
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
const fqdn = (s: string) => s.toLowerCase().replace(/\.$/, '');

interface RecordLike {
  id: string;
  type: string;
  name: string;
  content?: string;
  ttl?: number;
  proxied?: boolean;
}

function toInput(r: RecordLike): DnsRecordInput & { id: string } {
  return {
    id: r.id,
    type: r.type as DnsRecordInput['type'],
    name: r.name,
    content: r.type === 'TXT' ? unquote(r.content ?? '') : (r.content ?? ''),
    ...(r.ttl !== undefined ? { ttl: r.ttl } : {}),
    ...(r.proxied !== undefined ? { proxied: r.proxied } : {}),
  };
}

export function createCloudflareDns(config: CloudflareConfig, client: Cloudflare = createCloudflareClient(config)): DnsProvider {
  async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapCloudflareError(what, err);
    }
  }

  const body = (zoneId: string, r: DnsRecordInput) =>
    ({
      zone_id: zoneId,
      type: r.type,
      name: fqdn(r.name),
      content: r.content,
      ttl: r.ttl ?? 1,
      ...(r.type === 'TXT' ? {} : { proxied: r.proxied ?? false }),
    }) as unknown as Cloudflare.DNS.RecordCreateParams;

  async function findZone(domain: string) {
    const list = await client.zones.list({
      name: domain,
      ...(config.CLOUDFLARE_ACCOUNT_ID ? { account: { id: config.CLOUDFLARE_ACCOUNT_ID } } : {}),
    });
    return list.result.find((z) => z.name === domain);
  }

  async function list(zoneId: string, filter: { type?: DnsRecordInput['type']; name?: string } = {}) {
    const out: Array<DnsRecordInput & { id: string }> = [];
    const pages = client.dns.records.list({
      zone_id: zoneId,
      per_page: 100,
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.name ? { name: { exact: fqdn(filter.name) } } : {}),
    });
    for await (const r of pages) out.push(toInput(r));
    return out;
  }

  const sameRecord = (a: DnsRecordInput, b: DnsRecordInput) =>
    a.content === b.content && (a.ttl ?? 1) === (b.ttl ?? 1) && (a.type === 'TXT' || (a.proxied ?? false) === (b.proxied ?? false));

  return {
    ensureZone: (domain) =>
      guard(`ensureZone ${domain}`, async () => {
        const name = fqdn(domain);
        let zone = await findZone(name);
        if (!zone) {
          try {
            zone = await client.zones.create({
              name,
              type: 'full',
              account: { ...(config.CLOUDFLARE_ACCOUNT_ID ? { id: config.CLOUDFLARE_ACCOUNT_ID } : {}) },
            });
          } catch (err) {
            // 1061: created meanwhile (a concurrent or retried call): take the existing one
            if (!(err instanceof APIError && cfCodes(err).includes(1061))) throw err;
            zone = await findZone(name);
            if (!zone) throw err;
          }
        }
        return { zoneId: zone.id, nameservers: zone.name_servers ?? [] };
      }),

    upsertRecord: (zoneId, record) =>
      guard(`upsert ${record.type} ${record.name}`, async () => {
        const existing = await list(zoneId, { type: record.type, name: record.name });
        const [first, ...extra] = existing;
        if (!first) return { id: (await client.dns.records.create(body(zoneId, record))).id };
        if (!sameRecord(first, record)) {
          await client.dns.records.update(first.id, body(zoneId, record));
        }
        for (const r of extra) await client.dns.records.delete(r.id, { zone_id: zoneId });
        return { id: first.id };
      }),

    createRecord: (zoneId, record) =>
      guard(`create ${record.type} ${record.name}`, async () => {
        try {
          return { id: (await client.dns.records.create(body(zoneId, record))).id };
        } catch (err) {
          // 81058: an identical record already exists (a retried call): it is ours
          if (!(err instanceof APIError && cfCodes(err).includes(81058))) throw err;
          const same = (await list(zoneId, { type: record.type, name: record.name })).find((r) => r.content === record.content);
          if (!same) throw err;
          return { id: same.id };
        }
      }),

    deleteRecord: (zoneId, recordId) =>
      guard(`delete record ${recordId}`, async () => {
        try {
          await client.dns.records.delete(recordId, { zone_id: zoneId });
        } catch (err) {
          if (err instanceof APIError && err.status === 404) return; // already gone
          throw err;
        }
      }),

    listRecords: (zoneId, filter) => guard(`list records`, () => list(zoneId, filter)),
  };
}
