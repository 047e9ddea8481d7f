/**
 * Snort's year-less timestamp `MM/DD-HH:MM:SS[.frac]` (alert_fast, alert_full, alert_csv, Snort 3
 * `timestamp`), and Suricata fast.log's `MM/DD/YYYY-HH:MM:SS[.frac]`.
 */
import { fractionToMs, toIso } from '../../../event/time.js';
import { wallTimeToEpoch } from './time.js';

const SNORT_TIME = /^(\d{2})\/(\d{2})(?:\/(\d{2}|\d{4}))?-(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * ISO-8601 UTC text for a Snort/Suricata fast-style timestamp read as wall time in `timeZone`
 * (IANA). The year is taken from the text when present (2-digit years are 20xx, as Snort's `-y`
 * prints them), else inferred from `now` with Dec→Jan roll-over (time.inferYear). Null when the
 * text is not such a timestamp or names an impossible date.
 */
export function snortTimeToIso(text: string, now: Date, timeZone: string): string | null {
  const m = SNORT_TIME.exec(text.trim());
  if (!m) return null;
  const year = m[3] === undefined ? undefined : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const epoch = wallTimeToEpoch({
    year, month: Number(m[1]), day: Number(m[2]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]),
    ms: fractionToMs(m[7]),
  }, now, timeZone);
  return epoch === null ? null : toIso(epoch);
}
