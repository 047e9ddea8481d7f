/**
 * Snort's year-less timestamp `MM/DD-HH:MM:SS[.frac]` (alert_fast, alert_full, alert_csv, Snort 3
 * `timestamp`), and Suricata fast.log's `MM/DD/YYYY-HH:MM:SS[.frac]`.
 */
import { fractionToMs, inferYear, toIso, zonedToEpoch } from '../../../event/time.js';

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
  const month = Number(m[1]), day = Number(m[2]);
  const hour = Number(m[4]), minute = Number(m[5]), second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let year: number;
  if (m[3]) year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  else year = inferYear(month, day, now);
  // Reject 02/30 and similar instead of rolling into the next month.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null;
  let epoch: number;
  try {
    epoch = zonedToEpoch(year, month, day, hour, minute, second, fractionToMs(m[7]), timeZone);
  } catch {
    return null;
  }
  return toIso(epoch);
}
