/** Dates as a French or English reader expects them, in Europe/Paris time. Pure. */
export type Lang = 'fr' | 'en';

export function formatDate(iso: string | null | undefined, lang: Lang, style: 'datetime' | 'date' = 'datetime'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions =
    style === 'date'
      ? { dateStyle: 'long', timeZone: 'Europe/Paris' }
      : {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          timeZone: 'Europe/Paris',
          timeZoneName: 'short',
        };
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', opts).format(d);
}
