/**
 * The enrichment stage: createEnricher opens the databases (embedded npm packages, or user
 * .mmdb files from the config that replace them and are reloaded on change) and returns an
 * Enricher that adds location, AS, reserved-range tags, site placement and service names.
 */
import type { Config } from '../config/schema.js';
import type { EnrichedEvent, Endpoint, NormalEvent } from '../../event/schema.js';
import { canonicalIp } from '../../event/ip.js';
import type { Enricher, GeoDatabaseInfo, GeoInfo, IpInfo, IpLookupError, Site } from './types.js';
import { silentLog, type LogFn } from './log.js';
import { openEmbeddedCity, loadEmbeddedAsn, type EmbeddedAsn } from './embedded.js';
import { WatchedMmdb, type WatchOptions } from './watched.js';
import { Resolver, asnFromReader, cityFromReader, type AsnLookup, type CityLookup, type Resolved } from './lookup.js';
import { Sites } from './sites.js';
import { serviceFor } from './services.js';
import { normaliseCity } from './mmdb.js';

export type { Enricher, GeoInfo, IpInfo, IpLookupError, Site } from './types.js';

export interface EnricherOptions {
  geo: Config['geo'];
  sites: Site[];
  /** The data directory: the ASN table cache goes to <dataDir>/cache/. */
  dataDir: string;
  /**
   * A second ASN cache directory shared by every data directory of this install (default
   * node_modules/.cache/attackmap beside the package; null for none).
   */
  sharedCacheDir?: string | null;
  log?: LogFn;
  /** How user database files are watched (defaults: poll every 2 s, reload 500 ms after the last change). */
  watch?: WatchOptions;
}

/** The enricher createEnricher returns: `lookup` is always there; `lookupIp` is the same function. */
export type GeoEnricher = Enricher & {
  lookup(text: string): IpInfo | IpLookupError;
  lookupIp(text: string): IpInfo | IpLookupError;
};

/**
 * Opens the databases and returns the enricher. Throws CodedError GEO_DB_MISSING or
 * GEO_DB_CORRUPT for a configured user database that cannot be used, CONFIG_INVALID for a site
 * whose publicIp is not an address. Start-up cost: ~0.1 s with the ASN cache file, ~2 s when
 * the ASN table is built from CSV (first start or a new package version).
 */
export async function createEnricher(opts: EnricherOptions): Promise<GeoEnricher> {
  const sites = new Sites(opts.sites);
  let resolver: Resolver | null = null;
  const dbs = openDatabases(opts, () => resolver?.reset());
  resolver = new Resolver(dbs.city, dbs.asn, opts.geo.cacheSize);
  return new EnricherImpl(resolver, sites, dbs, opts.log ?? silentLog);
}

/** The open databases behind a Resolver: lookups, descriptions and user-file watchers. */
export interface GeoDatabases {
  city: CityLookup;
  asn: AsnLookup;
  info(): GeoDatabaseInfo[];
  watched: WatchedMmdb[];
  embeddedAsn: EmbeddedAsn | null;
  close(): void;
}

/**
 * Opens the city and AS sources named by `opts.geo` (user files, watched, calling `onSwap`
 * after a reload) or the embedded ones. Throws like createEnricher. Benchmarks use it to drive a
 * Resolver directly.
 */
export function openDatabases(opts: EnricherOptions, onSwap: () => void = () => {}): GeoDatabases {
  const log = opts.log ?? silentLog;
  const watched: WatchedMmdb[] = [];
  let city: CityLookup;
  let cityInfo: () => GeoDatabaseInfo;
  let asn: AsnLookup;
  let asnInfo: () => GeoDatabaseInfo;
  let embeddedAsn: EmbeddedAsn | null = null;
  try {
    if (opts.geo.cityDb) {
      const w = new WatchedMmdb(opts.geo.cityDb, 'city', log, onSwap, opts.watch);
      watched.push(w);
      city = cityFromReader(() => w.current.reader);
      cityInfo = () => w.current.info;
    } else {
      const emb = openEmbeddedCity();
      // The split files must be routed by family: the v4 file answers v6 addresses wrongly.
      city = (p, ip) => normaliseCity((p.family === 4 ? emb.v4 : emb.v6).get(ip));
      cityInfo = () => emb.info;
    }
    if (opts.geo.asnDb) {
      const w = new WatchedMmdb(opts.geo.asnDb, 'asn', log, onSwap, opts.watch);
      watched.push(w);
      asn = asnFromReader(() => w.current.reader);
      asnInfo = () => w.current.info;
    } else {
      const emb = loadEmbeddedAsn(opts.dataDir, log, opts.sharedCacheDir);
      embeddedAsn = emb;
      asn = (p) => (p.family === 4 ? emb.table.lookup4(p.v4) : emb.table.lookup6(p.w));
      asnInfo = () => emb.info;
    }
  } catch (err) {
    for (const w of watched) w.close();
    throw err;
  }
  return {
    city, asn, watched, embeddedAsn,
    info: () => [cityInfo(), asnInfo()],
    close: () => { for (const w of watched) w.close(); },
  };
}

