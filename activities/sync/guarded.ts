/**
 * The sync activities' failure policy: errors retrying cannot fix become non-retryable failures
 * with a type the workflow can read; every failure names its cause and the entity (or HubSpot
 * object) being synced, for the run's report.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../core/config.js';
import { HubSpotError } from './hubspot-errors.js';
import { DailyBudgetExhausted } from './rate-limit.js';

/**
 * Errors retrying cannot fix become non-retryable failures with a type the workflow can read;
 * every failure names its cause and the entity (or HubSpot object) being synced, for the report.
 */
export function guardFor(config: Pick<Config, 'HUBSPOT_ACCESS_TOKEN'>) {
  return async function guarded<T>(entity: string | null, fn: () => Promise<T>): Promise<T> {
    const details = (cause: string) => [{ cause, entity }];
    try {
      if (!config.HUBSPOT_ACCESS_TOKEN) {
        throw ApplicationFailure.create({
          type: 'HubSpotNotConfigured',
          message: 'HUBSPOT_ACCESS_TOKEN is not set',
          nonRetryable: true,
          details: details('HubSpotNotConfigured'),
        });
      }
      return await fn();
    } catch (err) {
      if (err instanceof HubSpotError && (err.status === 401 || err.status === 403)) {
        const type = 'HubSpotUnauthorized';
        throw ApplicationFailure.create({ type, message: `${err.message}`, nonRetryable: true, details: details(type) });
      }
      if (err instanceof HubSpotError && (err.status === 400 || err.status === 404)) {
        const type = 'HubSpotRejected';
        throw ApplicationFailure.create({ type, message: `${err.message}`, nonRetryable: true, details: details(`${type}:${err.category ?? err.status}`) });
      }
      if (err instanceof DailyBudgetExhausted) {
        const type = 'DailyBudgetExhausted';
        throw ApplicationFailure.create({ type, message: `${err.message}`, nextRetryDelay: '1 hour', details: details(type) });
      }
      if (err instanceof ApplicationFailure) {
        if (!err.details?.length)
          throw ApplicationFailure.create({
            type: err.type ?? 'Error',
            message: `${err.message}`,
            nonRetryable: err.nonRetryable ?? false,
            details: details(err.type ?? 'Error'),
          });
        throw err;
      }
      if (err instanceof HubSpotError)
        throw ApplicationFailure.create({ type: 'HubSpotUnavailable', message: `${err.message}`, details: details(`HubSpotUnavailable:${err.status}`) });
      throw err;
    }
  };
}
