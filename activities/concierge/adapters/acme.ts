/**
 * The certificate authority port over ACME with `acme-client`: one order for all the names,
 * DNS-01 answered with TXT records created through the DnsProvider (removed afterwards, whatever
 * happens), an ECDSA P-256 key and CSR, the certificate downloaded with its chain.
 *
 * - State lives in PostgreSQL (db/queries/concierge-acme.ts), not on a worker's disk: the account key per
 *   directory URL, and each order's URL and certificate key as soon as the CA answers, so a retry
 *   on any worker host resumes the same order (pending: the challenges again; ready: finalize;
 *   processing or valid: download) instead of ordering a second certificate. The issued chain is
 *   kept too: `issue` returns it while it has more than ACME_RENEW_BEFORE_DAYS left; closer to
 *   expiry it orders a new one (renewal). Private keys stay out of logs and workflow history.
 * - ACME_DNS_RESOLVERS (ip:port list): before asking the CA to validate, wait until those servers
 *   answer the TXT values (tests: challtestsrv). Unset, acme-client's own check runs (system
 *   resolver, then the zone's authoritative servers).
 * - ACME_CA_CERT_PATH: an extra CA the ACME server's TLS chains to (Pebble). acme-client's HTTP
 *   client is one per process, so this trust is process-wide (system roots + that CA).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { promises as dnsPromises } from 'node:dns';
import { rootCertificates } from 'node:tls';
import * as acme from 'acme-client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../../core/config.js';
import { withTimeout } from '../../../core/timeout.js';
import type { DbOrTx } from '../../../db/client.js';
import type { CertificateAuthority, IssuedCertificate } from '../ports.js';
import { createAcmeState, type AcmeOrderRow } from '../../../db/queries/concierge-acme.js';

export const ACME_REFUSED = 'acme-refused';
export const ACME_FAILED = 'acme-failed';

export interface AcmeOptions {
  directoryUrl: string;
  /** PEM of an extra CA to trust for the ACME server's own TLS. */
  caPem?: string;
  /** ip:port servers to pre-check the TXT records against. */
  dnsResolvers?: string[];
  renewBeforeDays: number;
  /** How long the TXT records may take to appear (default 120 s). */
  propagationTimeoutMs?: number;
  /** First poll interval for order / authorization status (default 2 s; acme-client backs off). */
  pollMinMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export function acmeOptions(config: Pick<Config, 'ACME_DIRECTORY_URL' | 'ACME_CA_CERT_PATH' | 'ACME_DNS_RESOLVERS' | 'ACME_RENEW_BEFORE_DAYS'>): AcmeOptions {
  return {
    directoryUrl: config.ACME_DIRECTORY_URL,
    ...(config.ACME_CA_CERT_PATH ? { caPem: readFileSync(config.ACME_CA_CERT_PATH, 'utf8') } : {}),
    ...(config.ACME_DNS_RESOLVERS.length ? { dnsResolvers: config.ACME_DNS_RESOLVERS } : {}),
    renewBeforeDays: config.ACME_RENEW_BEFORE_DAYS,
  };
}

/** notAfter of the first (leaf) certificate of a PEM chain, as an ISO date. */
export function leafNotAfter(chainPem: string): string {
  const first = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  if (!first) throw new Error('no certificate in PEM');
  return new Date(new X509Certificate(first).validTo).toISOString();
}

const REFUSAL = /rejectedIdentifier|forbidden by policy|\bmalformed\b|\bCAA\b|unsupportedIdentifier|invalid identifier/i;

