/**
 * Builds the concierge ports from configuration: the same code talks to the real providers
 * (Namecheap, Cloudflare, Let's Encrypt, Stripe, whois/RDAP, our web server) or, with the URLs
 * pointed at them, to the local peers of the tests, demo and benchmark.
 */
import type { Config } from '../../core/config.js';
import type { Db } from '../../db/client.js';
import { createAcmeAuthority, acmeOptions } from './adapters/acme.js';
import { availabilityEndpoints, createAvailabilityLookup } from './adapters/availability.js';
import { createCloudflareDns } from './adapters/cloudflare-dns.js';
import { createNamecheapRegistrar } from './adapters/namecheap.js';
import { createStripePayments } from './adapters/stripe-payments.js';
import { createWebrootHost, webrootHostOptions } from './adapters/webroot-host.js';
import type { ConciergePorts } from './ports-set.js';

/** `db` holds the ACME account and order state (shared by every worker host). */
export function conciergePortsFromConfig(config: Config, db: Db): ConciergePorts {
  return {
    availability: createAvailabilityLookup(availabilityEndpoints(config)),
    registrar: createNamecheapRegistrar(config),
    dns: createCloudflareDns(config),
    ca: createAcmeAuthority(acmeOptions(config), db),
    host: createWebrootHost(webrootHostOptions(config)),
    payments: createStripePayments(config),
  };
}
