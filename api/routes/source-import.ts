/**
 * POST /v1/sources/import: sources from CSV (name,website,postal_codes,priority,force_browser,listing_urls),
 * upserted by website; each bad line is reported with its number, the good ones are kept.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { readSourcesCsv } from '../../activities/watches/sources-csv.js';
import { upsertSourceByWebsite } from '../../db/queries/watch-sources.js';
import { ProblemError, problemResponses } from '../problem.js';
import { newRouter, SECURITY, type ApiDeps } from '../router.js';
import { isStorableText, UNSTORABLE_TEXT } from '../schemas/common.js';
import { CsvRow } from '../schemas/sources.js';
import { checkSourceUrls } from './source-urls.js';

const tags = ['watches'];
const importCsv = createRoute({
  method: 'post',
  path: '/import',
  tags,
  security: SECURITY,
  summary: 'Import sources from CSV (name,website,postal_codes,priority,force_browser,listing_urls); upserts by website',
  request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
  responses: {
    200: {
      description: 'Import report',
      content: {
        'application/json': {
          schema: z.object({ created: z.number(), updated: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) }),
        },
      },
    },
    ...problemResponses(400, 401, 413, 422),
  },
});

export function sourceImportRoutes(deps: ApiDeps) {
  const { db } = deps;
  return newRouter().openapi(importCsv, async (c) => {
    const text = await c.req.text();
    if (!isStorableText(text))
      throw new ProblemError(422, 'validation-error', `the CSV ${UNSTORABLE_TEXT}`, { errors: [{ path: '(body)', message: UNSTORABLE_TEXT }] });
    const parsed = readSourcesCsv(text);
    if (parsed.headerError) throw new ProblemError(422, 'validation-error', parsed.headerError, { errors: [{ path: '(body)', message: parsed.headerError }] });
    const errors = [...parsed.problems];
    let created = 0;
    let updated = 0;
    for (const s of parsed.sources) {
      const shape = CsvRow.safeParse(s);
      if (!shape.success) {
        errors.push({ line: s.line, message: shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        continue;
      }
      try {
        const website = (await checkSourceUrls(deps, s.website, s.listingUrls))!;
        const inserted = await upsertSourceByWebsite(db, {
          name: s.name,
          website,
          postal_codes: s.postalCodes,
          priority: s.priority,
          force_browser: s.forceBrowser,
          listing_urls: s.listingUrls,
        });
        if (inserted) created++;
        else updated++;
      } catch (err) {
        if (err instanceof ProblemError) errors.push({ line: s.line, message: err.message });
        else throw err;
      }
    }
    errors.sort((a, b) => a.line - b.line);
    return c.json({ created, updated, errors }, 200);
  });
}
