/**
 * What `npm start` runs for the families whose provider credentials are absent (core/config.ts
 * `providerModes`): the concierge sandbox (stripe-mock, Pebble + challtestsrv, the Namecheap,
 * Cloudflare, whois and RDAP stand-ins, the loopback HTTPS server), the sync sandbox (HubSpot and
 * Sage stand-ins seeded with demo data) and the demo agency sites for watches and audits. Returns
 * the variables that point the worker and API at them, and the banner lines that say so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderModes } from '../core/config.js';
import type { Db } from '../db/client.js';
import { forgetAcmeAccount } from '../db/queries/concierge-acme.js';
import { forgetSyncCounterparts } from '../db/queries/sync.js';
import { storeSageRefreshToken } from '../activities/sync/sage/token-store.js';
import { startAgencySites, AGENCY_SITES_CIDR, type AgencySites } from './agency-sites.js';
import { findGoPeers } from './concierge/go-peers.js';
import { SANDBOX_STRIPE_WEBHOOK_SECRET, startConciergePeers, type ConciergePeers } from './concierge/index.js';
import { startSyncSandbox, type SyncSandbox } from './sync.js';
import { startSandboxCheckout, type SandboxCheckout } from './pay.js';

export interface Sandboxes {
  /** Variables to merge into the worker's and API's environment (never over ones the operator set). */
  env: Record<string, string>;
  /** One line per family for the banner. */
  banner: string[];
  concierge: ConciergePeers | null;
  sync: SyncSandbox | null;
  sites: AgencySites;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  modes: ProviderModes;
  /** The data folder; the concierge sandbox keeps its sites and certificates under sandbox/concierge. */
  dataDir: string;
  /** Where the HubSpot stand-in delivers its signed webhooks. */
  apiUrl: string;
  /** The environment the launcher was given (to find stripe-mock / Pebble, and to see what is set). */
  env: NodeJS.ProcessEnv;
  log(msg: string): void;
}

export async function startSandboxes(opts: SandboxOptions): Promise<Sandboxes> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  const env: Record<string, string> = {};
  const banner: string[] = [];
  let concierge: ConciergePeers | null = null;
  let sync: SyncSandbox | null = null;
  try {
    const sites = await startAgencySites();
    stops.push(() => sites.stop());
    mkdirSync(join(opts.dataDir, 'sandbox'), { recursive: true });
    writeFileSync(join(opts.dataDir, 'sandbox', 'sites.json'), `${JSON.stringify(sites.sites)}\n`);
    const allow = (opts.env.OUTBOUND_ALLOWLIST ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    env.OUTBOUND_ALLOWLIST = [...allow, AGENCY_SITES_CIDR].join(',');
    banner.push(`watches: demo agency sites ${sites.sites.map((s) => s.url).join(' and ')} (reachable: OUTBOUND_ALLOWLIST += ${AGENCY_SITES_CIDR})`);

    if (opts.modes.concierge === 'sandbox') {
      const tools = findGoPeers(opts.env);
      const missing = (['stripeMock', 'pebble', 'challtestsrv'] as const).filter((k) => !tools[k]);
      if (missing.length) {
        banner.push(
          `concierge: sandbox UNAVAILABLE — ${missing.join(', ')} not installed (npm run provision builds them with Go); orders will not get past the availability check`,
        );
      } else {
        const dir = join(opts.dataDir, 'sandbox', 'concierge');
        concierge = await startConciergePeers({ dir }).catch((err: unknown) => {
          // e.g. the whois stand-in needs port 43 (root or CAP_NET_BIND_SERVICE): the rest still starts
          banner.push(`concierge: sandbox UNAVAILABLE — ${(err as Error).message.split('\n')[0]}`);
          return null;
        });
      }
      if (concierge) {
        const peers = concierge;
        stops.push(() => peers.stop());
        Object.assign(env, concierge.env, {
          // a sandbox domain is not on the internet: nothing to monitor once live
          CONCIERGE_START_MONITOR: 'false',
        });
        banner.push(
          `concierge: sandbox — no real domain is bought, no card is charged (sites on https://127.0.0.1:${concierge.sites.port}, CA ${concierge.env.CONCIERGE_LIVE_CHECK_CA_PATH}; pay an order with npm run sandbox:pay -- <orderId>)`,
        );
      }
    } else {
      banner.push('concierge: real providers (Stripe, Namecheap, Cloudflare, Let’s Encrypt)');
    }

    if (opts.modes.sync === 'sandbox') {
      sync = await startSyncSandbox({ webhookUrl: `${opts.apiUrl}/v1/webhooks/hubspot` });
      const started = sync;
      stops.push(() => started.stop());
      Object.assign(env, sync.env);
      const s = sync.seeded;
      banner.push(
        `sync: sandbox HubSpot + Sage, seeded with demo data (${s.customers} customers, ${s.quotes} quotes, ${s.invoices} invoices in Sage; edit as a person in HubSpot: PATCH ${sync.ui.url}/companies/<id>)`,
      );
      writeFileSync(join(opts.dataDir, 'sandbox', 'hubspot-ui.json'), `${JSON.stringify({ url: sync.ui.url })}\n`);
    } else {
      banner.push('sync: real HubSpot + Sage');
    }
    return { env, banner, concierge, sync, sites, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The sandboxes start fresh (their state is in memory), so what the platform remembers of a previous
 * sandbox is forgotten: HubSpot ids and cursors of the sync, the Sage refresh token, the ACME
 * account of the previous Pebble. Only called for families running against their sandbox.
 */
export async function forgetPreviousSandbox(db: Db, s: Sandboxes): Promise<void> {
  if (s.sync) {
    await forgetSyncCounterparts(db);
    await storeSageRefreshToken(db, s.sync.sage.businessId, s.sync.sage.currentRefreshToken());
  }
  if (s.concierge) await forgetAcmeAccount(db, s.concierge.acme.pebble.directoryUrl);
}

/** The sandbox checkout (sandbox/pay.ts), its URL written where `npm run sandbox:pay` finds it. */
export async function startCheckoutFor(s: Sandboxes, opts: { db: Db; apiUrl: string; dataDir: string }): Promise<SandboxCheckout | null> {
  if (!s.concierge) return null;
  const checkout = await startSandboxCheckout({ db: opts.db, apiUrl: opts.apiUrl, webhookSecret: SANDBOX_STRIPE_WEBHOOK_SECRET });
  writeFileSync(join(opts.dataDir, 'sandbox', 'concierge', 'stripe.json'), `${JSON.stringify({ checkoutUrl: checkout.url })}\n`);
  return checkout;
}
