/**
 * Sensor sites: where a sensor behind NAT really is. A destination in a private or reserved
 * range (or the 0.0.0.0 / :: that parsers emit for "this sensor") is placed at its sensor's
 * site, and a destination equal to a site's public address lands on that site.
 */
import type { Geo } from '../../event/schema.js';
import { canonicalIp } from '../../event/ip.js';
import { CodedError } from '../../event/errors.js';
import type { Site } from './types.js';

export class Sites {
  private byName = new Map<string, Geo>();
  private byPublicIp = new Map<string, Geo>();
  private only: Geo | null = null;

  /** Throws CodedError CONFIG_INVALID for a publicIp that is not an address. */
  constructor(sites: readonly Site[]) {
    sites.forEach((s, i) => {
      const geo: Geo = Object.freeze({ lat: s.lat, lon: s.lon, site: s.name });
      if (!this.byName.has(s.name)) this.byName.set(s.name, geo);
      if (s.publicIp !== undefined) {
        const ip = canonicalIp(s.publicIp);
        if (!ip) throw new CodedError('CONFIG_INVALID', `sites.${i}.publicIp: ${JSON.stringify(s.publicIp.slice(0, 64))} is not an IP address`);
        this.byPublicIp.set(ip, geo);
      }
    });
    if (sites.length === 1) this.only = this.byName.get(sites[0].name) ?? null;
  }

  /** The site of a sensor: by observer.site, or the single configured site when none is named. */
  forObserver(site: string | undefined): Geo | null {
    if (site === undefined || site === '') return this.only;
    return this.byName.get(site) ?? null;
  }

  /** The site whose public address this is, or null. */
  forPublicIp(ip: string): Geo | null {
    return this.byPublicIp.size === 0 ? null : this.byPublicIp.get(ip) ?? null;
  }
}
