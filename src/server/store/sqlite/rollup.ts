/**
 * Rollups are summed in memory per write batch and upserted in the same transaction as the
 * events, so a rollup never counts an event that was not stored (or misses one that was).
 */
import type Database from 'better-sqlite3';
import { DAY, DIMS, HOUR, LEVELS, MINUTE, type DimName } from './schema.js';

/** The indexed facts of one event, as stored in its row. */
export interface Facts {
  t: number;
  category: number;
  sev: number;
  sensor: string;
  srcIp: string;
  srcCountry: string | null;
  srcAsn: number | null;
  asnOrg: string | null;
  dstPort: number | null;
  rule: string;
  cnt: number;
  located: boolean;
}

/** The key of an event in each dimension, or null when the event has none (e.g. no country). */
export const DIM_KEY: Record<DimName, (f: Facts) => string | null> = {
  srcCountry: (f) => f.srcCountry,
  asn: (f) => (f.srcAsn === null ? null : String(f.srcAsn)),
  srcIp: (f) => f.srcIp,
  rule: (f) => f.rule,
  port: (f) => (f.dstPort === null ? null : String(f.dstPort)),
  sensor: (f) => f.sensor,
};

export class RollupBatch {
  private ids = new Map<number, { lo: number; hi: number }>();
  // Numeric map keys (minute number, level, dim, category, severity packed into one integer
  // below 2^53): no string is built per event, which kept the collector busy on the write path.
  private tot = new Map<number, { level: number; bucket: number; category: number; sev: number; cnt: number; unloc: number }>();
  private dim = new Map<number, { level: number; dim: number; bucket: number; keys: Map<string, number> }>();
  readonly asnOrgs = new Map<number, string>();

  add(id: number, f: Facts): void {
    const minute = Math.floor(f.t / LEVELS[MINUTE]);
    const r = this.ids.get(minute);
    if (r) { if (id < r.lo) r.lo = id; if (id > r.hi) r.hi = id; } else this.ids.set(minute, { lo: id, hi: id });
    for (let level = 0; level < LEVELS.length; level++) {
      const bucket = Math.floor(f.t / LEVELS[level]) * LEVELS[level];
      const tk = ((bucket / 60_000) * 10 + level) * 100 + f.category * 10 + f.sev;
      const t = this.tot.get(tk);
      if (t) { t.cnt += f.cnt; if (!f.located) t.unloc += f.cnt; } else {
        this.tot.set(tk, { level, bucket, category: f.category, sev: f.sev, cnt: f.cnt, unloc: f.located ? 0 : f.cnt });
      }
      if (level === MINUTE) continue; // minute rows only feed `series`; dimensions start at hours
      for (let d = 0; d < DIMS.length; d++) {
        const key = DIM_KEY[DIMS[d]](f);
        if (key === null) continue;
        const dk = ((bucket / 60_000) * 10 + level) * 10 + d;
        let g = this.dim.get(dk);
        if (!g) { g = { level, dim: d, bucket, keys: new Map() }; this.dim.set(dk, g); }
        g.keys.set(key, (g.keys.get(key) ?? 0) + f.cnt);
      }
    }
    if (f.srcAsn !== null && f.asnOrg) this.asnOrgs.set(f.srcAsn, f.asnOrg);
  }

  /** Upserts the sums; call inside the write transaction. */
  flush(s: RollupStatements): void {
    for (const [minute, r] of this.ids) s.ids.run(minute, r.lo, r.hi);
    for (const t of this.tot.values()) s.tot.run(t.level, t.bucket, t.category, t.sev, t.cnt, t.unloc);
    for (const g of this.dim.values()) for (const [key, cnt] of g.keys) s.dim.run(g.level, g.dim, g.bucket, key, cnt);
  }
}

export interface RollupStatements {
  ids: Database.Statement;
  tot: Database.Statement;
  dim: Database.Statement;
}

export function rollupStatements(db: Database.Database): RollupStatements {
  return {
    ids: db.prepare('INSERT INTO r_ids (minute, lo, hi) VALUES (?, ?, ?) ON CONFLICT(minute) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)'),
    tot: db.prepare('INSERT INTO r_tot (level, bucket, category, sev, cnt, unloc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET cnt = cnt + excluded.cnt, unloc = unloc + excluded.unloc'),
    dim: db.prepare('INSERT INTO r_dim (level, dim, bucket, key, cnt) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET cnt = cnt + excluded.cnt'),
  };
}

export { DAY, HOUR, MINUTE };
