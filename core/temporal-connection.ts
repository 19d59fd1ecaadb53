import { Client, Connection } from '@temporalio/client';
import type { Config } from './config.js';

type TemporalConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS'>;

export function connectionOptions(config: TemporalConfig) {
  return {
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS || config.TEMPORAL_API_KEY ? {} : undefined,
    apiKey: config.TEMPORAL_API_KEY,
  };
}

/** Opens a client connection to the configured Temporal frontend. */
export async function connectTemporal(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}
