import { describe, expect, it } from 'vitest';
import { classifyIp, RESERVED_RANGES } from './reserved.js';
import { parseIp, parseIpv4 } from './ipnum.js';

describe('reserved ranges', () => {
  const cases: Array<[string, string | null, string?]> = [
    ['10.1.2.3', 'private', 'rfc1918'],
    ['172.16.0.1', 'private', 'rfc1918'],
    ['172.31.255.255', 'private', 'rfc1918'],
    ['172.32.0.1', null],
    ['192.168.1.1', 'private', 'rfc1918'],
    ['100.64.0.1', 'private', 'cgnat'],
    ['100.127.255.254', 'private', 'cgnat'],
    ['100.128.0.1', null],
    ['127.0.0.1', 'private', 'loopback'],
    ['169.254.10.1', 'private', 'link-local'],
    ['192.0.2.55', 'reserved', 'documentation'],
    ['198.51.100.1', 'reserved', 'documentation'],
    ['203.0.113.200', 'reserved', 'documentation'],
    ['198.18.5.5', 'reserved', 'benchmarking'],
    ['198.19.255.255', 'reserved', 'benchmarking'],
    ['198.20.0.1', null],
    ['224.0.0.251', 'reserved', 'multicast'],
    ['239.255.255.250', 'reserved', 'multicast'],
    ['240.0.0.1', 'reserved', 'reserved'],
    ['255.255.255.255', 'reserved', 'broadcast'],
    ['0.0.0.0', 'reserved', 'unspecified'],
    ['0.1.2.3', 'reserved', 'this-network'],
    ['192.0.0.8', 'reserved', 'ietf-protocol'],
    ['192.0.0.9', null],
    ['192.88.99.1', 'reserved', '6to4-relay'],
    ['8.8.8.8', null],
    ['1.1.1.1', null],
    ['::', 'reserved', 'unspecified'],
    ['::1', 'private', 'loopback'],
    ['::ffff:10.0.0.1', 'reserved', 'v4-mapped'],
    ['64:ff9b::808:808', 'reserved', 'nat64'],
    ['64:ff9b:1::1', 'private', 'nat64-local'],
    ['100::1', 'reserved', 'discard'],
    ['2001:db8::1', 'reserved', 'documentation'],
    ['3fff:1::1', 'reserved', 'documentation'],
    ['2001:0:4136:e378::1', 'reserved', 'teredo'],
    ['2001:2::5', 'reserved', 'benchmarking'],
    ['2001:4:112::1', null],
    ['2001:10::1', 'reserved', 'orchid'],
    ['2001:20::1', 'reserved', 'orchid'],
    ['2001:1::1', null],
    ['2001:1::4', 'reserved', 'ietf-protocol'],
    ['2002:c000:204::1', 'reserved', '6to4'],
    ['fc00::1', 'private', 'ula'],
    ['fd12:3456::1', 'private', 'ula'],
    ['fe80::1', 'private', 'link-local'],
    ['fec0::1', 'private', 'site-local'],
    ['ff02::1', 'reserved', 'multicast'],
    ['4000::1', 'reserved', 'bogon'],
    ['2001:4860:4860::8888', null],
    ['2a00:1450::1', null],
  ];
  it.each(cases)('%s -> %s %s', (ip, reason, range) => {
    const t = classifyIp(ip);
    if (reason === null) expect(t).toBeNull();
    else expect(t).toEqual({ reason, range });
  });

  it('every table entry parses and has a reference', () => {
    for (const r of RESERVED_RANGES) {
      const [addr, len] = r.cidr.split('/');
      expect(parseIp(addr), r.cidr).not.toBeNull();
      expect(Number(len)).toBeGreaterThanOrEqual(0);
      expect(r.ref.length).toBeGreaterThan(0);
      if (r.reason !== 'global') expect(r.range).toMatch(/^[a-z0-9-]+$/);
    }
  });
});

describe('address parsing', () => {
  it('rejects leading zeros, short forms and junk in IPv4', () => {
    for (const bad of ['010.1.1.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '', 'a.b.c.d', '1.2.3.4 ']) expect(parseIpv4(bad), bad).toBe(-1);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
  });
  it('parses IPv6 forms and rejects broken ones', () => {
    expect(parseIp('::')).toEqual({ family: 6, w: [0, 0, 0, 0] });
    expect(parseIp('1:2:3:4:5:6:7:8')).toEqual({ family: 6, w: [0x10002, 0x30004, 0x50006, 0x70008] });
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ family: 6, w: [0, 0, 0xffff, 0x01020304] });
    expect(parseIp('FE80::ABCD')).toEqual({ family: 6, w: [0xfe800000, 0, 0, 0xabcd] });
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', 'g::1', '1:2:3:4:5:6:7', 'fe80::1%eth0']) expect(parseIp(bad), bad).toBeNull();
  });
});

describe('bucketed classification', () => {
  // Reference: longest matching prefix over the whole table, with BigInt arithmetic.
  const toBig = (ip: string): { v: bigint; bits: number } => {
    const p = parseIp(ip)!;
    return p.family === 4 ? { v: BigInt(p.v4), bits: 32 } : { v: p.w.reduce((a, w) => (a << 32n) | BigInt(w), 0n), bits: 128 };
  };
  const reference = (ip: string) => {
    const a = toBig(ip);
    let best: { len: number; tag: { reason: string; range: string } | null } | null = null;
    for (const r of RESERVED_RANGES) {
      const [addr, lenText] = r.cidr.split('/');
      const n = toBig(addr);
      if (n.bits !== a.bits) continue;
      const len = Number(lenText);
      const shift = BigInt(a.bits - len);
      if (a.v >> shift === n.v >> shift && (!best || len > best.len)) best = { len, tag: r.reason === 'global' ? null : { reason: r.reason, range: r.range } };
    }
    return best?.tag ?? null;
  };
  it('agrees with a longest-prefix scan for random and edge addresses', () => {
    let seed = 99;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    const ips: string[] = [];
    for (let i = 0; i < 3000; i++) { const n = rnd(); ips.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`); }
    for (let i = 0; i < 3000; i++) {
      const g = Array.from({ length: 8 }, (_, k) => (k === 0 ? [0x2001, 0x2002, 0x3fff, 0xfe80, 0xfc00, 0xff02, 0x64, 0x100, 0x5f00, rnd() & 0xffff][i % 10] : rnd() & 0xffff).toString(16));
      ips.push(g.join(':'));
    }
    for (const r of RESERVED_RANGES) ips.push(r.cidr.split('/')[0]);
    for (const ip of ips) expect(classifyIp(ip), ip).toEqual(reference(ip));
  });
});
