import { describe, expect, it } from 'vitest';
import {
  CLASSTYPES, DETAIL_MAX, actionFromSnort, categorize, clip, guard, lookupClass, observer, parsePort, severityFromPriority,
  signatureSeverity, snortTimeToIso, splitHostPort,
} from './index.js';
import { CATEGORIES } from '../../../event/schema.js';
import { snortCsv } from '../snort-csv/parser.js';
import { suricataEve } from '../suricata-eve/parser.js';
import { fail2banParser } from '../fail2ban/parser.js';
import { sshdParser } from '../sshd/parser.js';
import { cowrieParser } from '../cowrie/parser.js';
import { opencanaryParser } from '../opencanary/parser.js';
import { sensorContext, type ParseContext, type Parser } from '../types.js';

describe('classification table', () => {
  it('finds a class by short name or by logged description, any case', () => {
    expect(lookupClass('attempted-admin')?.priority).toBe(1);
    expect(lookupClass('Attempted Administrator Privilege Gain')?.name).toBe('attempted-admin');
    expect(lookupClass('  attempted information LEAK ')?.category).toBe('recon');
    expect(lookupClass('(null)')).toBeUndefined();
    expect(lookupClass('x'.repeat(10_000))).toBeUndefined();
  });
  it('has unique names and descriptions and only known categories', () => {
    const names = new Set(CLASSTYPES.map((c) => c.name));
    const descs = new Set(CLASSTYPES.map((c) => c.description.toLowerCase()));
    expect(names.size).toBe(CLASSTYPES.length);
    expect(descs.size).toBe(CLASSTYPES.length);
    for (const c of CLASSTYPES) expect(CATEGORIES).toContain(c.category);
  });
});

describe('severity', () => {
  it('maps priority 1/2/3+ and treats 0 as unset', () => {
    expect(severityFromPriority(1)).toBe('high');
    expect(severityFromPriority(2)).toBe('medium');
    expect(severityFromPriority(3)).toBe('low');
    expect(severityFromPriority(255)).toBe('low');
    expect(severityFromPriority(0)).toBeUndefined();
    expect(severityFromPriority(1.5)).toBeUndefined();
  });
  it('falls back to the class priority, raises successful compromises and Critical metadata', () => {
    expect(signatureSeverity({ priority: 0, classtype: 'trojan-activity' })).toBe('high');
    expect(signatureSeverity({})).toBe('low');
    expect(signatureSeverity({ priority: 1, classtype: 'Successful Administrator Privilege Gain' })).toBe('critical');
    expect(signatureSeverity({ priority: 2, classtype: 'successful-admin' })).toBe('medium');
    expect(signatureSeverity({ priority: 3, signatureSeverity: ['Critical'] })).toBe('critical');
  });
});

describe('category', () => {
  it('uses brute-force words, then the class, then the rule prefix', () => {
    expect(categorize('attempted-admin', 'ET SCAN SSH BruteForce Tool')).toBe('bruteforce');
    expect(categorize('Misc Attack', 'ET CINS Active Threat Intelligence Poor Reputation IP group 1')).toBe('intel');
    expect(categorize('web-application-attack', 'ET SCAN x')).toBe('exploit');
    expect(categorize(undefined, 'ET EXPLOIT_KIT RIG landing')).toBe('exploit');
    expect(categorize(undefined, 'ET SCANNER-ish name')).toBe('other');
    expect(categorize(undefined, 'MALWARE-CNC Win.Trojan')).toBe('malware');
    expect(categorize(undefined, '(portscan) TCP Portsweep')).toBe('scan');
  });
});

