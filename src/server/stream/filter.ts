/**
 * Filters shared by /api/stream, /api/events and /api/stats: parsed and validated once per
 * request, then applied per event with `matches`.
 */
import { CATEGORIES, SEVERITIES, severityRank, type AttackEvent, type Category, type Severity } from '../../event/schema.js';

export interface EventFilter {
  categories?: Category[];
  minSeverity?: Severity;
  sensors?: string[];
  sites?: string[];
  /** ISO 3166-1 alpha-2, upper case. */
  srcCountries?: string[];
  asns?: number[];
  /** Destination ports. */
  ports?: number[];
  services?: string[];
}

export type FilterParse = { ok: true; filter: EventFilter } | { ok: false; message: string };

/** The query parameter names of filters. */
export const FILTER_PARAMS = ['category', 'minSeverity', 'sensor', 'site', 'srcCountry', 'asn', 'port', 'service'] as const;

/** Most values one filter parameter may list. */
const MAX_VALUES = 64;

function list(v: unknown): string[] {
  const raw = Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : '';
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Parses filter query parameters; unknown parameters are ignored, bad values are an error. */
export function parseFilter(query: Record<string, unknown>): FilterParse {
  const f: EventFilter = {};
  for (const name of FILTER_PARAMS) {
    if (query[name] === undefined) continue;
    const values = list(query[name]);
    if (values.length === 0) continue;
    if (values.length > MAX_VALUES) return { ok: false, message: `${name}: at most ${MAX_VALUES} values` };
    for (const v of values) if (v.length > 200) return { ok: false, message: `${name}: value too long` };
    switch (name) {
      case 'category': {
        const bad = values.find((v) => !(CATEGORIES as readonly string[]).includes(v));
        if (bad) return { ok: false, message: `category: ${JSON.stringify(bad)} is not one of ${CATEGORIES.join(', ')}` };
        f.categories = values as Category[];
        break;
      }
      case 'minSeverity': {
        const v = values[0];
        if (values.length > 1 || !(SEVERITIES as readonly string[]).includes(v)) {
          return { ok: false, message: `minSeverity: must be one of ${SEVERITIES.join(', ')}` };
        }
        f.minSeverity = v as Severity;
        break;
      }
      case 'sensor': f.sensors = values; break;
      case 'site': f.sites = values; break;
      case 'srcCountry': {
        const bad = values.find((v) => !/^[A-Za-z]{2}$/.test(v));
        if (bad) return { ok: false, message: `srcCountry: ${JSON.stringify(bad)} is not a two-letter country code` };
        f.srcCountries = values.map((v) => v.toUpperCase());
        break;
      }
      case 'asn': {
        const nums = values.map((v) => Number(v.replace(/^AS/i, '')));
        if (nums.some((n) => !Number.isInteger(n) || n < 0 || n > 4294967295)) return { ok: false, message: 'asn: must be AS numbers' };
        f.asns = nums;
        break;
      }
      case 'port': {
        const nums = values.map(Number);
        if (nums.some((n) => !Number.isInteger(n) || n < 0 || n > 65535)) return { ok: false, message: 'port: must be integers 0-65535' };
        f.ports = nums;
        break;
      }
      case 'service': f.services = values.map((v) => v.toLowerCase()); break;
    }
  }
  return { ok: true, filter: f };
}

/** True when the filter has no condition. */
export function isEmptyFilter(f: EventFilter): boolean {
  return Object.keys(f).length === 0;
}

/** A stable text key for a filter, so clients with equal filters share one serialisation. */
export function filterKey(f: EventFilter): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`${k}=${Array.isArray(v) ? [...v].map(String).sort().join(',') : String(v)}`);
  }
  return parts.join('&');
}

/** True when the event passes every condition of the filter. */
export function matches(f: EventFilter, e: AttackEvent): boolean {
  if (f.categories && !f.categories.includes(e.category)) return false;
  if (f.minSeverity && severityRank(e.severity) < severityRank(f.minSeverity)) return false;
  if (f.sensors && !f.sensors.includes(e.observer.name)) return false;
  if (f.sites && !(e.observer.site !== undefined && f.sites.includes(e.observer.site))) return false;
  if (f.srcCountries && !(e.source.geo?.country && f.srcCountries.includes(e.source.geo.country))) return false;
  if (f.asns && !(e.source.as && f.asns.includes(e.source.as.number))) return false;
  if (f.ports && !(e.destination.port !== undefined && f.ports.includes(e.destination.port))) return false;
  if (f.services && !(e.service !== undefined && f.services.includes(e.service))) return false;
  return true;
}
