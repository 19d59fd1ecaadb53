/** JSON-LD blocks of a page, tolerating the malformed JSON agency sites ship (repaired, or skipped with a warning). */
import type { CheerioAPI } from 'cheerio';

/** Best-effort repair of the JSON-LD seen in the wild: comments, trailing commas, raw newlines in strings, CDATA. */
export function repairJson(text: string): string {
  let s = text
    .trim()
    .replace(/^<!\[CDATA\[/, '')
    .replace(/\]\]>$/, '')
    .replace(/^<!--/, '')
    .replace(/-->$/, '')
    .trim();
  // Raw control characters inside strings: walk the text once, escaping them only when inside quotes.
  let out = '';
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inString) {
      if (ch === '\\') {
        out += ch + (s[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      if (ch === '\n') {
        out += '\\n';
        continue;
      }
      if (ch === '\r') continue;
      if (ch === '\t') {
        out += '\\t';
        continue;
      }
      out += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    if (ch === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    out += ch;
  }
  s = out.replace(/,\s*([}\]])/g, '$1');
  // Several top-level objects pasted one after the other: make them an array.
  if (/^\{[\s\S]*\}\s*\{[\s\S]*\}$/.test(s)) s = `[${s.replace(/\}\s*\{/g, '},{')}]`;
  return s;
}

export function parseJsonLd($: CheerioAPI, warnings: string[]): unknown[] {
  const out: unknown[] = [];
  $('script[type="application/ld+json"], script[type="application/ld+json; charset=utf-8"]').each((_i, el) => {
    const raw = $(el).text();
    if (!raw.trim()) return;
    try {
      out.push(JSON.parse(raw));
    } catch {
      try {
        out.push(JSON.parse(repairJson(raw)));
        warnings.push('repaired malformed JSON-LD block');
      } catch {
        warnings.push('unparseable JSON-LD block skipped');
      }
    }
  });
  return out;
}
