import { describe, expect, it } from 'vitest';
import { isoSeconds, parseReplay, parseTime, writeReplay } from './url.js';
import { fromLocalInput, presetWindow, PRESETS, toLocalInput, windowText } from './presets.js';

const FROM = Date.UTC(2026, 10, 25, 2, 13);
const TO = FROM + 3_600_000;

describe('replay in the URL', () => {
  it('round-trips window, speed, position and pause', () => {
    const q = new URLSearchParams();
    writeReplay(q, { from: FROM, to: TO, speed: 600, at: FROM + 65_432, playing: false });
    expect(q.get('from')).toBe('2026-11-25T02:13:00Z');
    const r = parseReplay(new URLSearchParams(q.toString()));
    expect(r).toEqual({ from: FROM, to: TO, speed: 600, at: FROM + 65_432, playing: false });
    expect(q.get('at')).toBe('2026-11-25T02:14:05.432Z');
  });

  it('reads epoch ms and offsets, and falls back to live on a bad window', () => {
    expect(parseReplay(new URLSearchParams(`mode=replay&from=${FROM}&to=${TO}`))).toEqual({ from: FROM, to: TO, speed: 60, at: FROM, playing: true });
    expect(parseTime('2026-11-25T03:13:00+01:00')).toBe(FROM);
    expect(parseReplay(new URLSearchParams(`mode=replay&from=${TO}&to=${FROM}`))).toBeNull();
    expect(parseReplay(new URLSearchParams('mode=replay&from=yesterday&to=now'))).toBeNull();
    expect(parseReplay(new URLSearchParams(`from=${FROM}&to=${TO}`))).toBeNull();
    expect(parseReplay(new URLSearchParams(`mode=replay&from=0&to=${TO}`))).toBeNull();
    expect(parseReplay(new URLSearchParams(`mode=replay&from=${FROM}&to=${TO}&speed=abc&at=${TO + 5}`))).toMatchObject({ speed: 60, at: TO });
    expect(isoSeconds(FROM + 5)).toBe('2026-11-25T02:13:00.005Z');
  });

  it('writes nothing for live mode', () => {
    const q = new URLSearchParams();
    writeReplay(q, null);
    expect(q.toString()).toBe('');
  });
});

describe('replay presets', () => {
  it('resolve to whole minutes ending after now', () => {
    const now = FROM + 30_500;
    const w = presetWindow(PRESETS.find((p) => p.id === '1h')!, now);
    expect(w.to).toBe(FROM + 60_000);
    expect(w.to - w.from).toBe(3_600_000);
    expect(w.to).toBeGreaterThan(now);
  });

  it('label the window and read local input values', () => {
    const from = new Date(2026, 10, 25, 2, 13).getTime();
    expect(windowText(from, from + 3_600_000, from)).toBe('02:13–03:13');
    expect(windowText(from, from + 3_600_000, from + 3 * 86_400_000)).toBe('2026-11-25 02:13–03:13');
    expect(toLocalInput(from)).toBe('2026-11-25T02:13');
    expect(fromLocalInput('2026-11-25T02:13')).toBe(from);
    expect(fromLocalInput('')).toBeNaN();
  });
});

describe('replay in the page settings', async () => {
  const { parseSettings, toSearch } = await import('../settings.js');
  it('keeps filters and replay together in one link', () => {
    const s = parseSettings(`?category=scan&srcCountry=CN&mode=replay&from=${FROM}&to=${TO}&speed=10&at=${FROM + 60_000}&play=0`);
    expect(s.replay).toEqual({ from: FROM, to: TO, speed: 10, at: FROM + 60_000, playing: false });
    expect(s.filters.srcCountry).toBe('CN');
    expect(parseSettings(toSearch(s))).toEqual(s);
    expect(parseSettings('?theme=light').replay).toBeNull();
  });
});
