/**
 * Words read from a record are looked up in plain-object tables; a word such as "constructor"
 * or "toString" must not find Object.prototype's members there.
 */
import { describe, expect, it } from 'vitest';
import { parserFor } from '../index.js';
import type { ParseContext, ParseResult } from '../types.js';
import { validateIngest } from '../../../event/validate.js';
import { own } from './index.js';

const ctx: ParseContext = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 's' };

function only(r: ParseResult) {
  expect(r.kind).toBe('events');
  if (r.kind !== 'events') throw new Error('no event');
  const ev = r.events[0];
  // Every value must be plain data that survives validation.
  expect(validateIngest(structuredClone(ev), { sensor: 's' }).ok).toBe(true);
  return ev;
}

describe('prototype names in lookup tables', () => {
  it('own() finds only own keys', () => {
    expect(own({ a: 1 }, 'a')).toBe(1);
    expect(own({ a: 1 }, 'constructor')).toBeUndefined();
    expect(own({ a: 1 }, '__proto__')).toBeUndefined();
    expect(own({ a: 1 }, 'toString')).toBeUndefined();
  });

  it('alert_fast: an IPS verdict word "constructor" is an alert', () => {
    const line = '02/28-10:00:00.000000 [constructor] [**] [1:2:3] x [**] [Priority: 1] {TCP} 192.0.2.1:1 -> 198.51.100.2:2';
    expect(only(parserFor('snort-fast')!.parse(line, ctx)).action).toBe('alert');
  });

  it('snort3-json: action "constructor" is an alert', () => {
    const line = JSON.stringify({ seconds: 1700000000, msg: 'x', sid: 1, proto: 'TCP', src_addr: '192.0.2.1', src_port: 1, dst_addr: '198.51.100.2', dst_port: 2, action: 'constructor' });
    expect(only(parserFor('snort3-json')!.parse(line, ctx)).action).toBe('alert');
  });

  it('cef: severity "constructor" is an error, proto "toString" a plain transport name', () => {
    const bad = parserFor('cef')!.parse('CEF:0|V|P|1|100|name|constructor|src=192.0.2.1 dst=198.51.100.2 rt=1700000000000', ctx);
    expect(bad).toMatchObject({ kind: 'error', code: 'PARSE_BAD_VALUE' });
    const ev = only(parserFor('cef')!.parse('CEF:0|V|P|1|100|name|5|src=192.0.2.1 dst=198.51.100.2 rt=1700000000000 proto=toString', ctx));
    expect(ev.transport).toBe('tostring');
  });

  it('snort-csv: "constructor" is not a column name', () => {
    expect(parserFor('snort-csv')!.checkOptions!({ fields: ['timestamp', 'src', 'dst', 'msg', 'constructor'] })).toMatch(/not an alert_csv column/);
  });
});
