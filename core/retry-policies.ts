/**
 * Activity retry policies bounded by time, not by a handful of attempts: a step that fails only
 * because PostgreSQL, SMTP or a provider is down keeps retrying, at most `maximumInterval` apart,
 * until the dependency is back or its schedule-to-close window is spent. An outage of several
 * minutes delays work and loses none. Pure constants: imported by workflow code.
 */

/** How long a step that depends on PostgreSQL, SMTP or a provider rides out its outage. */
export const OUTAGE_WINDOW = '30 minutes';

/** Quick first retries, then one every 10 s: work resumes within 10 s of the dependency's return. */
export const UNTIL_RECOVERED = { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' } as const;

/** For calls to third parties (providers, crawled sites, receivers): politer, still quick to recover. */
export const UNTIL_RECOVERED_POLITE = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;

/** A short step (PostgreSQL, SMTP, an outbox row) that must survive an outage. */
export const OUTAGE_PROOF = { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: OUTAGE_WINDOW, retry: UNTIL_RECOVERED } as const;
