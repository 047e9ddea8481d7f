import { describe, expect, it } from 'vitest';
import {
  CLASSTYPES, DETAIL_MAX, actionFromSnort, categorize, clip, guard, lookupClass, parsePort, severityFromPriority,
  signatureSeverity, snortTimeToIso, splitHostPort,
} from './index.js';
import { CATEGORIES } from '../../../event/schema.js';
import { snortCsv } from '../snort-csv/parser.js';
import { suricataEve } from '../suricata-eve/parser.js';
import { fail2banParser } from '../fail2ban/parser.js';
import { sshdParser } from '../sshd/parser.js';

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
