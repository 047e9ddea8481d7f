/**
 * Replay window presets and labels. Presets resolve to absolute times when chosen, so a link
 * made from "last hour" shows that same hour to whoever opens it later.
 */

export interface WindowPreset { id: string; label: string; spanMs: number; speed: number }

/** Offered presets; `speed` is the default speed that plays the window in about a minute or less. */
export const PRESETS: readonly WindowPreset[] = [
  { id: '15m', label: 'Last 15 min', spanMs: 15 * 60_000, speed: 10 },
  { id: '1h', label: 'Last hour', spanMs: 3_600_000, speed: 60 },
  { id: '24h', label: 'Last 24 h', spanMs: 86_400_000, speed: 600 },
];

/** The window of a preset ending at `now` (epoch ms), aligned down to the whole minute. */
export function presetWindow(p: WindowPreset, now: number): { from: number; to: number } {
  const to = Math.floor(now / 60_000) * 60_000 + 60_000;
  return { from: to - p.spanMs, to };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:MM in local time; with the date (YYYY-MM-DD) when `withDate`. */
export function clockText(ms: number, withDate = false): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}` : hm;
}

/** HH:MM:SS in local time. */
export function clockSeconds(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The window as an operator reads it: "02:13–03:13", with dates when it does not lie within
 * one day or is not today (relative to `now`).
 */
export function windowText(from: number, to: number, now = Date.now()): string {
  const sameDay = new Date(from).toDateString() === new Date(to - 1).toDateString();
  const today = new Date(from).toDateString() === new Date(now).toDateString();
  if (sameDay && today) return `${clockText(from)}–${clockText(to)}`;
  if (sameDay) return `${clockText(from, true)}–${clockText(to)}`;
  return `${clockText(from, true)} – ${clockText(to, true)}`;
}

/** `datetime-local` input value (local time, minutes) for epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Epoch ms from a `datetime-local` value (local time); NaN when empty or bad. */
export function fromLocalInput(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v.trim());
  if (!m) return NaN;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  return d.getTime();
}
