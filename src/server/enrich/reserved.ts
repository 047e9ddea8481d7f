/**
 * Special-purpose address ranges, tagged before any database lookup: a database may hold
 * records for them (or the IPv4 reader silently answers for garbage), and drawing a private
 * address somewhere on the map would be a lie.
 *
 * Source: the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and successors),
 * the IPv4 multicast and reserved (240/4) blocks of the IANA IPv4 Address Space Registry, and
 * the IANA IPv6 Address Space Registry (only 2000::/3 is global unicast). docs/geo.md lists the
 * table. The most specific prefix wins; `global` entries carve out blocks the registry marks
 * globally reachable inside a special block, so they are looked up as usual.
 */
import { parseIp, type ParsedIp } from './ipnum.js';

export type RangeReason = 'private' | 'reserved' | 'global';

export interface ReservedRange {
  cidr: string;
  reason: RangeReason;
  /** The name that goes into Endpoint.range (absent for `global`). */
  range: string;
  /** Where the block is defined. */
  ref: string;
}

/** The table, in registry order; docs/geo.md is written from it. */
export const RESERVED_RANGES: readonly ReservedRange[] = [
  // IPv4
  { cidr: '0.0.0.0/8', reason: 'reserved', range: 'this-network', ref: 'RFC 791' },
  { cidr: '0.0.0.0/32', reason: 'reserved', range: 'unspecified', ref: 'RFC 1122' },
  { cidr: '10.0.0.0/8', reason: 'private', range: 'rfc1918', ref: 'RFC 1918' },
  { cidr: '100.64.0.0/10', reason: 'private', range: 'cgnat', ref: 'RFC 6598' },
  { cidr: '127.0.0.0/8', reason: 'private', range: 'loopback', ref: 'RFC 1122' },
  { cidr: '169.254.0.0/16', reason: 'private', range: 'link-local', ref: 'RFC 3927' },
  { cidr: '172.16.0.0/12', reason: 'private', range: 'rfc1918', ref: 'RFC 1918' },
  { cidr: '192.0.0.0/24', reason: 'reserved', range: 'ietf-protocol', ref: 'RFC 6890' },
  { cidr: '192.0.0.9/32', reason: 'global', range: '', ref: 'RFC 7723 (PCP anycast)' },
  { cidr: '192.0.0.10/32', reason: 'global', range: '', ref: 'RFC 8155 (TURN anycast)' },
  { cidr: '192.0.2.0/24', reason: 'reserved', range: 'documentation', ref: 'RFC 5737' },
  { cidr: '192.88.99.0/24', reason: 'reserved', range: '6to4-relay', ref: 'RFC 7526 (deprecated)' },
  { cidr: '192.168.0.0/16', reason: 'private', range: 'rfc1918', ref: 'RFC 1918' },
  { cidr: '198.18.0.0/15', reason: 'reserved', range: 'benchmarking', ref: 'RFC 2544' },
  { cidr: '198.51.100.0/24', reason: 'reserved', range: 'documentation', ref: 'RFC 5737' },
  { cidr: '203.0.113.0/24', reason: 'reserved', range: 'documentation', ref: 'RFC 5737' },
  { cidr: '224.0.0.0/4', reason: 'reserved', range: 'multicast', ref: 'RFC 5771' },
  { cidr: '240.0.0.0/4', reason: 'reserved', range: 'reserved', ref: 'RFC 1112' },
  { cidr: '255.255.255.255/32', reason: 'reserved', range: 'broadcast', ref: 'RFC 919' },
  // IPv6
  { cidr: '::/0', reason: 'reserved', range: 'bogon', ref: 'IANA IPv6 Address Space (not allocated)' },
  { cidr: '2000::/3', reason: 'global', range: '', ref: 'RFC 4291 (global unicast)' },
  { cidr: '::/128', reason: 'reserved', range: 'unspecified', ref: 'RFC 4291' },
  { cidr: '::1/128', reason: 'private', range: 'loopback', ref: 'RFC 4291' },
  { cidr: '::ffff:0:0/96', reason: 'reserved', range: 'v4-mapped', ref: 'RFC 4291' },
  { cidr: '64:ff9b::/96', reason: 'reserved', range: 'nat64', ref: 'RFC 6052' },
  { cidr: '64:ff9b:1::/48', reason: 'private', range: 'nat64-local', ref: 'RFC 8215' },
  { cidr: '100::/64', reason: 'reserved', range: 'discard', ref: 'RFC 6666' },
  { cidr: '100:0:0:1::/64', reason: 'reserved', range: 'dummy', ref: 'RFC 9780' },
  { cidr: '2001::/23', reason: 'reserved', range: 'ietf-protocol', ref: 'RFC 2928' },
  { cidr: '2001::/32', reason: 'reserved', range: 'teredo', ref: 'RFC 4380' },
  { cidr: '2001:1::1/128', reason: 'global', range: '', ref: 'RFC 7723 (PCP anycast)' },
  { cidr: '2001:1::2/128', reason: 'global', range: '', ref: 'RFC 8155 (TURN anycast)' },
  { cidr: '2001:1::3/128', reason: 'global', range: '', ref: 'RFC 9665 (DNS-SD SRP anycast)' },
  { cidr: '2001:2::/48', reason: 'reserved', range: 'benchmarking', ref: 'RFC 5180' },
  { cidr: '2001:3::/32', reason: 'global', range: '', ref: 'RFC 7450 (AMT)' },
  { cidr: '2001:4:112::/48', reason: 'global', range: '', ref: 'RFC 7535 (AS112-v6)' },
  { cidr: '2001:10::/28', reason: 'reserved', range: 'orchid', ref: 'RFC 4843 (deprecated)' },
  { cidr: '2001:20::/28', reason: 'reserved', range: 'orchid', ref: 'RFC 7343 (ORCHIDv2)' },
  { cidr: '2001:30::/28', reason: 'global', range: '', ref: 'RFC 9374 (drone remote ID)' },
  { cidr: '2001:db8::/32', reason: 'reserved', range: 'documentation', ref: 'RFC 3849' },
  { cidr: '2002::/16', reason: 'reserved', range: '6to4', ref: 'RFC 3056' },
  { cidr: '3fff::/20', reason: 'reserved', range: 'documentation', ref: 'RFC 9637' },
  { cidr: '5f00::/16', reason: 'reserved', range: 'srv6-sid', ref: 'RFC 9602' },
  { cidr: 'fc00::/7', reason: 'private', range: 'ula', ref: 'RFC 4193' },
  { cidr: 'fe80::/10', reason: 'private', range: 'link-local', ref: 'RFC 4291' },
  { cidr: 'fec0::/10', reason: 'private', range: 'site-local', ref: 'RFC 3879 (deprecated)' },
  { cidr: 'ff00::/8', reason: 'reserved', range: 'multicast', ref: 'RFC 4291' },
];

