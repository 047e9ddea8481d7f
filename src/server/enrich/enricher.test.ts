import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { NormalEvent } from '../../event/schema.js';
import { createEnricher, type GeoEnricher } from './index.js';
import { dateFromPackageVersion } from './embedded.js';
import { serviceFor } from './services.js';

function ev(src: string, dst: string, extra: Partial<NormalEvent> = {}): NormalEvent {
  return {
    time: '2026-11-25T10:00:00Z',
    observer: { name: 'edge-1', product: 'suricata' },
    category: 'scan',
    severity: 'low',
    rule: { name: 'probe' },
    transport: 'tcp',
    source: { ip: src, port: 40000 },
    destination: { ip: dst, port: 22 },
    count: 1,
    ...extra,
  };
}

let dir: string;
let en: GeoEnricher;
const logs: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'attackmap-geo-'));
  en = await createEnricher({
    geo: { cacheSize: 100 },
    sites: [
      { name: 'fra', lat: 50.11, lon: 8.68, publicIp: '203.0.113.10' },
      { name: 'nyc', lat: 40.71, lon: -74.0 },
    ],
    dataDir: dir,
    // This suite checks the data directory's own cache; the shared one is tested below.
    sharedCacheDir: null,
    log: (level, msg) => logs.push(`${level} ${msg}`),
  });
});
afterAll(() => {
  en?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded databases', () => {
  it('locates addresses whose answer is stable, in both families', () => {
    expect(en.lookup('81.2.69.142')).toMatchObject({ country: 'GB', city: 'Bracknell', lat: 51.4036, lon: -0.7618, as: { number: 20712 } });
    expect(en.lookup('8.8.8.8')).toMatchObject({ country: 'US', lat: 37.751, lon: -97.822, as: { number: 15169, org: 'Google LLC' } });
    expect(en.lookup('2001:4860:4860::8888')).toMatchObject({ country: 'US', as: { number: 15169 } });
    // Known to have no city record in this data: located nowhere, still has its AS.
    expect(en.lookup('1.1.1.1')).toEqual({ ip: '1.1.1.1', geoReason: 'unknown', as: { number: 13335, org: 'Cloudflare, Inc.' } });
  });

  it('builds the ASN cache file once and reads it back on the next start', async () => {
    const files = readdirSync(join(dir, 'cache'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^asn-2\.3\.\d+\.bin$/);
    expect(en.info().asnTable?.source).toBe('built');
    const again = await createEnricher({ geo: { cacheSize: 10 }, sites: [], dataDir: dir, sharedCacheDir: null });
    expect(again.info().asnTable?.source).toBe('cache');
    expect(again.lookup('8.8.8.8')).toMatchObject({ as: { number: 15169 } });
    again.close();
  });

  it('reuses a cache shared by data directories of the same install', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'attackmap-geo-shared-'));
    const a = mkdtempSync(join(tmpdir(), 'attackmap-geo-'));
    const b = mkdtempSync(join(tmpdir(), 'attackmap-geo-'));
    try {
      const first = await createEnricher({ geo: { cacheSize: 10 }, sites: [], dataDir: a, sharedCacheDir: shared });
      expect(first.info().asnTable?.source).toBe('built');
      first.close();
      const second = await createEnricher({ geo: { cacheSize: 10 }, sites: [], dataDir: b, sharedCacheDir: shared });
      expect(second.info().asnTable?.source).toBe('cache');
      expect(second.lookup('8.8.8.8')).toMatchObject({ as: { number: 15169 } });
      second.close();
    } finally {
      for (const d of [shared, a, b]) rmSync(d, { recursive: true, force: true });
    }
  });

  it('rebuilds a damaged cache file and replaces files of older versions', { timeout: 90_000 }, async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'attackmap-geo-'));
    try {
      const name = basename(en.info().asnTable!.file!);
      mkdirSync(join(d2, 'cache'));
      writeFileSync(join(d2, 'cache', name), 'damaged');
      writeFileSync(join(d2, 'cache', 'asn-2.3.2020010100.bin'), 'old');
      const warnings: string[] = [];
      const second = await createEnricher({ geo: { cacheSize: 10 }, sites: [], dataDir: d2, sharedCacheDir: null, log: (l, m) => warnings.push(`${l} ${m}`) });
      expect(second.info().asnTable?.source).toBe('built');
      expect(warnings.some((w) => w.startsWith('warn ASN cache file unreadable'))).toBe(true);
      expect(second.lookup('8.8.8.8')).toMatchObject({ as: { number: 15169 } });
      expect(existsSync(join(d2, 'cache', 'asn-2.3.2020010100.bin'))).toBe(false);
      expect(readdirSync(join(d2, 'cache'))).toEqual([name]);
      second.close();
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it('reports licences, attribution and build dates', () => {
    const info = en.info();
    const city = info.databases.find((d) => d.kind === 'city')!;
    const asn = info.databases.find((d) => d.kind === 'asn')!;
    expect(city.licence).toContain('CC BY-SA 4.0');
    expect(city.attribution.text).toContain('MaxMind');
    expect(city.builtAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(asn.attribution).toEqual({ text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' });
    expect(asn.licence).toBe('CC-BY-4.0');
    expect(asn.builtAt).toBe(dateFromPackageVersion(asn.origin.split('@').pop()!));
  });

  it('derives the data date from the package version', () => {
    expect(dateFromPackageVersion('2.3.2026061719')).toBe('2026-06-17');
    expect(dateFromPackageVersion('2.3.20260617')).toBe('2026-06-17');
    expect(dateFromPackageVersion('2.3.2026139919')).toBeUndefined();
    expect(dateFromPackageVersion('1.0.0')).toBeUndefined();
  });
});

describe('enrich', () => {
  it('places a private destination at its sensor site and leaves a private source unlocated', () => {
    const before = en.info().unlocated;
    const out = en.enrich(ev('192.168.1.5', '10.0.0.2', { observer: { name: 'n1', product: 'snort', site: 'nyc' } }));
    expect(out.source.geo).toBeNull();
    expect(out.source.geoReason).toBe('private');
    expect(out.source.range).toBe('rfc1918');
    expect(out.destination.geo).toEqual({ lat: 40.71, lon: -74.0, site: 'nyc' });
    expect(out.destination.range).toBe('rfc1918');
    expect(en.info().unlocated).toBe(before + 1);
  });

  it('places 0.0.0.0 and :: (the sensor itself) at the site', () => {
    expect(en.enrich(ev('8.8.8.8', '0.0.0.0', { observer: { name: 'a', product: 'b', site: 'fra' } })).destination.geo?.site).toBe('fra');
    expect(en.enrich(ev('2001:4860:4860::8888', '::', { observer: { name: 'a', product: 'b', site: 'fra' } })).destination.geo?.site).toBe('fra');
  });

  it('does not guess a site when several are configured and the event names none', () => {
    const out = en.enrich(ev('8.8.8.8', '10.0.0.2'));
    expect(out.destination.geo).toBeNull();
    expect(out.destination.geoReason).toBe('private');
  });

  it('uses the only site when exactly one is configured', async () => {
    const one = await createEnricher({ geo: { cacheSize: 10 }, sites: [{ name: 'solo', lat: 1, lon: 2 }], dataDir: dir });
    expect(one.enrich(ev('8.8.8.8', '172.16.0.9')).destination.geo).toEqual({ lat: 1, lon: 2, site: 'solo' });
    // An event naming an unknown site is not moved to the only site.
    expect(one.enrich(ev('8.8.8.8', '172.16.0.9', { observer: { name: 'x', product: 'y', site: 'elsewhere' } })).destination.geo).toBeNull();
    one.close();
  });

  it("lands on a site when the destination is that site's public address", () => {
    const out = en.enrich(ev('81.2.69.142', '203.0.113.10'));
    expect(out.destination.geo).toMatchObject({ lat: 50.11, lon: 8.68, site: 'fra' });
    expect(out.source.geo).toMatchObject({ country: 'GB', city: 'Bracknell' });
    expect(out.source.as?.number).toBe(20712);
  });

  it('adds a service name from the destination port unless the sensor gave one', () => {
    expect(en.enrich(ev('8.8.8.8', '81.2.69.142')).service).toBe('ssh');
    expect(en.enrich(ev('8.8.8.8', '81.2.69.142', { destination: { ip: '81.2.69.142', port: 445 } })).service).toBe('smb');
    expect(en.enrich(ev('8.8.8.8', '81.2.69.142', { service: 'sftp' })).service).toBe('sftp');
    expect(en.enrich(ev('8.8.8.8', '81.2.69.142', { transport: 'icmp', destination: { ip: '81.2.69.142' } })).service).toBeUndefined();
    expect(serviceFor(53, 'udp')).toBe('dns');
    expect(serviceFor(3389, 'tcp')).toBe('rdp');
    expect(serviceFor(23)).toBe('telnet');
    expect(serviceFor(65000, 'tcp')).toBeUndefined();
  });

  it('keeps the rest of the event and the ports', () => {
    const e = ev('8.8.8.8', '81.2.69.142', { details: { user: 'root' }, count: 7 });
    const out = en.enrich(e);
    expect(out.details).toEqual({ user: 'root' });
    expect(out.count).toBe(7);
    expect(out.source.port).toBe(40000);
    expect(out.destination.port).toBe(22);
    expect(e.source).toEqual({ ip: '8.8.8.8', port: 40000 }); // input untouched
  });

  it('never throws on addresses it cannot read, and counts them unlocated', () => {
    const before = en.info().unlocated;
    const out = en.enrich(ev('not-an-ip', 'x'.repeat(5000)));
    expect(out.source.geo).toBeNull();
    expect(out.source.geoReason).toBe('unknown');
    expect(out.destination.geo).toBeNull();
    expect(en.info().unlocated).toBe(before + 2);
  });

  it('counts cache hits and misses within its bound', () => {
    const c0 = en.info().cache;
    en.lookup('81.2.69.142');
    en.lookup('81.2.69.142');
    const c1 = en.info().cache;
    expect(c1.hits).toBeGreaterThan(c0.hits);
    for (let i = 1; i < 300; i++) en.lookup(`81.2.${i % 256}.${(i * 7) % 256}`);
    expect(en.info().cache.size).toBeLessThanOrEqual(100);
    expect(en.info().cache.max).toBe(100);
  });
});

describe('lookup of hostile input', () => {
  it.each([
    ['not an address', 'hello'],
    ['leading zeros', '010.001.002.003'],
    ['a hostname', 'example.com'],
    ['an empty string', ''],
    ['a very long string', '1'.repeat(100_000)],
    ['a CIDR', '8.8.8.0/24'],
    ['control characters', '8.8.8.8\n{"x":1}'],
  ])('%s gives an error code', (_name, input) => {
    const r = en.lookup(input);
    expect(r).toMatchObject({ error: 'EVENT_BAD_IP' });
    expect((r as { input: string }).input.length).toBeLessThanOrEqual(100);
  });

  it('reads IPv4-mapped IPv6 as IPv4 and drops zone ids', () => {
    expect(en.lookup('::ffff:8.8.8.8')).toMatchObject({ ip: '8.8.8.8', country: 'US' });
    expect(en.lookupIp('::ffff:8.8.8.8')).toEqual(en.lookup('8.8.8.8'));
    expect(en.lookup('fe80::1%eth0')).toEqual({ ip: 'fe80::1', geoReason: 'private', range: 'link-local' });
    expect(en.lookup('[2001:db8::1]')).toEqual({ ip: '2001:db8::1', geoReason: 'reserved', range: 'documentation' });
  });
});

describe('configuration errors', () => {
  it('rejects a missing user database with GEO_DB_MISSING', async () => {
    await expect(createEnricher({ geo: { cacheSize: 10, cityDb: join(dir, 'nope.mmdb') }, sites: [], dataDir: dir })).rejects.toMatchObject({ code: 'GEO_DB_MISSING' });
  });
  it('rejects a file that is not an mmdb with GEO_DB_CORRUPT', async () => {
    const f = join(dir, 'bad.mmdb');
    writeFileSync(f, 'this is not a database'.repeat(100));
    await expect(createEnricher({ geo: { cacheSize: 10, asnDb: f }, sites: [], dataDir: dir })).rejects.toMatchObject({ code: 'GEO_DB_CORRUPT' });
  });
  it('rejects a site whose publicIp is not an address', async () => {
    await expect(createEnricher({ geo: { cacheSize: 10 }, sites: [{ name: 's', lat: 0, lon: 0, publicIp: 'gateway.local' }], dataDir: dir })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