describe('splitHostPort', () => {
  it('reads IPv4, bracketed and expanded IPv6 with ports', () => {
    expect(splitHostPort('192.0.2.1:80', true)).toEqual({ ok: true, ip: '192.0.2.1', port: 80 });
    expect(splitHostPort('[2001:db8::1]:443', true)).toEqual({ ok: true, ip: '2001:db8::1', port: 443 });
    expect(splitHostPort('2001:0db8:0000:0000:0000:0000:0000:0001:53', true)).toEqual({ ok: true, ip: '2001:db8::1', port: 53 });
    expect(splitHostPort('2001:db8::1', false)).toEqual({ ok: true, ip: '2001:db8::1' });
  });
  it('drops ICMP type/code in the port position', () => {
    expect(splitHostPort('192.0.2.1:8', false)).toEqual({ ok: true, ip: '192.0.2.1' });
    expect(splitHostPort('fe80:0000:0000:0000:0000:0000:0000:0001:134', false)).toEqual({ ok: true, ip: 'fe80::1' });
  });
  it('rejects bad addresses and ports with their codes', () => {
    expect(splitHostPort('192.0.2.300:1', true)).toMatchObject({ ok: false, code: 'PARSE_BAD_IP' });
    expect(splitHostPort('192.0.2.1:65536', true)).toMatchObject({ ok: false, code: 'PARSE_BAD_PORT' });
    expect(splitHostPort('[::1', true)).toMatchObject({ ok: false, code: 'PARSE_BAD_IP' });
    expect(splitHostPort('a'.repeat(1000), true)).toMatchObject({ ok: false, code: 'PARSE_BAD_IP' });
    expect(parsePort('0080')).toBe(80);
    expect(parsePort('-1')).toBeNull();
    expect(parsePort(1.5)).toBeNull();
  });
});

describe('snortTimeToIso', () => {
  const now = new Date('2026-01-03T00:30:00Z');
  it('infers the year with a December to January roll-over', () => {
    expect(snortTimeToIso('12/31-23:59:59.123456', now, 'UTC')).toBe('2025-12-31T23:59:59.123Z');
    expect(snortTimeToIso('01/02-10:00:00', now, 'UTC')).toBe('2026-01-02T10:00:00.000Z');
  });
  it('reads 2- and 4-digit years and the zone', () => {
    expect(snortTimeToIso('06/15/2024-12:00:00.5', now, 'Europe/Berlin')).toBe('2024-06-15T10:00:00.500Z');
    expect(snortTimeToIso('06/15/24-12:00:00', now, 'UTC')).toBe('2024-06-15T12:00:00.000Z');
  });
  it('rejects impossible dates and junk', () => {
    expect(snortTimeToIso('02/30-10:00:00', now, 'UTC')).toBeNull();
    expect(snortTimeToIso('13/01-10:00:00', now, 'UTC')).toBeNull();
    expect(snortTimeToIso('01/01-24:00:00', now, 'UTC')).toBeNull();
    expect(snortTimeToIso('01/01-10:00:00', now, 'Not/AZone')).toBeNull();
  });
});

describe('helpers', () => {
  it('clips details without splitting a surrogate pair', () => {
    const s = 'a'.repeat(1023) + '\u{1F600}';
    expect(clip(s, DETAIL_MAX)).toBe('a'.repeat(1023));
  });
  it('guard turns an exception into PARSE_BAD_VALUE', () => {
    expect(guard(() => { throw new Error('boom'); })).toMatchObject({ kind: 'error', code: 'PARSE_BAD_VALUE' });
  });
  it('maps Snort 3 actions', () => {
    expect(actionFromSnort('allow')).toBe('allowed');
    expect(actionFromSnort('DROP')).toBe('blocked');
    expect(actionFromSnort('would_drop')).toBe('alert');
    expect(actionFromSnort({})).toBe('alert');
  });
});

