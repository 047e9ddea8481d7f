/**
 * The enrichment stage: location and network owner for both endpoints, from embedded databases,
 * with private/reserved ranges tagged before any lookup and sensors behind NAT placed at their
 * configured site.
 */
import type { EnrichedEvent, NormalEvent } from '../../event/schema.js';

export interface Site {
  name: string;
  lat: number;
  lon: number;
  /** The site's public address, if known: events to it land at the site. */
  publicIp?: string;
}

export interface GeoDatabaseInfo {
  kind: 'city' | 'asn';
  /** Where it came from: an npm package name@version or a file path. */
  origin: string;
  /** Build date of the data, ISO-8601 (date part), when known. */
  builtAt?: string;
  licence: string;
  attribution: { text: string; url: string };
}

export interface GeoInfo {
  databases: GeoDatabaseInfo[];
  cache: { size: number; max: number; hits: number; misses: number };
  unlocated: number;
}

export interface Enricher {
  /** Adds geo/as/geoReason/range to both endpoints and service names; never throws. */
  enrich(e: NormalEvent): EnrichedEvent;
  info(): GeoInfo;
  close(): void;
}
