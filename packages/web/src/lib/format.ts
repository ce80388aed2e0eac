import { zoneOf } from './domain';
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

/** A date and time in a region's own zone with the zone named: "23 Nov 2026, 12.56 WIB". */
export function formatInZone(iso: string, regionCode: string, lang: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = zoneOf(regionCode);
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone.timeZone }).format(date);
  return `${text} ${zone.label}`;
}

/** "5 menit", "3 jam", "2 hari": how long ago, coarse, for cards. */
export function formatAge(iso: string, now: number, lang: string): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  const rtf = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID');
  if (minutes < 60) return lang === 'en' ? `${rtf.format(minutes)} min` : `${rtf.format(minutes)} menit`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return lang === 'en' ? `${rtf.format(hours)} h` : `${rtf.format(hours)} jam`;
  const days = Math.floor(hours / 24);
  return lang === 'en' ? `${rtf.format(days)} d` : `${rtf.format(days)} hari`;
}
