/**
 * Replay in the URL: `mode=replay&from=…&to=…&speed=60&at=…&play=0`. Times are written as ISO-8601
 * UTC to the second (readable in a link) and read as ISO-8601 or epoch ms. Parsing is forgiving:
 * a bad or missing window means live mode.
 */
import { clampSpeed } from './clock.js';

export interface ReplayParams {
  /** Window start and end, epoch ms (from < to). */
  from: number;
  to: number;
  /** Event ms per wall ms. */
  speed: number;
  /** Position, epoch ms inside the window. */
  at: number;
  /** False when the link was taken while paused. */
  playing: boolean;
}

/** Longest replay window accepted (the server refuses more than 400 days). */
export const MAX_WINDOW_MS = 400 * 86_400_000;

/** Epoch ms from ISO-8601 (with offset or Z) or digits; NaN when neither. */
export function parseTime(text: string | null): number {
  if (text === null) return NaN;
  const s = text.trim().slice(0, 40);
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) return NaN;
  return Date.parse(s);
}

/** ISO-8601 UTC, to the second when the time has no milliseconds. */
export function isoSeconds(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

/** Replay parameters from a query, or null for live mode. */
export function parseReplay(q: URLSearchParams): ReplayParams | null {
  if (q.get('mode') !== 'replay') return null;
  const from = parseTime(q.get('from'));
  const to = parseTime(q.get('to'));
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to) || to - from > MAX_WINDOW_MS) return null;
  const at = parseTime(q.get('at'));
  const sp = q.get('speed');
  return {
    from, to,
    speed: clampSpeed(sp === null || sp === '' ? 60 : Number(sp)),
    at: Number.isFinite(at) ? Math.max(from, Math.min(to, at)) : from,
    playing: q.get('play') !== '0',
  };
}

/** Writes replay parameters into `q` (nothing for live mode). */
export function writeReplay(q: URLSearchParams, r: ReplayParams | null): void {
  if (!r) return;
  q.set('mode', 'replay');
  q.set('from', isoSeconds(r.from));
  q.set('to', isoSeconds(r.to));
  q.set('speed', String(r.speed));
  // Exact to the millisecond: a link taken while paused must show exactly the events shown.
  if (r.at !== r.from) q.set('at', isoSeconds(Math.round(r.at)));
  if (!r.playing) q.set('play', '0');
}
