import { describe, expect, it } from 'vitest';
import { stripSyslog } from './strip.js';

const ctx = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC' };
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('stripSyslog', () => {
  it('reads an RFC 3164 header with host, app and pid', () => {
    const r = stripSyslog('Feb 28 23:59:58 gw1 sshd[4242]: Failed password for root from 198.51.100.7 port 5122 ssh2', ctx);
    expect(r).not.toBeNull();
    expect(iso(r!.time)).toBe('2026-02-28T23:59:58.000Z');
    expect(r!.host).toBe('gw1');
    expect(r!.app).toBe('sshd');
    expect(r!.pid).toBe('4242');
    expect(r!.message).toBe('Failed password for root from 198.51.100.7 port 5122 ssh2');
  });

  it('puts a December line read in January into the previous year', () => {
    const jan = { now: new Date('2027-01-02T00:10:00Z'), timezone: 'UTC' };
    expect(iso(stripSyslog('Dec 31 23:59:59 h kernel: x', jan)!.time)).toBe('2026-12-31T23:59:59.000Z');
    expect(iso(stripSyslog('Jan  2 00:05:00 h kernel: x', jan)!.time)).toBe('2027-01-02T00:05:00.000Z');
  });

  it('rejects a day the month does not have instead of rolling into the next month', () => {
    expect(stripSyslog('Feb 30 10:00:00 h sshd[1]: Invalid user x from 192.0.2.1 port 22', ctx)).toBeNull();
    expect(stripSyslog('Apr 31 10:00:00 h kernel: x', ctx)).toBeNull();
    expect(iso(stripSyslog('Apr 30 10:00:00 h kernel: x', ctx)!.time)).toBe('2025-04-30T10:00:00.000Z');
  });

  it('reads a space-padded day, a priority and a fraction, and applies the zone', () => {
    const berlin = { now: new Date('2026-06-10T12:00:00Z'), timezone: 'Europe/Berlin' };
    const r = stripSyslog('<38>Jun  8 10:00:00.250 web kernel: [123.4] IN=eth0', berlin)!;
    expect(iso(r.time)).toBe('2026-06-08T08:00:00.250Z');
    expect(r.app).toBe('kernel');
    expect(r.pid).toBeUndefined();
    expect(r.message).toBe('[123.4] IN=eth0');
  });

  it('accepts a local log without host', () => {
    const r = stripSyslog('Mar  1 11:00:00 sshd[9]: Invalid user x from 192.0.2.1', ctx)!;
    expect(r.host).toBeUndefined();
    expect(r.app).toBe('sshd');
    expect(r.message).toBe('Invalid user x from 192.0.2.1');
  });

  it('reads an RFC 3339 time in the RFC 3164 position', () => {
    const r = stripSyslog('2026-02-27T10:11:12.5+01:00 fw1 fail2ban.actions[77]: msg', ctx)!;
    expect(iso(r.time)).toBe('2026-02-27T09:11:12.500Z');
    expect(r.host).toBe('fw1');
    expect(r.app).toBe('fail2ban.actions');
  });

  it('reads RFC 5424 with structured data containing escapes and spaces', () => {
    const line = '<38>1 2026-01-19T14:23:55+00:00 fw.example sshd 44255 - [meta sequenceId="1" x="a\\]b c"][o k="v"] \uFEFFInvalid user admin from 203.0.113.9 port 4022';
    const r = stripSyslog(line, ctx)!;
    expect(iso(r.time)).toBe('2026-01-19T14:23:55.000Z');
    expect(r).toMatchObject({ host: 'fw.example', app: 'sshd', pid: '44255' });
    expect(r.message).toBe('Invalid user admin from 203.0.113.9 port 4022');
  });

  it('reads RFC 5424 with nil fields', () => {
    const r = stripSyslog('<13>1 - - - - - - hello world', ctx)!;
    expect(r.time).toBeUndefined();
    expect(r.host).toBeUndefined();
    expect(r.message).toBe('hello world');
  });

  it('returns null for lines without a header and for impossible dates', () => {
    expect(stripSyslog('Failed password for root', ctx)).toBeNull();
    expect(stripSyslog('Foo 12 10:00:00 h a: b', ctx)).toBeNull();
    expect(stripSyslog('Mar 32 10:00:00 h a: b', ctx)).toBeNull();
    expect(stripSyslog('Mar  1 25:00:00 h a: b', ctx)).toBeNull();
    expect(stripSyslog('<38>1 2026-01-19T14:23:55 h a - - - unzoned', ctx)).toBeNull();
    expect(stripSyslog('<38>1 2026-01-19T14:23:55Z h a - - [unterminated', ctx)).toBeNull();
    expect(stripSyslog('', ctx)).toBeNull();
  });

  it('keeps attacker text in the message untouched, including newlines and huge fields', () => {
    const big = 'A'.repeat(65536);
    const r = stripSyslog(`Mar  1 10:00:00 h sshd[1]: Invalid user \u001b[31m<script>\n${big}`, ctx)!;
    expect(r.message.startsWith('Invalid user \u001b[31m<script>\n')).toBe(true);
    expect(r.message.length).toBe('Invalid user \u001b[31m<script>\n'.length + 65536);
  });
});
