/**
 * The CSV import of sources (pure): a header row naming the columns, then one source a line.
 * Columns: name, website (required), postal_codes, priority, force_browser, listing_urls.
 * Lists inside a cell are separated by spaces, `;` or `|`. Quoted fields ("a, b") and doubled
 * quotes are understood (csv-parse).
 */
import { parse } from 'csv-parse/sync';

export interface CsvSource {
  line: number;
  name: string;
  website: string;
  postalCodes: string[];
  priority: number;
  forceBrowser: boolean;
  listingUrls: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export const CSV_COLUMNS = ['name', 'website', 'postal_codes', 'priority', 'force_browser', 'listing_urls'] as const;

/** A parsed row and the line it ends on (1 = the header). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into rows of fields with csv-parse (RFC 4180 quoting, a BOM, CRLF, quoted line
 * breaks; `,` or `;` delimiter sniffed from the header; blank lines skipped; ragged rows kept).
 * Throws csv-parse's CsvError on text it cannot read (an unclosed quote...).
 */
export function parseCsvRows(text: string): CsvRow[] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const out: CsvRow[] = [];
  parse(src, {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    on_record: (fields: string[], ctx) => {
      out.push({ line: ctx.lines, fields });
      return fields;
    },
  });
  return out;
}

/** The rows' fields only. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((r) => r.fields);
}

const list = (cell: string | undefined) =>
  (cell ?? '')
    .split(/[\s;|]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads sources from CSV text; answers the sources and the problems, by line number (1 = header). */
export function readSourcesCsv(text: string): { sources: CsvSource[]; problems: CsvProblem[]; headerError: string | null } {
  let rows: CsvRow[];
  try {
    rows = parseCsvRows(text);
  } catch (err) {
    return { sources: [], problems: [], headerError: `the CSV cannot be read: ${(err as Error).message}` };
  }
  if (rows.length === 0) return { sources: [], problems: [], headerError: 'the CSV is empty' };
  const header = rows[0]!.fields.map((h) => h.trim().toLowerCase());
  const missing = ['name', 'website'].filter((c) => !header.includes(c));
  if (missing.length) return { sources: [], problems: [], headerError: `missing column(s): ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})` };
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? (r[i] ?? '').trim() : undefined;
  };
  const sources: CsvSource[] = [];
  const problems: CsvProblem[] = [];
  rows.slice(1).forEach(({ line, fields: r }) => {
    const name = col(r, 'name') ?? '';
    const website = col(r, 'website') ?? '';
    const priorityCell = col(r, 'priority');
    const priority = priorityCell ? Number(priorityCell) : 0;
    const postalCodes = list(col(r, 'postal_codes'));
    const fb = (col(r, 'force_browser') ?? '').toLowerCase();
    if (!name) return problems.push({ line, message: 'name is empty' });
    if (!website) return problems.push({ line, message: 'website is empty' });
    if (!Number.isInteger(priority) || priority < 0 || priority > 10)
      return problems.push({ line, message: `priority must be an integer 0..10, not ${JSON.stringify(priorityCell)}` });
    const badCode = postalCodes.find((p) => !/^\d{5}$/.test(p));
    if (badCode) return problems.push({ line, message: `postal code ${JSON.stringify(badCode)} is not 5 digits` });
    if (fb && !['true', 'false', '1', '0', 'yes', 'no', 'oui', 'non'].includes(fb))
      return problems.push({ line, message: `force_browser must be true/false, not ${JSON.stringify(fb)}` });
    sources.push({
      line,
      name: name.slice(0, 200),
      website,
      postalCodes,
      priority,
      forceBrowser: ['true', '1', 'yes', 'oui'].includes(fb),
      listingUrls: list(col(r, 'listing_urls')),
    });
    return undefined;
  });
  return { sources, problems, headerError: null };
}
