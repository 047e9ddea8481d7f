import { describe, expect, it } from 'vitest';
import { bucketOf, readSeries, sliceHeights } from './sparkline.js';

describe('replay sparkline', () => {
  it('reads the stats series and skips bad points', () => {
    const r = readSeries({ total: 7, series: [{ t: '2026-11-25T02:13:00.000Z', total: 5 }, { t: 'x', total: 1 }, { t: 1000, total: -1 }, null, { t: 2000, total: 2 }] });
    expect(r.points).toEqual([{ t: Date.UTC(2026, 10, 25, 2, 13), total: 5 }, { t: 2000, total: 2 }]);
    expect(r.total).toBe(7);
    expect(readSeries('junk')).toEqual({ points: [], total: 0 });
  });

  it('scales slices to the busiest one and ignores points outside the window', () => {
    const h = sliceHeights([{ t: 0, total: 4 }, { t: 50, total: 1 }, { t: 99, total: 0 }, { t: 100, total: 50 }, { t: -1, total: 9 }], 0, 100, 2);
    expect(h).toEqual([1, 0.5]);
    expect(sliceHeights([], 0, 100, 3)).toEqual([0, 0, 0]);
    expect(sliceHeights([{ t: 5, total: 1 }], 10, 10, 2)).toEqual([0, 0]);
  });

  it('finds the bucket width of a series with gaps', () => {
    expect(bucketOf([{ t: 0, total: 1 }, { t: 300_000, total: 1 }, { t: 360_000, total: 2 }])).toBe(60_000);
    expect(bucketOf([{ t: 0, total: 1 }])).toBe(0);
  });
});
