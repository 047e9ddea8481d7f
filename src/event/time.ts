/**
 * Timestamp helpers shared by parsers. Parsers have no clock of their own: year inference and
 * zone-less timestamps take `now` and the source's IANA timezone from the parse context.
 */

/** Milliseconds since the epoch for a wall-clock time in an IANA zone (e.g. "Europe/Berlin"). */
export function zonedToEpoch(
  year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, timeZone: string,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return asUtc;
  // The zone's offset at that instant; a second pass settles times near a DST change.
  let guess = asUtc - zoneOffsetMs(asUtc, timeZone);
  guess = asUtc - zoneOffsetMs(guess, timeZone);
  return guess;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Upper bound on cached zone formatters; zones come from config, so this is never reached. */
const MAX_FORMATTERS = 512;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at the instant `epochMs`, in milliseconds (east positive). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** True when `timeZone` is a zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The year for a year-less timestamp (Snort fast, RFC 3164 syslog): the year of `now`, unless
 * that puts the time more than a week in the future, in which case the line is from last year
 * (a December line read in early January).
 */
export function inferYear(month: number, day: number, now: Date): number {
  const year = now.getUTCFullYear();
  const candidate = Date.UTC(year, month - 1, day);
  return candidate - now.getTime() > 7 * 86_400_000 ? year - 1 : year;
}

/** Fraction digits ("123456" microseconds, "5" tenths) to whole milliseconds. */
export function fractionToMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number((frac + '000').slice(0, 3)));
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses ISO-8601-like text: `2024-01-02T03:04:05.123456+0000`, `...-04:00`, `...Z`, or a naive
 * `2024-01-02 03:04:05` (read in `timeZone`). Returns epoch ms or null when it is not a time.
 */
export function parseIsoLike(text: string, timeZone = 'UTC'): number | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = fractionToMs(frac);
  if (!zone) return zonedToEpoch(Number(y), month, day, hour, minute, second, ms, timeZone);
  const base = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (zone.toUpperCase() === 'Z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return base - sign * offMin * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when `text` is already the event time form, `YYYY-MM-DDTHH:MM:SS.mmmZ` with a year from
 * 1000 and a real calendar date and time (no leap second): exactly what toIso(parseIsoLike(text))
 * would give back, so callers may keep the text as it is. Parsers emit this form, and checking it
 * costs a few character tests where parsing and formatting again cost a microsecond per event.
 */
export function isEventTime(text: string): boolean {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */) return false;
  for (let i = 0; i < 23; i++) {
    const c = text.charCodeAt(i);
    const want = i === 4 || i === 7 ? 45 /* - */ : i === 10 ? 84 /* T */ : i === 13 || i === 16 ? 58 /* : */ : i === 19 ? 46 /* . */ : -1;
    if (want === -1 ? c < 48 || c > 57 : c !== want) return false;
  }
  // Digits are known to be digits here: two- and four-digit numbers by character codes.
  const n = (a: number, b: number) => {
    let v = 0;
    for (let i = a; i < b; i++) v = v * 10 + text.charCodeAt(i) - 48;
    return v;
  };
  const year = n(0, 4), month = n(5, 7), day = n(8, 10);
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return false;
  return n(11, 13) <= 23 && n(14, 16) <= 59 && n(17, 19) <= 59;
}

/** Latest instant an event may carry: 9999-12-31T23:59:59.999Z (ISO-8601 with four-digit years). */
const MAX_EPOCH_MS = 253402300799999;

/**
 * Epoch ms to the ISO-8601 UTC text used in events, or null for an invalid instant or one
 * outside years 0000-9999 (whose text would need a signed six-digit year).
 */
export function toIso(epochMs: number): string | null {
  if (!Number.isFinite(epochMs) || epochMs > MAX_EPOCH_MS || epochMs < -62167219200000) return null;
  return new Date(epochMs).toISOString();
}
