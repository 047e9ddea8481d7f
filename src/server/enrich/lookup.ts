/**
 * Address resolution: reserved-range tag first, then the city and AS databases, behind one
 * bounded LRU cache. Knows nothing of events or sites (see enricher.ts).
 */
import type { Geo, GeoReason } from '../../event/schema.js';
import { canonicalIp } from '../../event/ip.js';
import { parseIp, type ParsedIp } from './ipnum.js';
import { classifyParsed } from './reserved.js';
import { Lru } from './lru.js';
import { normaliseAsn, normaliseCity, type CityHit } from './mmdb.js';
import type { AsnHit } from './asn-table.js';

/** What one address resolves to; shared between cache hits and events, so frozen. */
export interface Resolved {
  geo: Geo | null;
  geoReason?: GeoReason;
  range?: string;
  as?: AsnHit;
  /** Set for special-purpose ranges (private or reserved): such a destination goes to its site. */
  special: boolean;
}

/** A city or AS source: given the parsed address and its text, a normalised record or null. */
export type CityLookup = (p: ParsedIp, ip: string) => CityHit | null;
export type AsnLookup = (p: ParsedIp, ip: string) => AsnHit | null;

/** City lookup over one mmdb reader (user databases: both families in one file). */
export function cityFromReader(getReader: () => { get(ip: string): unknown; metadata: { ipVersion: number } }): CityLookup {
  return (p, ip) => {
    const r = getReader();
    if (p.family === 6 && r.metadata.ipVersion !== 6) return null;
    return normaliseCity(r.get(ip));
  };
}

/** AS lookup over one mmdb reader. */
export function asnFromReader(getReader: () => { get(ip: string): unknown; metadata: { ipVersion: number } }): AsnLookup {
  return (p, ip) => {
    const r = getReader();
    if (p.family === 6 && r.metadata.ipVersion !== 6) return null;
    return normaliseAsn(r.get(ip));
  };
}

const UNKNOWN: Resolved = Object.freeze({ geo: null, geoReason: 'unknown', special: false });

export class Resolver {
  readonly cache: Lru<string, Resolved>;
  /** Lookups that threw inside a reader (a damaged database region); answered as unknown. */
  readerErrors = 0;

  constructor(private city: CityLookup, private asn: AsnLookup, cacheSize: number) {
    this.cache = new Lru(cacheSize);
  }

  /** Forgets cached answers (after a database swap). */
  reset(): void { this.cache.clear(); }

  /** The cached answer when `text` is a cached canonical address (a miss is not counted). */
  cached(text: string): Resolved | undefined {
    return this.cache.peek(text);
  }

  /** Resolves an address in canonical text form; other text is canonicalised first. Never throws. */
  resolve(ip: string): Resolved {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    let p = parseIp(ip);
    if (!p) {
      const canon = canonicalIp(ip);
      p = canon ? parseIp(canon) : null;
      if (!p || !canon) return UNKNOWN;
      ip = canon;
    }
    const r = this.compute(p, ip);
    this.cache.set(ip, r);
    return r;
  }

  private compute(p: ParsedIp, ip: string): Resolved {
    const tag = classifyParsed(p);
    if (tag) return Object.freeze({ geo: null, geoReason: tag.reason, range: tag.range, special: true });
    let geo: Geo | null = null;
    let as: AsnHit | null = null;
    try { geo = this.city(p, ip); } catch { this.readerErrors++; }
    try { as = this.asn(p, ip); } catch { this.readerErrors++; }
    // Frozen: events share these objects with the cache (no copy per event), so a consumer that
    // tried to change one would corrupt later answers; freezing makes that fail loudly instead.
    const out: Resolved = geo ? { geo: Object.freeze(geo), special: false } : { geo: null, geoReason: 'unknown', special: false };
    if (as) out.as = Object.freeze(as);
    return Object.freeze(out);
  }
}
