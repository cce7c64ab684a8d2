import { i18n } from '../i18n';

/** Dates, numbers and durations in the portal's language and the reader's time zone. */
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: (lng: string) => T): T {
  const full = `${i18n.language}|${key}`;
  let format = cache.get(full) as T | undefined;
  if (!format) {
    format = make(i18n.language);
    cache.set(full, format);
  }
  return format;
}

const dateTime = () => cached('dt', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }));
const dateOnly = () => cached('d', (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium' }));

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? dateTime().format(new Date(iso)) : '—';
export const formatDate = (iso: string | null | undefined): string => (iso ? dateOnly().format(new Date(iso)) : '—');
export const formatNumber = (n: number): string => cached('n', (l) => new Intl.NumberFormat(l)).format(n);

const UNITS: readonly [Intl.NumberFormatOptions['unit'], number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** How long something has waited, in its largest whole unit: "3 days", "5 hours", "3 jours"; under a minute, "just now". */
export function formatAge(iso: string, now: number = Date.now()): string {
  const elapsed = Math.max(0, now - new Date(iso).getTime());
  if (elapsed < 60_000) {
    return i18n.t('time.justNow');
  }
  for (const [unit, ms] of UNITS) {
    if (elapsed >= ms || unit === 'minute') {
      const n = Math.floor(elapsed / ms);
      return cached(`u-${unit}`, (l) => new Intl.NumberFormat(l, { style: 'unit', unit, unitDisplay: 'long' })).format(
        n,
      );
    }
  }
  return '';
}

/** A serial in colon-separated hex pairs, as certificate viewers show it. */
export const formatSerial = (hex: string): string => hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');

/** Attribute types that RFC 4514 writers leave as OIDs, by the names people know. */
const NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '2.5.4.5': 'serialNumber',
};

/** A DER string (IA5String, PrintableString, UTF8String) given in RFC 4514's `#hex` form, as text. */
function derString(hex: string): string | undefined {
  const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  const [tag, first] = bytes;
  if (tag === undefined || first === undefined || ![0x0c, 0x13, 0x16].includes(tag)) {
    return undefined;
  }
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  if (lengthBytes > 3 || bytes.length < 2 + lengthBytes) {
    return undefined;
  }
  const length = lengthBytes ? bytes.slice(2, 2 + lengthBytes).reduce((n, b) => n * 256 + b, 0) : first;
  const body = bytes.slice(2 + lengthBytes);
  if (body.length !== length) {
    return undefined;
  }
  return new TextDecoder().decode(new Uint8Array(body));
}

/**
 * A distinguished name as people read it: `1.2.840.113549.1.9.1=#1610…` becomes
 * `emailAddress=jdupont@example.org`. Anything not understood is left as it came.
 */
export function formatDn(dn: string): string {
  return dn.replace(
    /(^|,)\s*([0-9]+(?:\.[0-9]+)+)=#([0-9A-Fa-f]+)/g,
    (whole, sep: string, oid: string, hex: string) => {
      const name = NAMES[oid];
      const value = derString(hex);
      return name && value !== undefined ? `${sep}${name}=${value.replace(/([,+"\\<>;])/g, '\\$1')}` : whole;
    },
  );
}
