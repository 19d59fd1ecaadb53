/**
 * The URLs of a source: the website and its listing pages must be absolute http(s) URLs resolving
 * to a public address, the listing pages on the website's host (422 otherwise).
 */
import { ProblemError } from '../problem.js';
import type { ApiDeps } from '../router.js';
import { assertPublicUrl } from './watch-common.js';

/** The website's normalised href when one is given; throws 422 for a private, malformed or off-host URL. */
export async function checkSourceUrls(deps: ApiDeps, website: string | undefined, listingUrls: string[] | undefined, currentWebsite?: string) {
  let site: URL | undefined;
  if (website !== undefined) site = await assertPublicUrl(deps.config, website, 'website');
  const host = site?.host ?? (currentWebsite ? new URL(currentWebsite).host : undefined);
  for (const [i, u] of (listingUrls ?? []).entries()) {
    const parsed = await assertPublicUrl(deps.config, u, `listingUrls.${i}`);
    if (host && parsed.host !== host) {
      throw new ProblemError(422, 'validation-error', `listingUrls.${i}: must be on ${host}`, {
        errors: [{ path: `listingUrls.${i}`, message: `must be on the website's host ${host}` }],
      });
    }
  }
  return site ? site.href : undefined;
}
