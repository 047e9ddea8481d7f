import { describe, expect, it } from 'vitest';
import { isEventTime, parseIsoLike, toIso } from './time.js';
import { mulberry32 } from '../server/random.js';

describe('isEventTime', () => {
  it('accepts the event time form and rejects near misses', () => {
    for (const t of ['2026-11-25T14:00:00.000Z', '2024-02-29T23:59:59.999Z', '1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      expect(isEventTime(t)).toBe(true);
    }
    for (const t of [
      '2026-11-25T14:00:00Z', '2026-11-25T14:00:00.000+00:00', '2026-11-25 14:00:00.000Z', '2026-11-25T14:00:00.000z',
      '2025-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z', '2026-11-00T00:00:00.000Z', '2026-11-25T24:00:00.000Z', '2026-11-25T14:60:00.000Z',
      '2026-11-25T14:00:60.000Z', '0099-01-01T00:00:00.000Z', '2026-1a-25T14:00:00.000Z', '２０２６-11-25T14:00:00.000Z', '',
    ]) {
      expect(isEventTime(t), t).toBe(false);
    }
  });

  it('is true only where parsing and formatting again would give the same text', () => {
    const r = mulberry32(77);
    const pick = (n: number) => Math.floor(r() * n);
    const pad = (v: number, w: number) => String(v).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      // Mostly plausible values with out-of-range fields mixed in.
      const t = `${pad(pick(10) === 0 ? pick(10000) : 1990 + pick(60), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}T${pad(pick(26), 2)}:${pad(pick(62), 2)}:${pad(pick(62), 2)}.${pad(pick(1000), 3)}Z`;
      const epoch = parseIsoLike(t);
      const again = epoch === null ? null : toIso(epoch);
      if (isEventTime(t)) expect(again, t).toBe(t);
    }
  });
});
