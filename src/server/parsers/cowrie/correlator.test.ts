import { describe, expect, it } from 'vitest';
import { cowrieParser, CowrieSessionCorrelator, SESSION_LIMIT } from './parser.js';
import type { IngestEvent } from '../../../event/schema.js';

const ctx = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 'hp' };

function one(line: object): IngestEvent {
  const r = cowrieParser.parse(JSON.stringify(line), ctx);
  if (r.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(r)}`);
  return r.events[0];
}
const connect = (session: string, dst = '10.0.0.5', port = 2222, protocol = 'ssh') => one({
  eventid: 'cowrie.session.connect', session, protocol, src_ip: '203.0.113.1', src_port: 40000,
  dst_ip: dst, dst_port: port, timestamp: '2026-02-28T10:00:00Z',
});
const failed = (session: string) => one({
  eventid: 'cowrie.login.failed', session, username: 'root', password: 'x', src_ip: '203.0.113.1', timestamp: '2026-02-28T10:00:01Z',
});

describe('CowrieSessionCorrelator', () => {
  it('fills destination, port and service from the session connect', () => {
    const c = cowrieParser.correlator!();
    expect(c.push(connect('s1', '10.0.0.5', 2323, 'telnet'))).toHaveLength(1);
    const [e] = c.push(failed('s1'));
    expect(e.destination).toEqual({ ip: '10.0.0.5', port: 2323 });
    expect(e.service).toBe('telnet');
    expect(e.details?.username).toBe('root');
  });

  it('passes events of unknown sessions unchanged, with the unspecified destination', () => {
    const c = new CowrieSessionCorrelator();
    const ev = failed('nope');
    const [e] = c.push(ev);
    expect(e).toBe(ev);
    expect(e.destination).toEqual({ ip: '0.0.0.0' });
  });

  it('does not overwrite a destination the record itself stated', () => {
    const c = new CowrieSessionCorrelator();
    c.push(connect('s1', '10.0.0.5'));
    const own = { ...failed('s1'), destination: { ip: '10.9.9.9', port: 22 } };
    expect(c.push(own)[0].destination).toEqual({ ip: '10.9.9.9', port: 22 });
  });

  it('keeps at most `limit` sessions, forgetting the least recently used', () => {
    const c = new CowrieSessionCorrelator(3);
    for (const s of ['a', 'b', 'c']) c.push(connect(s, `10.0.0.${s.charCodeAt(0) - 96}`));
    c.push(failed('a')); // refreshes a: b is now the oldest
    c.push(connect('d', '10.0.0.4'));
    expect(c.size).toBe(3);
    expect(c.push(failed('b'))[0].destination.ip).toBe('0.0.0.0');
    expect(c.push(failed('a'))[0].destination.ip).toBe('10.0.0.1');
    expect(c.push(failed('d'))[0].destination.ip).toBe('10.0.0.4');
  });

  it('stays bounded at the default limit under a flood of sessions', () => {
    const c = new CowrieSessionCorrelator();
    for (let i = 0; i < SESSION_LIMIT + 500; i++) c.push(connect(`s${i}`));
    expect(c.size).toBe(SESSION_LIMIT);
    expect(c.push(failed('s0'))[0].destination.ip).toBe('0.0.0.0');
    expect(c.push(failed(`s${SESSION_LIMIT + 499}`))[0].destination.ip).toBe('10.0.0.5');
  });
});
