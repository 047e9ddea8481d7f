/**
 * Time helpers shared by parsers: wall-clock fields to an instant (year-less syslog, Snort and
 * CEF dates), ISO-like text to event time, epoch numbers to event time.
 */
import { inferYear, isEventTime, parseIsoLike, toIso, zonedToEpoch } from '../../../event/time.js';
import { own } from './table.js';

export interface WallTime {
  /** Four-digit year; absent for year-less formats (then inferred from `now`). */
  year?: number;
  /** 1-12. */
  month: number;
  /** 1-31, checked against the month. */
  day: number;
  hour: number;
  minute: number;
  /** 0-60 (a leap second rolls into the next minute). */
  second: number;
  /** Milliseconds, 0-999; default 0. */
  ms?: number;
  /** A fixed UTC offset printed with the time, in ms east of UTC (offsetMs("+0200")); overrides the zone. */
  offset?: number;
}

/** Milliseconds east of UTC of a numeric offset `+hhmm` / `-hh:mm`, or null when it is not one. */
export function offsetMs(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m || Number(m[3]) > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/**
 * Epoch milliseconds of a wall-clock time read in `timeZone` (IANA; or at `t.offset`), or null when a field is
 * out of range, the day does not exist in that month (Feb 30 must fail, not become Mar 2) or
 * the zone is unknown. A missing year is inferred from `now` with the Dec→Jan roll-over
 * (event/time.inferYear).
 */
export function wallTimeToEpoch(t: WallTime, now: Date, timeZone: string): number | null {
  const { month, day, hour, minute, second } = t;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const year = t.year ?? inferYear(month, day, now);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCMonth() !== month - 1) return null;
  let epoch: number;
  try {
    epoch = t.offset === undefined
      ? zonedToEpoch(year, month, day, hour, minute, second, t.ms ?? 0, timeZone)
      : Date.UTC(year, month - 1, day, hour, minute, second, t.ms ?? 0) - t.offset;
  } catch {
    return null;
  }
  return Number.isFinite(epoch) ? epoch : null;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** 1-12 for an English month abbreviation (`Jan`, `feb`, any case), else undefined. */
export function monthNumber(abbr: string): number | undefined {
  return own(MONTHS, abbr.toLowerCase());
}

/** Event time (ISO-8601 UTC) of ISO-like text (`...+0000`, `...Z`, naive read in `timeZone`), or null. */
export function isoTime(text: string, timeZone: string): string | null {
  const fast = utcIsoTime(text);
  if (fast !== null) return fast;
  const epoch = parseIsoLike(text, timeZone);
  return epoch === null ? null : toIso(epoch);
}

/**
 * The common case without parsing: UTC text with a `T`, milliseconds or finer and `Z`, `+0000` or
 * `+00:00` (Suricata's `2026-02-28T10:00:00.123456+0000`) is the event time once cut to
 * milliseconds. Null when the text is anything else (the full parse then decides).
 */
export function utcIsoTime(text: string): string | null {
  if (text.length < 24 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(19) !== 46 /* . */) return null;
  let i = 20;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i < 23 || i > 29) return null;
  const zone = text.slice(i);
  if (zone !== 'Z' && zone !== '+0000' && zone !== '+00:00') return null;
  const candidate = `${text.slice(0, 23)}Z`;
  return isEventTime(candidate) ? candidate : null;
}

/**
 * Event time for epoch milliseconds, or null outside 1970..9999: an epoch number in the wrong
 * unit (seconds read as milliseconds or the reverse) must fail, not become year 26442.
 */
export function epochToIso(ms: number): string | null {
  return Number.isFinite(ms) && ms >= 0 ? toIso(ms) : null;
}
