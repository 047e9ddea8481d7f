import { describe, expect, it } from 'vitest';
import { cefParser, cefTime } from './parser.js';

const ctx = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 's' };

describe('cefTime', () => {
  it('reads the MMM dd yyyy form and rejects a day the month does not have', () => {
    expect(cefTime('Feb 27 2026 10:00:00', ctx)).toBe(Date.UTC(2026, 1, 27, 10));
    expect(cefTime('Feb 30 2026 10:00:00', ctx)).toBeNull();
    expect(cefTime('Jun 31 10:00:00.5 UTC', ctx)).toBeNull();
  });
  it('dead-letters a record whose rt names an impossible date', () => {
    const r = cefParser.parse('CEF:0|V|P|1|100|name|5|src=192.0.2.1 dst=198.51.100.2 rt=Feb 30 2026 10:00:00', ctx);
    expect(r).toMatchObject({ kind: 'error', code: 'PARSE_BAD_TIME' });
  });
});
