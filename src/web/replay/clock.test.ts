import { describe, expect, it } from 'vitest';
import { clampSpeed, quietSkip, ReplayClock } from './clock.js';

const FROM = Date.UTC(2026, 10, 25, 2, 13);
const TO = FROM + 3_600_000;

describe('replay clock', () => {
  it('stands still until played, then runs at its speed', () => {
    const c = new ReplayClock(FROM, TO, 60);
    expect(c.now(5000)).toBe(FROM);
    c.play(1000);
    expect(c.now(2000)).toBe(FROM + 60_000);
    expect(c.fraction(2000)).toBeCloseTo(1 / 60);
  });

  it('pauses where it is and resumes from there', () => {
    const c = new ReplayClock(FROM, TO, 10);
    c.play(0);
    c.pause(1000);
    expect(c.now(50_000)).toBe(FROM + 10_000);
    c.play(60_000);
    expect(c.now(61_000)).toBe(FROM + 20_000);
  });

  it('seeks inside the window only and keeps playing', () => {
    const c = new ReplayClock(FROM, TO, 1);
    c.play(0);
    c.seek(TO + 99_999, 10);
    expect(c.now(10)).toBe(TO);
    expect(c.ended(10)).toBe(true);
    c.seek(FROM - 5, 20);
    expect(c.now(20)).toBe(FROM);
    c.seek(FROM + 1000, 30);
    expect(c.now(1030)).toBe(FROM + 2000);
  });

  it('stops at the end and plays again from the start', () => {
    const c = new ReplayClock(FROM, TO, 600);
    c.play(0);
    expect(c.now(1e9)).toBe(TO);
    c.play(1e9);
    expect(c.now(1e9)).toBe(FROM);
  });

  it('changes speed without jumping', () => {
    const c = new ReplayClock(FROM, TO, 10);
    c.play(0);
    c.setSpeed(600, 1000);
    expect(c.now(1000)).toBe(FROM + 10_000);
    expect(c.now(2000)).toBe(FROM + 610_000);
    expect(c.speed).toBe(600);
  });

  it('clamps speeds and refuses an empty window', () => {
    expect(clampSpeed(0)).toBe(1);
    expect(clampSpeed(1e9)).toBe(3600);
    expect(clampSpeed(NaN)).toBe(60);
    expect(() => new ReplayClock(TO, FROM)).toThrow();
    expect(new ReplayClock(FROM, TO, 60, FROM - 1).now(0)).toBe(FROM);
  });
});

describe('quiet stretches', () => {
  it('are skipped only when the next event is more than the wait away', () => {
    expect(quietSkip(FROM, FROM + 600_000, 60, 3000)).toBe(FROM + 570_000);
    expect(quietSkip(FROM, FROM + 120_000, 60, 3000)).toBeNull();
    expect(quietSkip(FROM, undefined, 60, 3000)).toBeNull();
    expect(quietSkip(FROM, FROM - 5, 60, 3000)).toBeNull();
  });
});
