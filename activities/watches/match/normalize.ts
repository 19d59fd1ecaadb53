/** Folding used when comparing places and words across sites. */
export function foldWords(s: string | undefined | null): string {
  if (!s) return '';
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "Saint-Germain-en-Laye", "ST GERMAIN EN LAYE" and "Saint Germain en Laye" fold alike; "Paris 11e" is Paris. */
export function foldCity(s: string | undefined | null): string {
  return foldWords(s)
    .replace(/\b(st)\b/g, 'saint')
    .replace(/\b(ste)\b/g, 'sainte')
    .replace(/\s+(\d{1,2}\s*(e|er|eme)?|cedex(\s+\d+)?)$/, '')
    .trim();
}
