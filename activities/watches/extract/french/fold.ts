/** French text as the format parsers read it: the many spaces of French typography unified, accents and case folded. */

/** Lower-case, strip accents, unify the many spaces French typography uses. */
export function fold(text: string): string {
  return normalizeSpaces(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** NBSP, narrow NBSP, thin spaces and friends become a plain space; runs collapse. */
export function normalizeSpaces(text: string): string {
  return text.replace(/[\u00a0\u202f\u2007\u2008\u2009\u200a\u2002\u2003\t\r\n\f\v ]+/g, ' ').trim();
}
