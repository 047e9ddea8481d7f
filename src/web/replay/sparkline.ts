/**
 * The event-count series of /api/stats drawn as a bar sparkline on a canvas behind the replay
 * slider, so an operator sees where the busy minutes are before seeking.
 */

export interface SeriesPoint { t: number; total: number }

/** Series points from a /api/stats answer (bad entries skipped); times in epoch ms. */
export function readSeries(body: unknown): { points: SeriesPoint[]; total: number } {
  const b = (body ?? {}) as { series?: unknown; total?: unknown };
  const points: SeriesPoint[] = [];
  if (Array.isArray(b.series)) {
    for (const p of b.series.slice(0, 5000)) {
      const t = typeof p?.t === 'number' ? p.t : Date.parse(String(p?.t));
      const total = Number(p?.total);
      if (Number.isFinite(t) && Number.isFinite(total) && total >= 0) points.push({ t, total });
    }
  }
  return { points, total: typeof b.total === 'number' && Number.isFinite(b.total) ? b.total : points.reduce((s, p) => s + p.total, 0) };
}

/**
 * Bar heights 0–1 for `columns` equal slices of [from, to): each point adds to the slice its time
 * falls in; heights are relative to the busiest slice (square-root scale, so a quiet minute still shows).
 */
export function sliceHeights(points: SeriesPoint[], from: number, to: number, columns: number): number[] {
  const n = Math.max(1, Math.floor(columns));
  const sums = new Array<number>(n).fill(0);
  const span = to - from;
  if (!(span > 0)) return sums;
  for (const p of points) {
    if (p.t < from || p.t >= to) continue;
    sums[Math.min(n - 1, Math.floor(((p.t - from) / span) * n))] += p.total;
  }
  const max = Math.max(...sums);
  return max > 0 ? sums.map((s) => Math.sqrt(s / max)) : sums;
}

/** The series' bucket width, ms: the smallest gap between consecutive points (0 with fewer than two). */
export function bucketOf(points: SeriesPoint[]): number {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = points[i].t - points[i - 1].t;
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : 0;
}

/** Draws the bars onto `canvas` (sized to its box and the device pixel ratio) in `color`. */
export function drawSparkline(canvas: HTMLCanvasElement, points: SeriesPoint[], from: number, to: number, color: string): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  // One column per series bucket (so a sparse series does not look like a comb), at least 3 px wide.
  const bucket = bucketOf(points);
  const wanted = bucket > 0 ? Math.round((to - from) / bucket) : 240;
  const cols = Math.max(1, Math.min(240, Math.floor(w / (3 * dpr)), wanted));
  const hs = sliceHeights(points, from, to, cols);
  const bw = w / cols;
  ctx.fillStyle = color;
  hs.forEach((v, i) => { if (v > 0) ctx.fillRect(i * bw, h - v * h, Math.max(1, bw - dpr), v * h); });
}
