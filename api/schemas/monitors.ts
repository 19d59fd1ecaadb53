/**
 * The JSON shapes of /v1/monitors (zod, named in the OpenAPI document) and the mapping of a
 * monitor's row and checks onto them.
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_THRESHOLDS, THRESHOLD_BOUNDS, type Thresholds } from '../../core/contracts/monitors.js';
import type { Monitor, MonitorCheckRow } from '../../db/schema/monitors.js';
import { safeText } from './common.js';

const thresholdField = (k: keyof Thresholds, description: string) =>
  z.number().int().min(THRESHOLD_BOUNDS[k][0]).max(THRESHOLD_BOUNDS[k][1]).optional().openapi({ description, example: DEFAULT_THRESHOLDS[k] });

export const ThresholdsPatch = z
  .object({
    failuresBeforeDown: thresholdField('failuresBeforeDown', 'Consecutive failed checks before the site is declared down'),
    latencyMs: thresholdField('latencyMs', 'A check slower than this (ms) counts as slow'),
    slowChecksBeforeAlert: thresholdField('slowChecksBeforeAlert', 'Consecutive slow checks before the latency alert'),
    certificateDays: thresholdField('certificateDays', 'Alert when the certificate has fewer days left than this'),
    timeoutMs: thresholdField('timeoutMs', 'A check taking longer than this (ms) fails'),
  })
  .strict()
  .openapi('MonitorThresholdsPatch');

const ThresholdsOut = z
  .object({ failuresBeforeDown: z.number(), latencyMs: z.number(), slowChecksBeforeAlert: z.number(), certificateDays: z.number(), timeoutMs: z.number() })
  .openapi('MonitorThresholds');

export const CheckOut = z
  .object({
    seq: z.number(),
    checkedAt: z.string(),
    ok: z.boolean(),
    statusCode: z.number().nullable(),
    latencyMs: z.number().nullable(),
    certDaysLeft: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('MonitorCheck');

export const MonitorOut = z
  .object({
    id: z.string().openapi({ example: 'monitor-www.example.fr' }),
    url: z.string(),
    host: z.string(),
    intervalSeconds: z.number(),
    alertEmail: z.string().nullable(),
    webhookUrl: z.string().nullable(),
    language: z.enum(['fr', 'en']),
    thresholds: ThresholdsOut,
    paused: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastCheck: CheckOut.nullable(),
  })
  .openapi('Monitor');

export const MonitorDetail = MonitorOut.extend({
  state: z.unknown().openapi({
    description: 'State (unknown, up, down, paused), open incidents, consecutive failures, recent alerts, next check, uptime and p95 latency over 24 h / 30 d',
  }),
}).openapi('MonitorDetail');

export const IdParam = z.object({
  id: z
    .string()
    .regex(/^monitor-[a-z0-9._-]+$/)
    .max(300)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'monitor-www.example.fr' }),
});

const IncidentOut = z
  .object({
    kind: z.enum(['down', 'slow', 'certificate']),
    startedAt: z.string().openapi({ description: 'The first failed (or slow, or expiring) check' }),
    endedAt: z.string().nullable().openapi({ description: 'The check that closed it; null while open' }),
    durationSeconds: z.number().int().nullable(),
    cause: z.string().nullable(),
    checksFailed: z.number().int().openapi({ description: 'Failed checks in a down incident (0 for slow / certificate)' }),
    firstCheck: z.number().int(),
    lastCheck: z.number().int().nullable(),
  })
  .openapi('MonitorIncident');
export const IncidentPage = z
  .object({ incidents: z.array(IncidentOut), total: z.number().int(), nextCursor: z.string().nullable() })
  .openapi('MonitorIncidentPage');

type CheckRow = Pick<MonitorCheckRow, 'seq' | 'checked_at' | 'ok' | 'status_code' | 'latency_ms' | 'cert_days_left' | 'error'>;
export const checkOut = (r: CheckRow) => ({
  seq: Number(r.seq),
  checkedAt: r.checked_at.toISOString(),
  ok: r.ok,
  statusCode: r.status_code,
  latencyMs: r.latency_ms,
  certDaysLeft: r.cert_days_left,
  error: r.error,
});

export function monitorOut(m: Monitor, last: CheckRow | null) {
  return {
    id: m.id,
    url: m.url,
    host: m.host,
    intervalSeconds: m.interval_seconds,
    alertEmail: m.alert_email,
    webhookUrl: m.webhook_url,
    language: m.language,
    thresholds: m.thresholds,
    paused: m.paused,
    createdAt: m.created_at.toISOString(),
    updatedAt: m.updated_at.toISOString(),
    lastCheck: last ? checkOut(last) : null,
  };
}

/** The request bodies of POST and PATCH; `bounds` are the configured interval limits in seconds. */
export function monitorBodies(bounds: [number, number]) {
  const interval = z
    .number()
    .int()
    .min(bounds[0])
    .max(bounds[1])
    .openapi({ description: `Seconds between checks (${bounds[0]}..${bounds[1]})`, example: 60 });
  const CreateMonitor = z
    .object({
      url: safeText(2048, { min: 1 }).openapi({ example: 'https://www.example.fr/' }),
      intervalSeconds: interval,
      alertEmail: z
        .email()
        .max(320)
        .optional()
        .openapi({ example: 'ops@agence.example', description: 'Alert by email; at least one of alertEmail, webhookUrl' }),
      webhookUrl: safeText(2048, { min: 1 })
        .optional()
        .openapi({ example: 'https://hooks.agence.example/monitors', description: 'Alert by signed webhook; at least one of alertEmail, webhookUrl' }),
      thresholds: ThresholdsPatch.optional(),
      language: z.enum(['fr', 'en']).default('fr').openapi({ description: 'Language of the alert emails' }),
      paused: z.boolean().default(false),
    })
    .strict()
    .openapi('CreateMonitor');

  const PatchMonitor = z
    .object({
      paused: z.boolean().optional(),
      intervalSeconds: interval.optional(),
      thresholds: ThresholdsPatch.optional(),
      alertEmail: z.email().max(320).nullable().optional().openapi({ description: 'null removes the email channel (a webhook must remain)' }),
      webhookUrl: safeText(2048, { min: 1 }).nullable().optional().openapi({ description: 'null removes the webhook' }),
      language: z.enum(['fr', 'en']).optional(),
    })
    .strict()
    .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
    .openapi('PatchMonitor');
  return { CreateMonitor, PatchMonitor };
}
