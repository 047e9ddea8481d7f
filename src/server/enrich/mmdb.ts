/**
 * User-supplied MaxMind DB files (GeoIP2/GeoLite2 City or ASN, DB-IP lite, or an ip-location-db
 * mmdb): opening with clear error codes, record normalisation for both the nested MaxMind shape
 * and the flat ip-location-db shape, and the licence that goes with a database type.
 */
import { readFileSync, statSync } from 'node:fs';
import { Reader } from 'maxmind';
import { CodedError } from '../../event/errors.js';
import type { GeoDatabaseInfo } from './types.js';
import { licenceFor } from './licences.js';
import { Lru } from './lru.js';

/** Decoded records kept per reader (by data-section offset), default 20,000. */
export const RECORD_CACHE_SIZE = 20_000;

/**
 * A reader over a database buffer with a bounded cache of decoded records: many networks
 * share one record (a city), so decoding each once makes misses of the address cache cheap.
 */
export function newReader(buf: Buffer, recordCache = RECORD_CACHE_SIZE): Reader<any> {
  const lru = new Lru<number, any>(recordCache);
  return new Reader<any>(buf, { cache: { get: (k: number) => lru.get(k), set: (k: number, v: any) => lru.set(k, v) } });
}

export interface CityHit {
  lat: number;
  lon: number;
  country?: string;
  city?: string;
  radius?: number;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined;
}

/**
 * A city record in either shape, as {lat, lon, country, city, radius}, or null when it has no
 * usable coordinates. Nested: {country:{iso_code}, location:{latitude, longitude,
 * accuracy_radius}, city:{names:{en}}}; flat: {country_code, latitude, longitude, city}.
 */
export function normaliseCity(rec: any): CityHit | null {
  if (!rec || typeof rec !== 'object') return null;
  let lat: number | undefined;
  let lon: number | undefined;
  let country: string | undefined;
  let city: string | undefined;
  let radius: number | undefined;
  if (rec.location && typeof rec.location === 'object') {
    lat = num(rec.location.latitude);
    lon = num(rec.location.longitude);
    radius = num(rec.location.accuracy_radius);
    country = str(rec.country?.iso_code, 2) ?? str(rec.registered_country?.iso_code, 2);
    city = str(rec.city?.names?.en, 200);
  } else {
    lat = num(rec.latitude);
    lon = num(rec.longitude);
    country = str(rec.country_code, 2);
    city = str(rec.city, 200);
  }
  if (lat === undefined || lon === undefined || lat < -90 || lat > 90 || lon < -180 || lon > 180) return null;
  // Four decimals (about 11 m) is finer than any database's accuracy and keeps float32 noise
  // (37.750999450683594) out of the JSON.
  const out: CityHit = { lat: Math.round(lat * 1e4) / 1e4, lon: Math.round(lon * 1e4) / 1e4 };
  if (country) out.country = country;
  if (city) out.city = city;
  if (radius !== undefined) out.radius = radius;
  return out;
}

/** An ASN record ({autonomous_system_number, autonomous_system_organization}) or null. */
export function normaliseAsn(rec: any): { number: number; org?: string } | null {
  const n = rec?.autonomous_system_number;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return null;
  const org = str(rec.autonomous_system_organization, 300);
  return org ? { number: n, org } : { number: n };
}

/** A reader over a user file with its description for info(). */
export interface OpenedMmdb {
  reader: Reader<any>;
  info: GeoDatabaseInfo;
  /** mtime and size when read, to tell a real change from a touch. */
  stamp: string;
}

/**
 * Reads and checks a .mmdb file: CodedError GEO_DB_MISSING when it cannot be read,
 * GEO_DB_CORRUPT when it is not a MaxMind DB or its tree cannot be walked.
 */
export function openMmdb(path: string, kind: 'city' | 'asn'): OpenedMmdb {
  let buf: Buffer;
  let stamp: string;
  try {
    const st = statSync(path);
    buf = readFileSync(path);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch (err) {
    throw new CodedError('GEO_DB_MISSING', `${path}: ${(err as Error).message}`);
  }
  let reader: Reader<any>;
  try {
    reader = newReader(buf);
    // Walk the tree once per family: a file with intact metadata but a damaged body fails here,
    // before it replaces a working database.
    reader.get('8.8.8.8');
    if (reader.metadata.ipVersion === 6) reader.get('2001:4860:4860::8888');
  } catch (err) {
    throw new CodedError('GEO_DB_CORRUPT', `${path}: ${(err as Error).message}`);
  }
  const type = String(reader.metadata.databaseType ?? '');
  const rule = licenceFor(type);
  const epoch = reader.metadata.buildEpoch;
  return {
    reader,
    stamp,
    info: {
      kind,
      origin: path,
      builtAt: epoch instanceof Date && !Number.isNaN(epoch.getTime()) ? epoch.toISOString().slice(0, 10) : undefined,
      licence: rule?.licence ?? `see the licence of ${type || 'this database'}`,
      attribution: rule?.attribution ?? { text: type || 'user database', url: '' },
      databaseType: type,
    },
  };
}
