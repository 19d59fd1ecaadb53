/** An agency's listing reference ("Réf. : AP-1234", "N° de mandat 5521"). */
import { normalizeSpaces } from './fold.js';

const REF =
  /(?:r[ée]f(?:[ée]rence)?\.?(?:\s+(?:de\s+l['’]annonce|annonce|du bien|agence))?|n°\s*de\s*mandat|mandat|property id|id du bien)[\s.]*(?:n°|no\.?|#)?[\s:#.]*([A-Z0-9][A-Z0-9\-_/]{1,30})/gi;

/** "Réf. : AP-1234" → "AP-1234"; the first reference-looking token that carries a digit. */
export function parseReference(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const t = normalizeSpaces(String(text));
  for (const m of t.matchAll(REF)) if (/\d/.test(m[1]!)) return m[1]!;
  return undefined;
}
