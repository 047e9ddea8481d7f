/**
 * A small MaxMind DB (.mmdb) writer for tests: pinned data in the real file format, read by the
 * same reader as production and by libmaxminddb's mmdblookup. It supports what test databases
 * need (maps, strings, doubles, unsigned integers, booleans, arrays; 24-bit records; IPv4 or
 * IPv6 trees with IPv4 under ::/96), not databases of production size.
 *
 * Format: the MaxMind DB File Format Specification 2.0 (search tree, 16-byte separator, data
 * section, "\xAB\xCD\xEFMaxMind.com" marker, metadata map).
 */
import { parseIp } from '../ipnum.js';

export type MmdbValue = string | number | boolean | MmdbValue[] | { [k: string]: MmdbValue } | { uint64: bigint } | { uint32: number } | { double: number };

type Child = { node: number } | { data: number } | null;

function encodeSize(type: number, size: number, extended: boolean): Buffer {
  const first = (extended ? 0 : type << 5);
  const ext = extended ? [type - 7] : [];
  if (size < 29) return Buffer.from([first | size, ...ext]);
  if (size < 285) return Buffer.from([first | 29, ...ext, size - 29]);
  if (size < 65821) { const s = size - 285; return Buffer.from([first | 30, ...ext, s >> 8, s & 255]); }
  const s = size - 65821;
  return Buffer.from([first | 31, ...ext, (s >> 16) & 255, (s >> 8) & 255, s & 255]);
}

function uintBytes(v: bigint): Buffer {
  const out: number[] = [];
  while (v > 0n) { out.unshift(Number(v & 255n)); v >>= 8n; }
  return Buffer.from(out);
}

/** Encodes one value: integers become uint16/uint32 (negative or fractional numbers become doubles). */
export function encodeValue(v: MmdbValue): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([encodeSize(2, b.length, false), b]);
  }
  if (typeof v === 'boolean') return encodeSize(14, v ? 1 : 0, true);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
      const b = uintBytes(BigInt(v));
      return Buffer.concat([encodeSize(v <= 0xffff ? 5 : 6, b.length, false), b]);
    }
    return encodeValue({ double: v });
  }
  if (Array.isArray(v)) return Buffer.concat([encodeSize(11, v.length, true), ...v.map(encodeValue)]);
  if ('uint64' in v && typeof v.uint64 === 'bigint') {
    const b = uintBytes(v.uint64);
    return Buffer.concat([encodeSize(9, b.length, true), b]);
  }
  if ('uint32' in v && typeof v.uint32 === 'number') {
    const b = uintBytes(BigInt(v.uint32));
    return Buffer.concat([encodeSize(6, b.length, false), b]);
  }
  if ('double' in v && typeof v.double === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v.double);
    return Buffer.concat([encodeSize(3, 8, false), b]);
  }
  const entries = Object.entries(v as Record<string, MmdbValue>);
  return Buffer.concat([encodeSize(7, entries.length, false), ...entries.flatMap(([k, x]) => [encodeValue(k), encodeValue(x)])]);
}

export interface WriterOptions {
  ipVersion?: 4 | 6;
  databaseType?: string;
  /** build_epoch in seconds since 1970 (default: 2026-01-02T00:00:00Z). */
  buildEpoch?: number;
  description?: string;
}

export class MmdbWriter {
  private nodes: [Child, Child][] = [[null, null]];
  private data: Buffer[] = [];
  private dataLength = 0;
  private dataIndex = new Map<string, number>();
  readonly ipVersion: 4 | 6;

  constructor(private readonly opts: WriterOptions = {}) {
    this.ipVersion = opts.ipVersion ?? 6;
  }

  private dataOffset(value: MmdbValue): number {
    const enc = encodeValue(value);
    const key = enc.toString('latin1');
    let off = this.dataIndex.get(key);
    if (off === undefined) {
      off = this.dataLength;
      this.data.push(enc);
      this.dataLength += enc.length;
      this.dataIndex.set(key, off);
    }
    return off;
  }

  /** Adds a network in CIDR form (`81.2.69.0/24`, `2001:db8::/32`); later inserts win where they overlap. */
  insert(cidr: string, value: MmdbValue): this {
    const [addr, lenText] = cidr.split('/');
    const p = parseIp(addr);
    if (!p) throw new Error(`bad network ${cidr}`);
    let len = Number(lenText ?? (p.family === 4 ? 32 : 128));
    let words: number[];
    if (p.family === 4) {
      if (this.ipVersion === 4) words = [p.v4];
      else { words = [0, 0, 0, p.v4]; len += 96; }
    } else {
      if (this.ipVersion === 4) throw new Error('IPv6 network in an IPv4 database');
      words = p.w;
    }
    const bit = (i: number) => (words[i >>> 5] >>> (31 - (i & 31))) & 1;
    const leaf: Child = { data: this.dataOffset(value) };
    let node = 0;
    for (let i = 0; i < len; i++) {
      const b = bit(i);
      if (i === len - 1) { this.nodes[node][b] = leaf; break; }
      const next = this.nodes[node][b];
      if (next && 'node' in next) { node = next.node; continue; }
      // Split an empty branch or a shorter network's leaf into a node that keeps it on both sides.
      this.nodes.push([next, next]);
      const idx = this.nodes.length - 1;
      this.nodes[node][b] = { node: idx };
      node = idx;
    }
    return this;
  }

  /** The file's bytes. */
  build(): Buffer {
    const n = this.nodes.length;
    const rec = (c: Child) => (c === null ? n : 'node' in c ? c.node : n + 16 + c.data);
    const tree = Buffer.alloc(n * 6);
    this.nodes.forEach(([l, r], i) => {
      const a = rec(l);
      const b = rec(r);
      if (a >= 2 ** 24 || b >= 2 ** 24) throw new Error('test database too large for 24-bit records');
      tree.writeUIntBE(a, i * 6, 3);
      tree.writeUIntBE(b, i * 6 + 3, 3);
    });
    const meta = encodeValue({
      node_count: { uint32: n }, // libmaxminddb insists on the declared types
      record_size: 24,
      ip_version: this.ipVersion,
      database_type: this.opts.databaseType ?? 'Test-City',
      languages: ['en'],
      binary_format_major_version: 2,
      binary_format_minor_version: 0,
      build_epoch: { uint64: BigInt(this.opts.buildEpoch ?? 1767312000) },
      description: { en: this.opts.description ?? 'attackmap test database' },
    });
    return Buffer.concat([tree, Buffer.alloc(16), ...this.data, Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1'), meta]);
  }
}

/** A nested (MaxMind GeoIP2 City shaped) record. */
export function cityRecord(country: string, lat: number, lon: number, city?: string, radius = 50): MmdbValue {
  const rec: Record<string, MmdbValue> = {
    country: { iso_code: country },
    location: { latitude: { double: lat }, longitude: { double: lon }, accuracy_radius: radius },
  };
  if (city) rec.city = { names: { en: city } };
  return rec;
}

/** A MaxMind ASN shaped record. */
export function asnRecord(number: number, org: string): MmdbValue {
  return { autonomous_system_number: { uint32: number }, autonomous_system_organization: org };
}
