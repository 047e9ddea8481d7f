/**
 * The country choropleth: attack counts by source country on a log scale, quantised into a few
 * classes so the basemap is repainted only when a country changes class. Pure.
 */
import { alpha2ToNumeric } from '../iso-numeric.js';

/** Number of colour classes (plus "none"). */
export const CLASSES = 6;

/**
 * Class 0 (no attacks) to `classes` for a count, on log(1 + count) relative to the largest count,
 * so one noisy country does not wash out every other.
 */
export function classOf(count: number, max: number, classes = CLASSES): number {
  if (!(count > 0) || !(max > 0)) return 0;
  const t = Math.log1p(count) / Math.log1p(max);
  return Math.max(1, Math.min(classes, Math.ceil(t * classes)));
}

/** Lower count bound of each class 1..classes, for the legend (rounded up to whole attacks). */
export function legendBreaks(max: number, classes = CLASSES): number[] {
  const out: number[] = [];
  for (let c = 1; c <= classes; c++) out.push(Math.max(1, Math.floor(Math.expm1(((c - 1) / classes) * Math.log1p(max))) + 1));
  return out;
}

/** world-atlas feature key for a GeoIP country code: numeric id, or the feature name for codes without one. */
export function featureKey(alpha2: string): string | undefined {
  const a = alpha2.toUpperCase();
  if (a === 'XK') return 'name:Kosovo';
  return alpha2ToNumeric(a);
}

export interface ChoroplethDraw {
  max: number;
  /** Feature key → class (only countries with attacks). */
  classes: Map<string, number>;
  /** Changes only when some country changes class: the basemap repaints on change. */
  signature: string;
}

/** Builds the choropleth from counts by alpha-2 source country. */
export function buildChoropleth(counts: Iterable<[string, number]>, classes = CLASSES): ChoroplethDraw {
  let max = 0;
  const list: [string, number][] = [];
  for (const [c, n] of counts) { if (n > 0) { list.push([c, n]); if (n > max) max = n; } }
  const out = new Map<string, number>();
  for (const [c, n] of list) {
    const k = featureKey(c);
    if (k) out.set(k, Math.max(out.get(k) ?? 0, classOf(n, max, classes)));
  }
  const signature = [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}:${v}`).join(',');
  return { max, classes: out, signature };
}