class EnricherImpl implements GeoEnricher {
  private unlocated = 0;
  private events = 0;
  private errors = 0;
  private lastErrorLog = 0;

  constructor(
    private readonly resolver: Resolver,
    private readonly sites: Sites,
    private readonly dbs: GeoDatabases,
    private readonly log: LogFn,
  ) {}

  private endpoint(ep: { ip: string; port?: number }, r: Resolved, site: Endpoint['geo']): Endpoint {
    const out: Endpoint = { ip: ep.ip };
    if (ep.port !== undefined) out.port = ep.port;
    out.geo = site ?? r.geo;
    if (r.geoReason !== undefined) out.geoReason = r.geoReason;
    if (r.range !== undefined) out.range = r.range;
    if (r.as) out.as = r.as; // frozen and shared with the cache
    if (out.geo === null) this.unlocated++;
    return out;
  }

  enrich(e: NormalEvent): EnrichedEvent {
    this.events++;
    try {
      const src = this.resolver.resolve(e.source.ip);
      const dst = this.resolver.resolve(e.destination.ip);
      let dstSite = this.sites.forPublicIp(e.destination.ip);
      if (!dstSite && dst.special) dstSite = this.sites.forObserver(e.observer.site);
      if (dstSite && dst.geo?.country) dstSite = { ...dstSite, country: dst.geo.country };
      const out: EnrichedEvent = {
        ...e,
        source: this.endpoint(e.source, src, null),
        destination: this.endpoint(e.destination, dst, dstSite),
      };
      if (out.service === undefined) {
        const svc = serviceFor(e.destination.port, e.transport);
        if (svc !== undefined) out.service = svc;
      }
      return out;
    } catch (err) {
      // Should not happen; the event still goes on, unlocated, and the fault is visible.
      this.errors++;
      const now = Date.now();
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now;
        this.log('error', 'enrichment failed; event passed on unlocated', { error: (err as Error).message });
      }
      this.unlocated += 2;
      return {
        ...e,
        source: { ...e.source, geo: null, geoReason: 'unknown' },
        destination: { ...e.destination, geo: null, geoReason: 'unknown' },
      };
    }
  }

  lookup(text: string): IpInfo | IpLookupError {
    const input = typeof text === 'string' ? text : String(text);
    // An IPv4 cache key is canonical (the parser is strict), so a hit on the raw text skips
    // canonicalisation; IPv6 keys may come from events in other spellings, so v6 text is
    // always canonicalised.
    let r = input.includes(':') ? undefined : this.resolver.cached(input);
    let ip = input;
    if (r === undefined) {
      const canon = canonicalIp(input);
      if (!canon) {
        return { input: input.slice(0, 100), error: 'EVENT_BAD_IP', message: 'not an IPv4 or IPv6 address (no hostnames, no leading zeros in IPv4)' };
      }
      ip = canon;
      r = this.resolver.resolve(ip);
    }
    const out: IpInfo = { ip };
    if (r.geo) {
      if (r.geo.country !== undefined) out.country = r.geo.country;
      if (r.geo.city !== undefined) out.city = r.geo.city;
      out.lat = r.geo.lat;
      out.lon = r.geo.lon;
      if (r.geo.radius !== undefined) out.radius = r.geo.radius;
    }
    if (r.as) out.as = { ...r.as };
    if (r.geoReason) out.geoReason = r.geoReason;
    if (r.range) out.range = r.range;
    return out;
  }

  lookupIp(text: string): IpInfo | IpLookupError {
    return this.lookup(text);
  }

  info(): GeoInfo {
    const c = this.resolver.cache;
    const out: GeoInfo = {
      databases: this.dbs.info(),
      cache: { size: c.size, max: c.max, hits: c.hits, misses: c.misses },
      unlocated: this.unlocated,
      events: this.events,
      errors: this.errors + this.resolver.readerErrors,
      reloads: {
        ok: this.dbs.watched.reduce((n, w) => n + w.reloads, 0),
        failed: this.dbs.watched.reduce((n, w) => n + w.failedReloads, 0),
      },
    };
    const a = this.dbs.embeddedAsn;
    if (a) out.asnTable = { source: a.source, ms: Math.round(a.ms), rows4: a.table.rows4, rows6: a.table.rows6, file: a.cacheFile };
    return out;
  }

  close(): void {
    this.dbs.close();
  }
}
