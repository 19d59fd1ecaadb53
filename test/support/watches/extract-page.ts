/**
 * The fixture agency sites' pages run through the extractor at the URL they were saved from: what
 * the watches-extract-*.test.ts files share.
 */
import { readFileSync } from 'node:fs';
import { extractPage, type ExtractResult } from '../../../activities/watches/extract/index.js';
import { fixtureFile } from '../watches-fixtures.js';

export const ORIGIN: Record<string, string> = {
  'immo-lumiere': 'https://www.immo-lumiere.fr',
  'agence-du-parc': 'https://agence-du-parc.fr',
  'maison-azur': 'https://www.maisonazur.fr',
  'cotes-immo': 'https://cotes-immo.fr',
  'spa-nexthome': 'https://nexthome.fr',
  'cabinet-graslin': 'http://www.cabinet-graslin.fr',
};

export function page(site: string, path: string): ExtractResult {
  const file = fixtureFile(site, path);
  if (!file) throw new Error(`no fixture for ${site}${path}`);
  return extractPage(readFileSync(file, 'utf8'), ORIGIN[site] + path);
}
