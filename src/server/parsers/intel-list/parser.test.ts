import { describe, expect, it } from 'vitest';
import { intelListParser, DEFAULT_FEED_NAME } from './parser.js';
import type { ParseContext } from '../types.js';

const ctx: ParseContext = { now: new Date('2026-11-24T06:30:00Z'), timezone: 'UTC', sensor: 's1' };

function severityOf(line: string): string | undefined {
  const r = intelListParser.parse(line, ctx);
  return r.kind === 'events' ? r.events[0].severity : undefined;
}

describe('intel-list', () => {
  it('maps list counts to severity at the documented thresholds', () => {
    const got = [0, 1, 2, 3, 4, 5, 7, 8, 40].map((n) => severityOf(`185.224.128.17\t${n}`));
    expect(got).toEqual(['low', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    expect(severityOf('185.224.128.17')).toBe('medium');
  });

  it('takes time from the clock and names the feed', () => {
    const r = intelListParser.parse('94.102.61.9 8', { ...ctx, options: { feed: '  Daily offenders ' } });
    expect(r.kind).toBe('events');
    if (r.kind !== 'events') return;
    expect(r.events[0]).toMatchObject({ time: '2026-11-24T06:30:00.000Z', rule: { name: 'Daily offenders' }, details: { feed: 'Daily offenders', lists: 8 } });
    const plain = intelListParser.parse('94.102.61.9', ctx);
    expect(plain.kind === 'events' && plain.events[0].rule.name).toBe(DEFAULT_FEED_NAME);
  });

  it('a clock outside the years 0000-9999 is an error, not a malformed time', () => {
    const r = intelListParser.parse('94.102.61.9', { ...ctx, now: new Date(8.64e15) });
    expect(r).toMatchObject({ kind: 'error', code: 'PARSE_BAD_TIME' });
  });

  it('checks options: known keys, types and ranges', () => {
    const check = intelListParser.checkOptions!;
    expect(check({})).toBeNull();
    expect(check({ feed: 'IPsum level 3', minCount: 3 })).toBeNull();
    expect(check({ feeds: 'x' })).toMatch(/unknown option "feeds"/);
    expect(check({ feed: '' })).toMatch(/^feed:/);
    expect(check({ feed: 7 })).toMatch(/^feed:/);
    expect(check({ feed: 'x'.repeat(201) })).toMatch(/^feed:/);
    expect(check({ minCount: -1 })).toMatch(/^minCount:/);
    expect(check({ minCount: 2.5 })).toMatch(/^minCount:/);
    expect(check({ minCount: '3' })).toMatch(/^minCount:/);
  });
});
