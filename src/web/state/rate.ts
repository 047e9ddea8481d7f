/**
 * Counts per whole second in a fixed ring of buckets: "attacks per minute now" and the
 * received/drawn rates, with no list that grows with traffic.
 */
export class RateMeter {
  private buckets: Float64Array;
  private stamps: Float64Array;

  /** `seconds`: how many one-second buckets are kept (default 61: a full minute plus the current second). */
  constructor(readonly seconds = 61) {
    this.buckets = new Float64Array(seconds);
    this.stamps = new Float64Array(seconds).fill(-1);
  }

  private latest = -Infinity;

  /** Adds n at time `nowMs` (ms since epoch); a time older than the ring holds is ignored. */
  add(nowMs: number, n = 1): void {
    const s = Math.floor(nowMs / 1000);
    if (!Number.isFinite(s) || s <= this.latest - this.seconds) return;
    if (s > this.latest) this.latest = s;
    const i = s % this.seconds;
    if (this.stamps[i] !== s) { this.stamps[i] = s; this.buckets[i] = 0; }
    this.buckets[i] += n;
  }

  /** Sum over the `window` whole seconds before the current one (the current second is partial). */
  sum(nowMs: number, window: number): number {
    const s = Math.floor(nowMs / 1000);
    let total = 0;
    for (let k = 1; k <= Math.min(window, this.seconds - 1); k++) {
      const t = s - k;
      const i = ((t % this.seconds) + this.seconds) % this.seconds;
      if (this.stamps[i] === t) total += this.buckets[i];
    }
    return total;
  }

  /** Per-second rate over the last `window` complete seconds (default 5). */
  perSecond(nowMs: number, window = 5): number {
    return this.sum(nowMs, window) / window;
  }
}
