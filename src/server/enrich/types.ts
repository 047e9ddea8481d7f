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
  /** Further credits the data's licence asks for (e.g. RouteViews and NRO for the ASN data). */
  extraAttributions?: { text: string; url: string }[];
  /** The mmdb metadata's database_type, for user files. */
  databaseType?: string;
}

export interface GeoInfo {
  databases: GeoDatabaseInfo[];
  cache: { size: number; max: number; hits: number; misses: number };
  /** Endpoints (source or destination) left with geo null since start. */
  unlocated: number;
  /** Events enriched since start. */
  events?: number;
  /** Enrichments that failed unexpectedly (the event passed on unlocated) or reader faults. */
  errors?: number;
  /** User database reloads: done and failed (the old database kept). */
  reloads?: { ok: number; failed: number };
  /** How the embedded ASN table was obtained at start. */
  asnTable?: { source: 'cache' | 'built'; ms: number; rows4: number; rows6: number; file?: string };
}

/** The enrichment of one address (`attackmap geo`, GET helpers). */
export interface IpInfo {
  ip: string;
  country?: string;
  city?: string;
  lat?: number;
  lon?: number;
  /** Accuracy radius in km, when the database gives one. */
  radius?: number;
  as?: { number: number; org?: string };
  geoReason?: 'private' | 'reserved' | 'unknown';
  range?: string;
}

/** An address that could not be looked up: the input (cut to 100 characters) and why. */
export interface IpLookupError {
  input: string;
  error: 'EVENT_BAD_IP';
  message: string;
}

export interface Enricher {
  /** Adds geo/as/geoReason/range to both endpoints and service names; never throws. */
  enrich(e: NormalEvent): EnrichedEvent;
  info(): GeoInfo;
  /** One address as typed by a user (any IPv4/IPv6 text); never throws. createEnricher's always has it. */
  lookup?(text: string): IpInfo | IpLookupError;
  /** Stops file watchers; enrich() keeps working with the databases it has. */
  close(): void;
}
