import { describe, expect, it } from 'vitest';
import { Framer, frameAll } from './framing.js';

describe('Framer', () => {
  it('frames lines across chunk boundaries and keeps a partial line until its newline', () => {
    const f = new Framer('line');
    expect(f.push('alpha\nbe')).toEqual([{ text: 'alpha', truncated: false, line: 1 }]);
    expect(f.pendingChars).toBe(2);
    expect(f.push('ta\r\n\ngamma')).toEqual([{ text: 'beta', truncated: false, line: 2 }]);
    expect(f.end()).toEqual([{ text: 'gamma', truncated: false, line: 4 }]);
  });

  it('frames blank-line separated blocks, the last one without a trailing blank line', () => {
    const recs = frameAll('[**] a\nline2\n\n\n[**] b\nx\n', 'blank-line');
    expect(recs.map((r) => [r.text, r.line])).toEqual([['[**] a\nline2', 1], ['[**] b\nx', 5]]);
  });

  it('cuts a line longer than the bound and flags it, holding no more than the bound', () => {
    const f = new Framer('line', 10);
    const out = f.push('x'.repeat(25));
    expect(out).toEqual([]);
    expect(f.pendingChars).toBe(10);
    const done = f.push('yy\nok\n');
    expect(done).toEqual([{ text: 'x'.repeat(10), truncated: true, line: 1 }, { text: 'ok', truncated: false, line: 2 }]);
  });

  it('bounds a block that never ends', () => {
    const recs = frameAll(Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n'), 'blank-line', 12);
    expect(recs.length).toBeGreaterThan(1);
    for (const r of recs) expect(r.text.length).toBeLessThanOrEqual(12);
    expect(recs.slice(0, -1).every((r) => r.truncated)).toBe(true);
  });
});
