/** Numbers in Indonesian format (1.234.567) in both languages: the users read them that way. */
export function formatNumber(value: number): string {
  return value.toLocaleString('id-ID');
}

/** A date and time in the user's language, in the device's time zone. */
export function formatDateTime(iso: string, lang: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
