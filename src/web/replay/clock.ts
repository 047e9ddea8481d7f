/**
 * The replay clock: maps wall time (performance.now(), ms) to event time (epoch ms) inside a
 * window, at a speed, with pause and seek. Pure: every method takes the wall time it acts at,
 * so it is tested without timers.
 */

/** Replay speeds offered on the page (event ms per wall ms). */
export const SPEEDS = [1, 10, 60, 600] as const;
/** Slowest and fastest speed accepted from a URL. */
export const MIN_SPEED = 1;
export const MAX_SPEED = 3600;

export class ReplayClock {
  private anchorWall = 0;
  private anchorT: number;
  private playingNow = false;
  private rate: number;

  /**
   * `from`/`to`: the window (epoch ms, from < to). `speed`: event ms per wall ms (clamped to
   * 1–3600, default 60). `at`: the starting position (clamped into the window, default `from`).
   */
  constructor(readonly from: number, readonly to: number, speed = 60, at = from) {
    if (!(from < to)) throw new Error('replay window: from must be before to');
    this.rate = clampSpeed(speed);
    this.anchorT = this.clampT(at);
  }

  get playing(): boolean { return this.playingNow; }
  get speed(): number { return this.rate; }

  private clampT(t: number): number { return Math.max(this.from, Math.min(this.to, t)); }

  /** Event time (epoch ms) at wall time `wall`; never outside the window. */
  now(wall: number): number {
    if (!this.playingNow) return this.anchorT;
    return this.clampT(this.anchorT + (wall - this.anchorWall) * this.rate);
  }

  /** True once the clock has reached the end of the window. */
  ended(wall: number): boolean { return this.now(wall) >= this.to; }

  /** Position as a fraction of the window, 0–1. */
  fraction(wall: number): number { return (this.now(wall) - this.from) / (this.to - this.from); }

  /** Starts (or keeps) running from the current position; at the end it starts over from `from`. */
  play(wall: number): void {
    const t = this.now(wall);
    this.anchorT = t >= this.to ? this.from : t;
    this.anchorWall = wall;
    this.playingNow = true;
  }

  pause(wall: number): void {
    this.anchorT = this.now(wall);
    this.anchorWall = wall;
    this.playingNow = false;
  }

  /** Jumps to event time `t` (clamped into the window), keeping the play/pause state. */
  seek(t: number, wall: number): void {
    this.anchorT = this.clampT(t);
    this.anchorWall = wall;
  }

  /** Changes the speed without moving the position. */
  setSpeed(speed: number, wall: number): void {
    this.anchorT = this.now(wall);
    this.anchorWall = wall;
    this.rate = clampSpeed(speed);
  }
}

/** A speed clamped to MIN_SPEED–MAX_SPEED; NaN gives 60. */
export function clampSpeed(s: number): number {
  if (!Number.isFinite(s)) return 60;
  return Math.max(MIN_SPEED, Math.min(MAX_SPEED, Math.round(s)));
}

/**
 * Where to jump over a quiet stretch: when the next event (`next`, epoch ms) is more than
 * `maxWaitMs` of wall time away from event time `t` at `speed`, the event time half a second of
 * wall time before it; otherwise (or with no next event) null.
 */
export function quietSkip(t: number, next: number | undefined, speed: number, maxWaitMs: number): number | null {
  if (next === undefined || !((next - t) / speed > maxWaitMs)) return null;
  return next - speed * 500;
}