export interface RangeTag {
  reason: 'private' | 'reserved';
  range: string;
}

interface Compiled4 { net: number; mask: number; len: number; tag: RangeTag | null }
interface Compiled6 { net: number[]; mask: number[]; len: number; tag: RangeTag | null }

function mask32(len: number): number {
  return len <= 0 ? 0 : len >= 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
}

const v4: Compiled4[] = [];
const v6: Compiled6[] = [];
for (const r of RESERVED_RANGES) {
  const [addr, lenText] = r.cidr.split('/');
  const len = Number(lenText);
  const p = parseIp(addr);
  if (!p) throw new Error(`bad reserved range ${r.cidr}`);
  const tag = r.reason === 'global' ? null : Object.freeze({ reason: r.reason, range: r.range });
  if (p.family === 4) v4.push({ net: (p.v4 & mask32(len)) >>> 0, mask: mask32(len), len, tag });
  else {
    const mask = [0, 1, 2, 3].map((k) => mask32(len - 32 * k));
    v6.push({ net: p.w.map((w, k) => (w & mask[k]) >>> 0), mask, len, tag });
  }
}
// Most specific first, so the first match is the longest prefix.
v4.sort((a, b) => b.len - a.len);
v6.sort((a, b) => b.len - a.len);

// Buckets by the address's first byte: most public addresses meet an empty (IPv4) or two-entry
// (IPv6, 2000::/3 and the catch-all) list instead of the whole table.
const byte4: Compiled4[][] = [];
const byte6: Compiled6[][] = [];
for (let b = 0; b < 256; b++) {
  const lo = (b << 24) >>> 0;
  const hi = (lo | 0x00ffffff) >>> 0;
  byte4.push(v4.filter((c) => c.net <= hi && ((c.net | ~c.mask) >>> 0) >= lo));
  byte6.push(v6.filter((c) => c.net[0] <= hi && ((c.net[0] | ~c.mask[0]) >>> 0) >= lo));
}

function match6(w: readonly number[], c: Compiled6): boolean {
  for (let k = 0; k < 4; k++) {
    if (c.mask[k] === 0) return true;
    if (((w[k] & c.mask[k]) >>> 0) !== c.net[k]) return false;
  }
  return true;
}

/** The special-purpose tag of an address, or null when it is ordinary (look it up). */
export function classifyParsed(p: ParsedIp): RangeTag | null {
  if (p.family === 4) {
    const ip = p.v4;
    const list = byte4[ip >>> 24];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (((ip & c.mask) >>> 0) === c.net) return c.tag;
    }
    return null;
  }
  const list = byte6[p.w[0] >>> 24];
  for (let i = 0; i < list.length; i++) if (match6(p.w, list[i])) return list[i].tag;
  return null;
}

/** classifyParsed for text; null for ordinary addresses and for text that is not an address. */
export function classifyIp(ip: string): RangeTag | null {
  const p = parseIp(ip);
  return p ? classifyParsed(p) : null;
}
