import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { geoCommand } from './geo.js';
import { MmdbWriter, cityRecord } from '../enrich/testing/mmdb-writer.js';
import { sharedGeoDataDir } from '../enrich/testing/shared-data-dir.js';

async function run(args: string[]): Promise<{ code: number; lines: any[] }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => { text += c; });
  const code = await geoCommand(args, out);
  return { code, lines: text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

let dir: string;
const shared = sharedGeoDataDir();
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'attackmap-geocli-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('attackmap geo', () => {
  it('prints one JSON line per address with the embedded databases', async () => {
    const { code, lines } = await run(['--data', shared, '81.2.69.142', '10.1.1.1', '2001:db8::1', '::ffff:8.8.8.8']);
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ ip: '81.2.69.142', country: 'GB', city: 'Bracknell', as: { number: 20712 } });
    expect(lines[1]).toEqual({ ip: '10.1.1.1', geoReason: 'private', range: 'rfc1918' });
    expect(lines[2]).toEqual({ ip: '2001:db8::1', geoReason: 'reserved', range: 'documentation' });
    expect(lines[3]).toMatchObject({ ip: '8.8.8.8', country: 'US' });
  });

  it('answers hostile input with error lines and exit code 1, never a crash', async () => {
    const { code, lines } = await run(['--data', shared, 'nonsense', '010.0.0.1', 'x'.repeat(10_000), '8.8.8.8', '%%%', '1.2.3.4\u0000']);
    expect(code).toBe(1);
    expect(lines).toHaveLength(6);
    for (const i of [0, 1, 2, 4, 5]) expect(lines[i]).toMatchObject({ error: 'EVENT_BAD_IP' });
    expect(lines[2].input.length).toBe(100);
    expect(lines[3]).toMatchObject({ ip: '8.8.8.8', as: { number: 15169 } });
  });

  it('--info lists databases with dates and licences', async () => {
    const { code, lines } = await run(['--info', '--data', shared]);
    expect(code).toBe(0);
    const dbs = lines[0].databases;
    expect(dbs.map((d: any) => d.kind)).toEqual(['city', 'asn']);
    expect(dbs[0].builtAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(dbs[1].attribution.url).toBe('https://db-ip.com');
  });

  it('uses the user database named in --config', async () => {
    const db = join(dir, 'city.mmdb');
    writeFileSync(db, new MmdbWriter({ databaseType: 'GeoIP2-City' }).insert('81.2.69.0/24', cityRecord('GB', 51.5, -0.12, 'London', 5)).build());
    const cfg = join(dir, 'attackmap.yaml');
    writeFileSync(cfg, `geo:\n  cityDb: ${db}\n`);
    const { code, lines } = await run(['--config', cfg, '--data', dir, '81.2.69.142']);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ city: 'London', radius: 5, lat: 51.5 });
  });

  it('reports configuration and database errors with their codes and exit code 2', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, `geo:\n  cityDb: ${join(dir, 'missing.mmdb')}\n`);
    expect(await run(['--config', cfg, '8.8.8.8'])).toEqual({ code: 2, lines: [expect.objectContaining({ error: 'GEO_DB_MISSING' })] });
    expect(await run(['--config', join(dir, 'nope.yaml'), '8.8.8.8'])).toEqual({ code: 2, lines: [expect.objectContaining({ error: 'CONFIG_UNREADABLE' })] });
    expect((await run([])).code).toBe(2);
    expect((await run(['--bogus'])).lines[0].error).toBe('USAGE');
  });
});
