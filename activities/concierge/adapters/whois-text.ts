/**
 * Reads a registry's raw whois answer into an availability opinion. Registries word "not found"
 * differently (Verisign `No match for`, AFNIC `No entries found`, EURid `Status: AVAILABLE`, PIR
 * `NOT FOUND`, ...); rate-limit and error answers give no opinion (null).
 */
export interface WhoisVerdict {
  available: boolean | null;
  detail: string;
}

const NO_OPINION = [/limit exceeded/i, /quota exceeded/i, /too many (queries|requests)/i, /try again later/i, /access denied/i, /temporarily unavailable/i];
const AVAILABLE = [
  /^\s*no match for\b/im,
  /^\s*%*\s*no entries found\b/im,
  /^\s*no data found\b/im,
  /^\s*%*\s*not found\.?\s*$/im,
  /^\s*domain not found\.?\s*$/im,
  /^\s*no object found\b/im,
  /^\s*status:\s*(available|free)\b/im,
  /\bis available for registration\b/i,
  /^\s*the queried object does not exist/im,
];
const REGISTERED = [/^\s*domain name:\s*\S+/im, /^\s*domain:\s*\S+/im, /^\s*registrar:\s*\S+/im, /^\s*creation date:\s*\S+/im, /^\s*created:\s*\S+/im];

export function whoisVerdict(raw: string | undefined | null): WhoisVerdict {
  const text = (raw ?? '').trim();
  if (!text) return { available: null, detail: 'empty whois answer' };
  const firstLine = (re: RegExp) => (text.match(re)?.[0] ?? '').trim();
  for (const re of NO_OPINION) if (re.test(text)) return { available: null, detail: `whois gave no answer: ${firstLine(re)}` };
  for (const re of AVAILABLE) if (re.test(text)) return { available: true, detail: firstLine(re) };
  for (const re of REGISTERED) if (re.test(text)) return { available: false, detail: firstLine(re) };
  return { available: null, detail: `unrecognised whois answer: ${text.split('\n')[0]!.slice(0, 120)}` };
}
