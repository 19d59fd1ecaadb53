/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every error the API answers goes
 * through `problem()`, so clients see one shape everywhere.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';

/** The problem types this API answers, each documented at GET /problems/{slug}. */
export const PROBLEM_TYPES = {
  'bad-request': { title: 'Bad request', detail: 'The request could not be read (malformed JSON, wrong content type).' },
  'validation-error': { title: 'Validation failed', detail: 'The request was read but some fields are missing or invalid; see `errors`.' },
  unauthorized: { title: 'Unauthorized', detail: 'A valid API key is required: send `Authorization: Bearer <key>`.' },
  forbidden: { title: 'Forbidden', detail: 'The API key is valid but lacks the scope this route needs (read, operate or admin); the detail names it.' },
  'not-found': { title: 'Not found', detail: 'No resource at this address.' },
  conflict: { title: 'Conflict', detail: 'The resource is not in a state that allows this request.' },
  'payload-too-large': { title: 'Payload too large', detail: 'The request body exceeds the size limit.' },
  'method-not-allowed': { title: 'Method not allowed', detail: 'This address does not accept that method.' },
  'too-many-requests': {
    title: 'Too many requests',
    detail: 'The API key used up its rate limit for the current window; see the RateLimit and Retry-After headers.',
  },
  'service-unavailable': { title: 'Service unavailable', detail: 'A dependency (Temporal, PostgreSQL) is not reachable; retry later.' },
  'not-configured': {
    title: 'Not configured',
    detail: 'This integration has no credentials on this platform: an operator must set them (see the detail) before it can answer.',
  },
  'internal-error': { title: 'Internal error', detail: 'Something failed on our side; the request id identifies it in our logs.' },
} as const;
export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/validation-error' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof ProblemSchema>;

export function problemBody(c: Context, status: number, slug: ProblemSlug, detail?: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `/problems/${slug}`,
    title: PROBLEM_TYPES[slug].title,
    status,
    detail,
    instance: c.req.path,
    requestId: c.get('requestId'),
    ...extra,
  };
}

export function problem(c: Context, status: ContentfulStatusCode, slug: ProblemSlug, detail?: string, extra: Partial<Problem> = {}): Response {
  return c.body(JSON.stringify(problemBody(c, status, slug, detail, extra)), status, {
    'content-type': 'application/problem+json',
  });
}

/** OpenAPI response entries for the problems a route can answer. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
}

/** Thrown from a handler to answer a problem; the app's error handler renders it. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: ProblemSlug,
    detail?: string,
    readonly extra: Partial<Problem> = {},
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.name = 'ProblemError';
  }
}
