import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnricher } from './index.js';
import { MmdbWriter, asnRecord, cityRecord } from './testing/mmdb-writer.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'attackmap-userdb-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cityDb(city: string, lat: number, lon: number, type = 'GeoLite2-City'): Buffer {
  return new MmdbWriter({ databaseType: type, buildEpoch: 1767312000 })
    .insert('81.2.69.0/24', cityRecord('GB', lat, lon, city, 20))
    .insert('2a02:ff00::/32', cityRecord('DE', 52.52, 13.405, 'Berlin', 100))
    .build();
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('test database writer', () => {
  it('writes files that libmaxminddb (mmdblookup) reads', () => {
    const f = join(dir, 'writer.mmdb');
    writeFileSync(f, cityDb('London', 51.5, -0.12));
    const out = execFileSync('mmdblookup', ['--file', f, '--ip', '81.2.69.142', 'city', 'names', 'en'], { encoding: 'utf8' });
    expect(out).toContain('"London"');
  });
});

describe('user databases', () => {
  it('replace the embedded ones, in the nested MaxMind shape', async () => {
    const city = join(dir, 'city.mmdb');
    const asn = join(dir, 'asn.mmdb');
    writeFileSync(city, cityDb('London', 51.5, -0.12));
    writeFileSync(asn, new MmdbWriter({ databaseType: 'DBIP-ASN-Lite', ipVersion: 4 }).insert('81.2.69.0/24', asnRecord(64500, 'Test Net')).build());
    const en = await createEnricher({ geo: { cityDb: city, asnDb: asn, cacheSize: 100 }, sites: [], dataDir: dir });
    try {
      expect(en.lookup('81.2.69.142')).toEqual({ ip: '81.2.69.142', country: 'GB', city: 'London', lat: 51.5, lon: -0.12, radius: 20, as: { number: 64500, org: 'Test Net' } });
      // IPv6 from the city file; the IPv4-only ASN file answers nothing for it (no error).
      expect(en.lookup('2a02:ff00::1')).toEqual({ ip: '2a02:ff00::1', country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405, radius: 100 });
      expect(en.lookup('8.8.8.8')).toEqual({ ip: '8.8.8.8', geoReason: 'unknown' });
      const [c, a] = en.info().databases;
      expect(c).toMatchObject({ kind: 'city', origin: city, builtAt: '2026-01-02', licence: 'CC BY-SA 4.0 (GeoLite2 EULA)', databaseType: 'GeoLite2-City' });
      expect(a).toMatchObject({ kind: 'asn', licence: 'CC-BY-4.0', attribution: { text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' } });
      expect(en.info().asnTable).toBeUndefined();
    } finally {
      en.close();
    }
  });

  it('reload on change without a failed lookup, and keep the old database when the new file is bad', { timeout: 90_000 }, async () => {
    const city = join(dir, 'hot.mmdb');
    writeFileSync(city, cityDb('London', 51.5, -0.12));
    const logs: string[] = [];
    // cacheSize 0: every lookup goes to the reader, so a half-swapped reader would show.
    const en = await createEnricher({
      geo: { cityDb: city, cacheSize: 0 }, sites: [], dataDir: dir,
      log: (level, msg) => logs.push(`${level} ${msg}`), watch: { intervalMs: 30, debounceMs: 60 },
    });
    const seen = new Set<string>();
    let failures = 0;
    let lookups = 0;
    const hammer = setInterval(() => {
      for (let i = 0; i < 50; i++) {
        const r = en.lookup('81.2.69.142') as { city?: string; lat?: number };
        lookups++;
        if (typeof r.lat !== 'number' || !r.city) failures++;
        else seen.add(r.city);
      }
    }, 1);
    try {
      expect(en.lookup('81.2.69.142')).toMatchObject({ city: 'London' });
      // Replace by rename (what careful updaters do) ...
      writeFileSync(`${city}.new`, cityDb('Manchester', 53.48, -2.24));
      renameSync(`${city}.new`, city);
      await until(() => (en.lookup('81.2.69.142') as { city?: string }).city === 'Manchester');
      expect(en.info().reloads?.ok).toBe(1);
      // ... and in place.
      writeFileSync(city, cityDb('Birmingham (in place)', 52.48, -1.89));
      await until(() => (en.lookup('81.2.69.142') as { city?: string }).city === 'Birmingham (in place)');
      // A damaged file is refused; the last good database keeps answering.
      const failedBefore = en.info().reloads!.failed;
      writeFileSync(city, Buffer.from('definitely not an mmdb file, just some bytes'));
      await until(() => en.info().reloads!.failed > failedBefore);
      expect(en.lookup('81.2.69.142')).toMatchObject({ city: 'Birmingham (in place)', lat: 52.48 });
      expect(logs.some((l) => l.startsWith('error could not reload the city database'))).toBe(true);
      // Deleting the file is the same: the old data stays.
      rmSync(city);
      await until(() => en.info().reloads!.failed > failedBefore + 1);
      expect(en.lookup('81.2.69.142')).toMatchObject({ city: 'Birmingham (in place)' });
    } finally {
      clearInterval(hammer);
      en.close();
    }
    expect(lookups).toBeGreaterThan(100);
    expect(failures).toBe(0);
    expect([...seen]).toEqual(expect.arrayContaining(['London', 'Manchester', 'Birmingham (in place)']));
  });

  it('stops watching on close', async () => {
    const city = join(dir, 'closed.mmdb');
    writeFileSync(city, cityDb('London', 51.5, -0.12));
    const en = await createEnricher({ geo: { cityDb: city, cacheSize: 0 }, sites: [], dataDir: dir, watch: { intervalMs: 20, debounceMs: 20 } });
    en.close();
    writeFileSync(city, cityDb('Leeds', 53.8, -1.55));
    await new Promise((r) => setTimeout(r, 300));
    expect(en.lookup('81.2.69.142')).toMatchObject({ city: 'London' });
    expect(en.info().reloads?.ok).toBe(0);
  });
});
