/**
 * What the ACME adapter keeps, in PostgreSQL so that a retry on any worker host reuses it: the
 * account key per directory URL (the first writer wins, so racing workers share one account), and
 * each certificate order for a set of names: its URL at the CA and the certificate key (so a retry
 * resumes the same order rather than ordering again), then the issued chain. PostgreSQL is the
 * secret store for these private keys, as it is for the Sage OAuth tokens; they never go to
 * workflow history or a log line. The ACME adapter (activities/concierge/adapters/acme.ts) holds one.
 */
import { sql } from 'kysely';
import type { Queryable } from './types.js';

export interface StoredCertificate {
  certPem: string;
  keyPem: string;
  notAfter: string;
}

export interface AcmeOrderRow {
  id: number;
  orderUrl: string | null;
  status: 'pending' | 'valid' | 'invalid';
  keyPem: string;
  certificate: StoredCertificate | null;
}

/** The names of an order as one key: lower-case, deduplicated, sorted. */
export const namesKey = (domains: string[]) => [...new Set(domains.map((d) => d.toLowerCase()))].sort().join(',');

export function createAcmeState(db: Queryable) {
  return {
    /** The account key for this directory, created once (the first writer wins). */
    async accountKey(directoryUrl: string, create: () => Promise<string>): Promise<string> {
      const existing = await db.selectFrom('concierge_acme_accounts').select('account_key_pem').where('directory_url', '=', directoryUrl).executeTakeFirst();
      if (existing) return existing.account_key_pem;
      await db
        .insertInto('concierge_acme_accounts')
        .values({ directory_url: directoryUrl, account_key_pem: await create() })
        .onConflict((oc) => oc.column('directory_url').doNothing())
        .execute();
      const row = await db.selectFrom('concierge_acme_accounts').select('account_key_pem').where('directory_url', '=', directoryUrl).executeTakeFirstOrThrow();
      return row.account_key_pem;
    },

    /** The newest order for these names, whatever its state. */
    async latestOrder(directoryUrl: string, domains: string[]): Promise<AcmeOrderRow | null> {
      const r = await db
        .selectFrom('concierge_acme_orders')
        .selectAll()
        .where('directory_url', '=', directoryUrl)
        .where('names', '=', namesKey(domains))
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!r) return null;
      const certificate = r.cert_pem && r.not_after ? { certPem: r.cert_pem, keyPem: r.cert_key_pem, notAfter: r.not_after.toISOString() } : null;
      return { id: r.id, orderUrl: r.order_url, status: r.status, keyPem: r.cert_key_pem, certificate };
    },

    /** A new order for these names with its certificate key; its URL comes once the CA answers. */
    async newOrder(directoryUrl: string, domains: string[], keyPem: string): Promise<AcmeOrderRow> {
      const r = await db
        .insertInto('concierge_acme_orders')
        .values({ directory_url: directoryUrl, names: namesKey(domains), cert_key_pem: keyPem })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: r.id, orderUrl: null, status: 'pending', keyPem, certificate: null };
    },

    async setOrderUrl(id: number, orderUrl: string): Promise<void> {
      await db
        .updateTable('concierge_acme_orders')
        .set({ order_url: orderUrl, updated_at: sql<string>`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** The CA gave up on the order (invalid, expired, gone): the next attempt starts a new one. */
    async orderFailed(id: number): Promise<void> {
      await db
        .updateTable('concierge_acme_orders')
        .set({ status: 'invalid', updated_at: sql<string>`now()` })
        .where('id', '=', id)
        .execute();
    },

    async saveCertificate(id: number, certPem: string, notAfter: string): Promise<void> {
      await db
        .updateTable('concierge_acme_orders')
        .set({ status: 'valid', cert_pem: certPem, not_after: notAfter, updated_at: sql<string>`now()` })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type AcmeState = ReturnType<typeof createAcmeState>;

/** Forgets the ACME account kept for a CA directory (a sandbox CA that starts afresh). */
export async function forgetAcmeAccount(db: Queryable, directoryUrl: string): Promise<void> {
  await db.deleteFrom('concierge_acme_accounts').where('directory_url', '=', directoryUrl).execute();
}