describe("observer name: the record's own, unless the user named the sensor", () => {
  const base: ParseContext = { now: new Date('2026-03-01T00:00:00Z'), timezone: 'UTC', sensor: 'canary-berlin' };
  const fixed: ParseContext = { ...base, sensorFixed: true };

  it("observer() keeps the record's name by default and ctx.sensor when sensorFixed", () => {
    expect(observer('opencanary-0', 'opencanary', base).name).toBe('opencanary-0');
    expect(observer('  ', 'opencanary', base).name).toBe('canary-berlin');
    expect(observer(undefined, 'opencanary', base).name).toBe('canary-berlin');
    expect(observer('opencanary-0', 'opencanary', fixed).name).toBe('canary-berlin');
    expect(observer('opencanary-0', 'opencanary', { ...fixed, site: 'berlin' })).toEqual({ name: 'canary-berlin', product: 'opencanary', site: 'berlin' });
  });

  it('a name the user gave is fixed; a missing or blank one leaves the fallback for unnamed records', () => {
    expect(sensorContext('canary-berlin', 'cli')).toEqual({ sensor: 'canary-berlin', sensorFixed: true });
    expect(sensorContext(undefined, 'cli')).toEqual({ sensor: 'cli', sensorFixed: false });
    expect(sensorContext('  ', 'cli')).toEqual({ sensor: 'cli', sensorFixed: false });
  });

  // Records that carry their own sensor name, in each place a parser reads one from.
  const cases: Array<[Parser, string, string]> = [
    [opencanaryParser, '{"dst_host": "10.40.0.9", "dst_port": 21, "local_time": "2026-02-28 16:00:00.111111", "logdata": {"PASSWORD": "x", "USERNAME": "admin"}, "logtype": 2000, "node_id": "opencanary-0", "src_host": "203.0.113.130", "src_port": 50010}', 'opencanary-0'],
    [opencanaryParser, '<14>Feb 28 16:00:00 canaryhost opencanaryd: {"dst_host": "10.40.0.9", "dst_port": 21, "local_time": "2026-02-28 16:00:00.111111", "logdata": {"USERNAME": "admin"}, "logtype": 2000, "src_host": "203.0.113.130", "src_port": 50010}', 'canaryhost'],
    [cowrieParser, '{"eventid": "cowrie.login.failed", "src_ip": "203.0.113.45", "src_port": 51022, "dst_ip": "10.20.0.5", "dst_port": 2222, "session": "s1", "protocol": "ssh", "timestamp": "2026-02-28T09:15:02.000000Z", "sensor": "hp-ams-1", "username": "root", "password": "x"}', 'hp-ams-1'],
    [suricataEve, '{"timestamp": "2026-02-28T09:15:02.000000+0000", "event_type": "alert", "host": "ids-7", "src_ip": "203.0.113.45", "src_port": 51022, "dest_ip": "10.0.0.5", "dest_port": 22, "proto": "TCP", "alert": {"action": "allowed", "gid": 1, "signature_id": 2001219, "rev": 20, "signature": "ET SCAN Potential SSH Scan", "category": "Attempted Information Leak", "severity": 2}}', 'ids-7'],
    [sshdParser, 'Feb 28 06:25:01 bastion sshd[20511]: Failed password for root from 203.0.113.77 port 40122 ssh2', 'bastion'],
  ];
  it.each(cases.map(([parser, line, own]) => [parser.name, parser, line, own] as const))("%s: the record's name by default, the configured one when fixed", (_name, parser, line, own) => {
    const names = (ctx: ParseContext) => {
      const r = parser.parse(line, ctx);
      if (r.kind !== 'events') throw new Error(`${parser.name}: ${JSON.stringify(r)}`);
      return r.events.map((e) => e.observer?.name);
    };
    expect(names(base)).toEqual([own]);
    expect(names(fixed)).toEqual(['canary-berlin']);
  });
});

describe('checkOptions', () => {
  it('snort-csv accepts Snort 2 and Snort 3 lists and rejects bad ones', () => {
    const check = snortCsv.checkOptions!;
    expect(check({})).toBeNull();
    expect(check({ fields: 'timestamp,sig_generator,sig_id,sig_rev,msg,proto,src,srcport,dst,dstport' })).toBeNull();
    expect(check({ fields: ['timestamp', 'src_ap', 'dst_ap', 'rule', 'action'] })).toBeNull();
    expect(check({ fields: ['timestamp', 'src', 'dst', 'msg', 'bogus'] })).toMatch(/bogus/);
    expect(check({ fields: ['timestamp', 'src', 'src', 'dst', 'msg'] })).toMatch(/twice/);
    expect(check({ fields: ['src', 'dst', 'msg'] })).toMatch(/timestamp/);
    expect(check({ fields: ['timestamp', 'msg'] })).toMatch(/address/);
    expect(check({ fields: 42 })).toMatch(/list/);
  });
  it('fail2ban and sshd check their boolean switches', () => {
    expect(fail2banParser.checkOptions!({ found: true })).toBeNull();
    expect(fail2banParser.checkOptions!({ found: 'yes' })).toBe('options.found must be true or false');
    expect(sshdParser.checkOptions!({})).toBeNull();
    expect(sshdParser.checkOptions!({ accepted: 1 })).toBe('options.accepted must be true or false');
  });
  it('suricata-eve checks eventTypes', () => {
    const check = suricataEve.checkOptions!;
    expect(check({ eventTypes: ['alert', 'http'] })).toBeNull();
    expect(check({ eventTypes: [] })).toMatch(/non-empty/);
    expect(check({ eventTypes: ['<script>'] })).toMatch(/not an EVE event type/);
  });
});
