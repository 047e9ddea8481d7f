/**
 * EventFilter as SQL over the indexed columns of `events`, with the same meaning as `matches`
 * in stream/filter.ts (a test checks the two agree on generated events).
 */
import { CATEGORIES, severityRank } from '../../../event/schema.js';
import type { EventFilter } from '../../stream/filter.js';

type Cond = (f: EventFilter) => { sql: string; params: unknown[] } | null;

const inList = (column: string, values: readonly unknown[] | undefined) =>
  values && values.length > 0 ? { sql: `${column} IN (${values.map(() => '?').join(',')})`, params: [...values] } : null;

/** One entry per filter field; adding a filter field means adding a line here. */
const CONDITIONS: Record<keyof EventFilter, Cond> = {
  categories: (f) => inList('category', f.categories?.map((c) => (CATEGORIES as readonly string[]).indexOf(c))),
  minSeverity: (f) => (f.minSeverity ? { sql: 'sev >= ?', params: [severityRank(f.minSeverity)] } : null),
  sensors: (f) => inList('sensor', f.sensors),
  sites: (f) => inList('site', f.sites),
  srcCountries: (f) => inList('src_country', f.srcCountries),
  asns: (f) => inList('src_asn', f.asns),
  ports: (f) => inList('dst_port', f.ports),
  services: (f) => inList('service', f.services),
};

/** ` AND …` conditions (empty when the filter has none) and their parameters. */
export function filterSql(f: EventFilter): { sql: string; params: unknown[] } {
  let sql = '';
  const params: unknown[] = [];
  for (const key of Object.keys(CONDITIONS) as (keyof EventFilter)[]) {
    const c = CONDITIONS[key](f);
    if (!c) continue;
    sql += ` AND ${c.sql}`;
    params.push(...c.params);
  }
  return { sql, params };
}

/**
 * The secondary index worth seeking for a page in id order: a filter on exactly one value of an
 * indexed column reads that value's rows in id order, however rare it is. Most selective first.
 */
const SEEK_INDEXES: [keyof EventFilter, string][] = [
  ['asns', 'events_asn'], ['srcCountries', 'events_country'], ['ports', 'events_port'], ['sensors', 'events_sensor'],
];

export function seekIndex(f: EventFilter): string | null {
  for (const [key, index] of SEEK_INDEXES) {
    const v = f[key] as unknown[] | undefined;
    if (v && v.length === 1) return index;
  }
  return null;
}