async function waitForTxt(servers: string[], expected: Array<{ name: string; value: string }>, timeoutMs: number): Promise<void> {
  const resolver = new dnsPromises.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers(servers);
  const deadline = Date.now() + timeoutMs;
  for (const { name, value } of expected) {
    for (;;) {
      const values = await resolver.resolveTxt(name).then(
        (rows) => rows.map((r) => r.join('')),
        () => [] as string[],
      );
      if (values.includes(value)) break;
      if (Date.now() > deadline) throw ApplicationFailure.retryable(`TXT ${name} did not appear on ${servers.join(',')} in time`, ACME_FAILED);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export function createAcmeAuthority(opts: AcmeOptions, db: DbOrTx): CertificateAuthority {
  const state = createAcmeState(db);
  const log = opts.log ?? (() => {});
  if (opts.caPem) {
    acme.axios.defaults.httpsAgent = new HttpsAgent({ ca: [...rootCertificates, opts.caPem], keepAlive: true });
  }
  const newKey = async () => (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();

  return {
    async issue({ domains, zoneId, dns, accountEmail }): Promise<IssuedCertificate> {
      const names = [...new Set(domains.map((d) => d.toLowerCase()))];
      if (names.length === 0) throw ApplicationFailure.nonRetryable('no names to certify', ACME_REFUSED);

      const latest = await state.latestOrder(opts.directoryUrl, names);
      if (latest?.certificate && !needsRenewal(latest.certificate.notAfter, opts.renewBeforeDays)) {
        log('reusing the certificate already issued', { names, notAfter: latest.certificate.notAfter });
        return latest.certificate;
      }

      const client = new acme.Client({
        directoryUrl: opts.directoryUrl,
        accountKey: await state.accountKey(opts.directoryUrl, newKey),
        backoffMin: opts.pollMinMs ?? 2000,
        backoffMax: 30_000,
        backoffAttempts: 12,
      });
      const created: Array<{ id: string }> = [];
      // an order left pending by an earlier attempt (on any host) is resumed, not ordered again
      let row: AcmeOrderRow | null = latest?.status === 'pending' ? latest : null;
      let order: acme.Order | null = null;
      try {
        await client.createAccount({ termsOfServiceAgreed: true, contact: [`mailto:${accountEmail}`] });
        if (row?.orderUrl) {
          order = await client.getOrder({ url: row.orderUrl } as acme.Order).catch(() => null);
          if (order === null || order.status === 'invalid') {
            log('the earlier order is gone or invalid: ordering again', { names });
            await state.orderFailed(row.id);
            row = null;
            order = null;
          } else {
            log('resuming the earlier order', { names, status: order.status });
          }
        }
        row ??= await state.newOrder(opts.directoryUrl, names, await newKey());
        if (order === null) {
          order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
          await state.setOrderUrl(row.id, order.url);
        }
        if (order.status === 'pending') await answerChallenges(client, order, { zoneId, dns, created, opts });
        if (order.status === 'pending' || order.status === 'ready') {
          const [, csr] = await acme.crypto.createCsr({ commonName: names[0]!, altNames: names }, row.keyPem);
          order = await client.finalizeOrder(order, csr);
        }
        const certPem = await client.getCertificate(order);
        const notAfter = leafNotAfter(certPem);
        await state.saveCertificate(row.id, certPem, notAfter);
        log('certificate issued', { names, notAfter });
        return { certPem, keyPem: row.keyPem, notAfter };
      } catch (err) {
        // an order the CA has given up on is not resumed by the next attempt
        if (row && order) {
          const status = await client.getOrder(order).then(
            (o) => o.status,
            () => null,
          );
          if (status === 'invalid') await state.orderFailed(row.id);
        }
        if (err instanceof ApplicationFailure) throw err;
        const msg = (err as Error).message;
        if (REFUSAL.test(msg)) {
          if (row) await state.orderFailed(row.id);
          throw ApplicationFailure.nonRetryable(`ACME refused ${names.join(', ')}: ${msg}`, ACME_REFUSED);
        }
        throw ApplicationFailure.retryable(`ACME issuance for ${names.join(', ')} failed: ${msg}`, ACME_FAILED);
      } finally {
        for (const r of created) {
          await dns.deleteRecord(zoneId, r.id).catch((err: Error) => log('could not remove a challenge TXT record', { id: r.id, error: err.message }));
        }
      }
    },
  };
}

/** DNS-01 for every authorization of the order still pending: TXT records, propagation, then validation. */
async function answerChallenges(
  client: acme.Client,
  order: acme.Order,
  ctx: { zoneId: string; dns: Parameters<CertificateAuthority['issue']>[0]['dns']; created: Array<{ id: string }>; opts: AcmeOptions },
): Promise<void> {
  const { zoneId, dns, created, opts } = ctx;
  const authzs = await client.getAuthorizations(order);
  const pending: Array<{ authz: acme.Authorization; challenge: acme.Authorization['challenges'][number]; name: string; value: string }> = [];
  for (const authz of authzs) {
    if (authz.status === 'valid') continue;
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) throw ApplicationFailure.nonRetryable(`the CA offers no dns-01 challenge for ${authz.identifier.value}`, ACME_REFUSED);
    const value = await client.getChallengeKeyAuthorization(challenge);
    const name = `_acme-challenge.${authz.identifier.value.replace(/^\*\./, '')}`;
    created.push(await dns.createRecord(zoneId, { type: 'TXT', name, content: value, ttl: 60 }));
    pending.push({ authz, challenge, name, value });
  }
  if (opts.dnsResolvers?.length) {
    await waitForTxt(opts.dnsResolvers, pending, opts.propagationTimeoutMs ?? 120_000);
  } else {
    // acme-client's check (system resolver, then the zone's authoritative servers), until the
    // records have propagated or the time is up
    const deadline = Date.now() + (opts.propagationTimeoutMs ?? 120_000);
    for (const p of pending) {
      for (;;) {
        // one attempt may hang on unreachable authoritative servers: bound it by what time is left
        const left = Math.max(1000, deadline - Date.now());
        const attempt = withTimeout(client.verifyChallenge(p.authz, p.challenge), left).then((w) => {
          if (!w.done) throw new Error('DNS check timed out');
        });
        const ok = await attempt.then(
          () => true,
          (err: Error) => {
            if (Date.now() > deadline) throw ApplicationFailure.retryable(`TXT ${p.name} did not propagate in time: ${err.message}`, ACME_FAILED);
            return false;
          },
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }
  // a challenge an earlier attempt already answered is only waited for
  for (const p of pending) if (p.challenge.status === 'pending') await client.completeChallenge(p.challenge);
  for (const p of pending) await client.waitForValidStatus(p.authz);
}

/** For a test or a renewal job: whether a stored certificate still has enough time left. */
export function needsRenewal(notAfter: string, renewBeforeDays: number, now = Date.now()): boolean {
  return Date.parse(notAfter) - now <= renewBeforeDays * 86_400_000;
}
