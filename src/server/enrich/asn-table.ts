/**
 * A compact AS lookup table built from the ip-location-db ASN CSV files (rows
 * `start,end,asn,"org"`, inclusive ranges, sorted, non-overlapping): typed arrays of range
 * starts and ends, AS numbers and indexes into a de-duplicated organisation table, searched by
 * binary search. It serialises to one binary file so a restart skips the CSV parse.
 *
 * File layout (little-endian): magic "AMASN\0\0" + format byte, u32 version length + UTF-8 version text,
 * u32 n4, u32 n6, u32 orgCount, u32 orgBytes, then the arrays (starts4, ends4, asn4, org4,
 * starts6 (4 words per row), ends6, asn6, org6, orgOffsets (orgCount+1)) and the org bytes.
 */
import { parseIp, cmp6 } from './ipnum.js';

// The last byte is the table format: bump it when building changes, so old cache files are rebuilt.
const MAGIC = Buffer.from('AMASN\0\0\x02', 'latin1');

export interface AsnHit {
  number: number;
  org?: string;
}

export class AsnTable {
  private orgCache: (string | undefined)[];

  constructor(
    readonly version: string,
    private readonly starts4: Uint32Array,
    private readonly ends4: Uint32Array,
    private readonly asn4: Uint32Array,
    private readonly org4: Uint32Array,
    private readonly starts6: Uint32Array,
    private readonly ends6: Uint32Array,
    private readonly asn6: Uint32Array,
    private readonly org6: Uint32Array,
    private readonly orgOffsets: Uint32Array,
    private readonly orgBytes: Uint8Array,
  ) {
    this.orgCache = new Array(Math.max(0, orgOffsets.length - 1));
  }

  get rows4(): number { return this.asn4.length; }
  get rows6(): number { return this.asn6.length; }

  private org(i: number): string | undefined {
    let s = this.orgCache[i];
    if (s === undefined) {
      s = Buffer.from(this.orgBytes.buffer, this.orgBytes.byteOffset + this.orgOffsets[i], this.orgOffsets[i + 1] - this.orgOffsets[i]).toString('utf8');
      this.orgCache[i] = s;
    }
    return s === '' ? undefined : s;
  }

  /** AS of an IPv4 address given as an unsigned 32-bit number, or null. */
  lookup4(ip: number): AsnHit | null {
    const s = this.starts4;
    let lo = 0;
    let hi = s.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= ip) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0 || this.ends4[found] < ip) return null;
    return { number: this.asn4[found], org: this.org(this.org4[found]) };
  }

  /** AS of an IPv6 address given as four 32-bit words, or null. */
  lookup6(w: ArrayLike<number>): AsnHit | null {
    const s = this.starts6;
    let lo = 0;
    let hi = this.asn6.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp6(s, mid * 4, w, 0) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0 || cmp6(this.ends6, found * 4, w, 0) < 0) return null;
    return { number: this.asn6[found], org: this.org(this.org6[found]) };
  }

  /** AS of an address in text form, or null (also for text that is not an address). */
  lookup(ip: string): AsnHit | null {
    const p = parseIp(ip);
    if (!p) return null;
    return p.family === 4 ? this.lookup4(p.v4) : this.lookup6(p.w);
  }

  /** The binary form (see the file comment). */
  serialise(): Buffer {
    const ver = Buffer.from(this.version, 'utf8');
    const head = Buffer.alloc(MAGIC.length + 4 + ver.length + 16);
    let o = MAGIC.copy(head, 0);
    o = head.writeUInt32LE(ver.length, o);
    o += ver.copy(head, o);
    o = head.writeUInt32LE(this.asn4.length, o);
    o = head.writeUInt32LE(this.asn6.length, o);
    o = head.writeUInt32LE(this.orgOffsets.length - 1, o);
    head.writeUInt32LE(this.orgBytes.length, o);
    const arrays = [this.starts4, this.ends4, this.asn4, this.org4, this.starts6, this.ends6, this.asn6, this.org6, this.orgOffsets];
    return Buffer.concat([head, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)), Buffer.from(this.orgBytes)]);
  }

  /** Reads the binary form; throws when it is damaged or truncated. */
  static deserialise(buf: Buffer): AsnTable {
    if (buf.length < MAGIC.length + 20 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an ASN table file');
    let o = MAGIC.length;
    const vlen = buf.readUInt32LE(o); o += 4;
    if (vlen > 200 || o + vlen + 16 > buf.length) throw new Error('damaged ASN table header');
    const version = buf.toString('utf8', o, o + vlen); o += vlen;
    const n4 = buf.readUInt32LE(o); o += 4;
    const n6 = buf.readUInt32LE(o); o += 4;
    const orgCount = buf.readUInt32LE(o); o += 4;
    const orgBytes = buf.readUInt32LE(o); o += 4;
    const words = n4 * 4 + n6 * 10 + orgCount + 1;
    if (o + words * 4 + orgBytes !== buf.length) throw new Error('ASN table file has the wrong length');
    // Copy into one aligned buffer: typed arrays need 4-byte alignment and the header is not.
    const all = new Uint32Array(words);
    Buffer.from(all.buffer).set(buf.subarray(o, o + words * 4));
    let w = 0;
    const take = (n: number) => { const a = all.subarray(w, w + n); w += n; return a; };
    const t = new AsnTable(version, take(n4), take(n4), take(n4), take(n4), take(n6 * 4), take(n6 * 4), take(n6), take(n6), take(orgCount + 1),
      new Uint8Array(buf.subarray(o + words * 4)));
    return t;
  }
}

