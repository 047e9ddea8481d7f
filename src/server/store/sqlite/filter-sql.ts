/**
 * EventFilter as SQL over the indexed columns of `events`, with the same meaning as `matches`
 * in stream/filter.ts (a test checks the two agree on generated events).
 */
import { CATEGORIES, severityRank } from '../../../event/schema.js';
import type Database from 'better-sqlite3';
import type { EventFilter } from '../../stream/filter.js';
import { DAY, DIMS, LEVELS, type DimName } from './schema.js';

const DAY_MS = LEVELS[DAY];

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

/** Indexed filter fields, the index, and the rollup dimension that estimates how many rows match. */
const SEEK_INDEXES: { field: keyof EventFilter; index: string; dim: DimName }[] = [
  { field: 'asns', index: 'events_asn', dim: 'asn' },
  { field: 'srcCountries', index: 'events_country', dim: 'srcCountry' },
  { field: 'ports', index: 'events_port', dim: 'port' },
  { field: 'sensors', index: 'events_sensor', dim: 'sensor' },
];

export interface ReadPlan {
  /** `INDEXED BY <index>` or `NOT INDEXED`, to put after the table name. */
  hint: string;
  /** True when the plan reads only matching rows, in id order (one value of an indexed column). */
  inOrder: boolean;
}

/** Below this share of the window's events, reading matches through an index beats a scan. */
const SEEK_SHARE = 0.05;

/**
 * How to read a filtered window: `INDEXED BY <index>` or `NOT INDEXED` (a scan of the window's id
 * range along the primary key). The day rollups estimate each indexed field's share of the
 * window; the rarest one under SEEK_SHARE wins. For a page in id order a one-value index is read
 * in id order and stops at the limit, so it is taken whatever its share; several values are read
 * and then sorted, which only pays when they are rare. `ordered` says the caller needs id order.
 */
export function readPlan(db: Database.Database, f: EventFilter, from: number, to: number, ordered: boolean): ReadPlan {
  const candidates = SEEK_INDEXES.filter(({ field }) => ((f[field] as unknown[] | undefined)?.length ?? 0) > 0);
  if (candidates.length === 0) return { hint: 'NOT INDEXED', inOrder: false };
  const dayFrom = Math.floor(from / DAY_MS) * DAY_MS;
  const total = (db.prepare('SELECT sum(cnt) FROM r_tot WHERE level = ? AND bucket >= ? AND bucket < ?').pluck()
    .get(DAY, dayFrom, to) as number | null) ?? 0;
  let best: { index: string; share: number } | null = null;
  for (const c of candidates) {
    const keys = (f[c.field] as unknown[]).map(String);
    const n = (db.prepare(`SELECT sum(cnt) FROM r_dim WHERE level = ? AND dim = ? AND bucket >= ? AND bucket < ? AND key IN (${keys.map(() => '?').join(',')})`)
      .pluck().get(DAY, DIMS.indexOf(c.dim), dayFrom, to, ...keys) as number | null) ?? 0;
    const share = total > 0 ? n / total : 0;
    if (!best || share < best.share) best = { index: c.index, share };
  }
  const single = candidates.find(({ field }) => (f[field] as unknown[]).length === 1);
  if (best && best.share < SEEK_SHARE) {
    const inOrder = single !== undefined && single.index === best.index;
    return { hint: `INDEXED BY ${best.index}`, inOrder };
  }
  if (ordered && single) return { hint: `INDEXED BY ${single.index}`, inOrder: true };
  return { hint: 'NOT INDEXED', inOrder: false };
}
