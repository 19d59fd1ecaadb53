/** What the concierge activities are built from (workers/activities.ts provides it). */
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../db/client.js';
import type { Mailer } from '../shared/mail.js';
import type { ConciergePorts } from './ports-set.js';

export interface ConciergeDeps {
  config: Config;
  db: Db;
  logger: Logger;
  mailer: Mailer;
  ports: ConciergePorts;
}
