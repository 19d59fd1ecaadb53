import { OpenAPIHono } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../db/client.js';
import { problem } from './problem.js';
import { unstorableStrings } from './schemas/common.js';

declare module 'hono' {
  interface ContextVariableMap {
    apiKeyId: string;
  }
}

export interface ApiDeps {
  config: Config;
  db: Db;
  temporal: Client;
  logger: Logger;
  /** How long a request's Temporal calls may take in all (default 10 s): past it, 503 with Retry-After. */
  temporalDeadlineMs?: number;
  /** Where the HTTP metrics go (api/metrics/server.ts serves it); none: not measured. */
  metrics?: Registry;
}

/**
 * A sub-app whose request validation failures answer 422 problem+json with every failing field,
 * so each route file gets the same error shape without repeating it. A value that passed its
 * schema is also refused when any string in it (values of `unknown` fields and keys included) is
 * one PostgreSQL cannot store: this holds for every route, whatever its schema says.
 */
export function newRouter() {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      const errors = result.success
        ? unstorableStrings(result.data)
        : result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
      if (!errors.length) return;
      return problem(c, 422, 'validation-error', `${errors.length} invalid field(s): ${errors.map((e) => e.path).join(', ')}`, { errors });
    },
  });
}

export const SECURITY = [{ bearerAuth: [] }];