/** Splits one CSV row of the ASN files: start, end, asn, org (org may be quoted with "" escapes). */
export function splitAsnRow(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = a < 0 ? -1 : line.indexOf(',', a + 1);
  const c = b < 0 ? -1 : line.indexOf(',', b + 1);
  if (c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"')) {
    if (org.length < 2 || !org.endsWith('"')) return null;
    org = org.slice(1, -1).replace(/""/g, '"');
  }
  // Some names carry trailing blanks; they would split one owner into two in top-N tables.
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org.trim()];
}

/** Collects rows and builds an AsnTable; rows must arrive sorted by start within each family. */
export class AsnTableBuilder {
  private s4: number[] = [];
  private e4: number[] = [];
  private a4: number[] = [];
  private o4: number[] = [];
  private s6: number[] = [];
  private e6: number[] = [];
  private a6: number[] = [];
  private o6: number[] = [];
  private orgIndex = new Map<string, number>();
  private orgs: string[] = [];
  /** Rows that could not be read or lie inside an earlier row (counted, skipped). */
  skipped = 0;
  /** Rows that overlapped an earlier row and were shortened to their remainder. */
  clipped = 0;

  private orgId(org: string): number {
    let i = this.orgIndex.get(org);
    if (i === undefined) {
      i = this.orgs.length;
      this.orgs.push(org);
      this.orgIndex.set(org, i);
    }
    return i;
  }

  /** Adds one CSV line of either family. */
  addLine(line: string): void {
    if (line.length === 0) return;
    const row = splitAsnRow(line);
    const start = row && parseIp(row[0]);
    const end = row && parseIp(row[1]);
    const asn = row ? Number(row[2]) : NaN;
    if (!row || !start || !end || start.family !== end.family || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) {
      this.skipped++;
      return;
    }
    const org = this.orgId(row[3]);
    if (start.family === 4 && end.family === 4) {
      const n = this.s4.length;
      let from = start.v4;
      // Overlapping rows exist in the data; the earlier row wins, the later keeps its remainder.
      if (n > 0 && from <= this.e4[n - 1]) {
        if (end.v4 <= this.e4[n - 1]) { this.skipped++; return; }
        from = this.e4[n - 1] + 1;
        this.clipped++;
      }
      this.s4.push(from); this.e4.push(end.v4); this.a4.push(asn); this.o4.push(org);
    } else if (start.family === 6 && end.family === 6) {
      const n = this.a6.length;
      let from: number[] = start.w;
      if (n > 0 && cmp6(from, 0, this.e6, (n - 1) * 4) <= 0) {
        if (cmp6(end.w, 0, this.e6, (n - 1) * 4) <= 0) { this.skipped++; return; }
        from = this.e6.slice((n - 1) * 4, n * 4);
        for (let k = 3; k >= 0; k--) { from[k] = (from[k] + 1) >>> 0; if (from[k] !== 0) break; }
        this.clipped++;
      }
      this.s6.push(...from); this.e6.push(...end.w); this.a6.push(asn); this.o6.push(org);
    }
  }

  build(version: string): AsnTable {
    const enc = new TextEncoder();
    const parts = this.orgs.map((s) => enc.encode(s));
    const offsets = new Uint32Array(parts.length + 1);
    let total = 0;
    parts.forEach((p, i) => { offsets[i] = total; total += p.length; });
    offsets[parts.length] = total;
    const bytes = new Uint8Array(total);
    parts.forEach((p, i) => bytes.set(p, offsets[i]));
    return new AsnTable(version, Uint32Array.from(this.s4), Uint32Array.from(this.e4), Uint32Array.from(this.a4), Uint32Array.from(this.o4),
      Uint32Array.from(this.s6), Uint32Array.from(this.e6), Uint32Array.from(this.a6), Uint32Array.from(this.o6), offsets, bytes);
  }
}

/** Builds a table from the text of the two CSV files. */
export function buildAsnTable(version: string, csv4: string, csv6: string): { table: AsnTable; skipped: number } {
  const b = new AsnTableBuilder();
  for (const text of [csv4, csv6]) {
    let i = 0;
    while (i < text.length) {
      let j = text.indexOf('\n', i);
      if (j < 0) j = text.length;
      const end = j > i && text.charCodeAt(j - 1) === 13 ? j - 1 : j;
      b.addLine(text.slice(i, end));
      i = j + 1;
    }
  }
  return { table: b.build(version), skipped: b.skipped };
}
