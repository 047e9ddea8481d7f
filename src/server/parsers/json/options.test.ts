import { describe, expect, it } from 'vitest';
import { jsonParser } from './parser.js';
import { getPath } from './fields.js';

const check = (o: Record<string, unknown>) => jsonParser.checkOptions!(o);
const base = { time: 'ts', sourceIp: 'src.ip' };

describe('json mapping options', () => {
  it('accepts a minimal and a full mapping', () => {
    expect(check(base)).toBeNull();
    expect(check({
      ...base, sourcePort: 'src.port', destinationIp: 'dst.ip', destinationPort: 'dst.port', rule: 'sig.name',
      ruleId: 'sig.id', category: 'sig.class', severity: 'sig.prio', action: 'verdict', transport: 'proto',
      service: 'app', sensor: 'host', count: 'n', timeFormat: 'epoch_ms', defaultCategory: 'scan',
      defaultSeverity: 'high', defaultAction: 'blocked', defaultRule: 'x', product: 'p',
      categoryMap: { sqli: 'exploit' }, severityMap: { '1': 'high' }, actionMap: { deny: 'blocked' },
      details: { url: 'req.url' },
    })).toBeNull();
    expect(check({ ...base, details: ['a.b', 'c'] })).toBeNull();
  });

  it('names the missing or bad key', () => {
    expect(check({ sourceIp: 'a' })).toMatch(/^options\.time is required/);
    expect(check({ time: 'a' })).toMatch(/^options\.sourceIp is required/);
    expect(check({ ...base, sourcIp: 'typo' })).toMatch(/^options\.sourcIp is not a mapping key/);
    expect(check({ ...base, sourcePort: 5 })).toMatch(/^options\.sourcePort must be a dotted path/);
    expect(check({ ...base, rule: 'a..b' })).toMatch(/^options\.rule must be a dotted path/);
    expect(check({ ...base, rule: 'a.'.repeat(20) + 'b' })).toMatch(/^options\.rule must be a dotted path/);
    expect(check({ ...base, timeFormat: 'unix' })).toMatch(/^options\.timeFormat must be one of/);
    expect(check({ ...base, defaultCategory: 'attack' })).toMatch(/^options\.defaultCategory must be one of scan/);
    expect(check({ ...base, defaultSeverity: 'urgent' })).toMatch(/^options\.defaultSeverity/);
    expect(check({ ...base, defaultAction: 'drop' })).toMatch(/^options\.defaultAction/);
    expect(check({ ...base, categoryMap: { sqli: 'sql' } })).toMatch(/^options\.categoryMap\.sqli must be one of/);
    expect(check({ ...base, severityMap: [] })).toMatch(/^options\.severityMap must be an object/);
    expect(check({ ...base, details: 'url' })).toMatch(/^options\.details must be/);
    expect(check({ ...base, details: Array.from({ length: 30 }, (_, i) => `f${i}`) })).toMatch(/more than 24/);
    expect(check({ ...base, product: '' })).toMatch(/^options\.product must be text/);
  });

  it('turns a bad mapping into a coded error per record instead of throwing', () => {
    const ctx = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 's', options: { time: 'ts' } };
    const r = jsonParser.parse('{"ts":"2026-02-28T00:00:00Z","src":"203.0.113.1"}', ctx);
    expect(r).toEqual({ kind: 'error', code: 'PARSE_BAD_VALUE', message: expect.stringContaining('options.sourceIp is required') });
  });
});

describe('getPath', () => {
  it('reads nested, dotted and mixed keys', () => {
    expect(getPath({ a: { b: { c: 1 } } }, 'a.b.c')).toBe(1);
    expect(getPath({ 'a.b': { c: 2 } }, 'a.b.c')).toBe(2);
    expect(getPath({ a: { 'b.c': 3 } }, 'a.b.c')).toBe(3);
    expect(getPath({ 'a.b.c': 4, a: { b: { c: 5 } } }, 'a.b.c')).toBe(4);
    expect(getPath({ a: [1, 2] }, 'a.0')).toBeUndefined();
    expect(getPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(getPath({}, '__proto__')).toBeUndefined();
    expect(getPath({ a: {} }, 'a.constructor')).toBeUndefined();
  });
});
