/**
 * Versioned migrations of the event log. Each entry moves the database from version i to i+1;
 * they run in one transaction and `PRAGMA user_version` records how far a file has come, so an
 * older file opened by newer code is upgraded in place and a half-applied upgrade never exists.
 */
import type Database from 'better-sqlite3';

/**
 * Levels of the rollup tables: bucket width in ms. Level 0 (minute) keeps only category ×
 * severity totals (for `series`); hour and day also keep one row per key of each dimension.
 */
export const LEVELS = [60_000, 3_600_000, 86_400_000] as const;
export const MINUTE = 0;
export const HOUR = 1;
export const DAY = 2;

/** Dimension numbers of `r_dim`. Stored as integers, so the order of this list is fixed forever. */
export const DIMS = ['srcCountry', 'asn', 'srcIp', 'rule', 'port', 'sensor'] as const;
export type DimName = (typeof DIMS)[number];

/** Exported for the upgrade test; never edit an entry once released, append a new one. */
export const MIGRATIONS: string[] = [
  // 1: events with indexed columns beside the full JSON, rollups, dead letters, state.
  `
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    t INTEGER NOT NULL,            -- event time, epoch ms
    category INTEGER NOT NULL,     -- index into CATEGORIES
    sev INTEGER NOT NULL,          -- severity rank
    sensor TEXT NOT NULL,
    site TEXT,
    src_ip TEXT NOT NULL,
    src_country TEXT,
    src_asn INTEGER,
    dst_port INTEGER,
    service TEXT,
    rule TEXT NOT NULL,
    cnt INTEGER NOT NULL,          -- the event's count (repeats collapsed into one event)
    located INTEGER NOT NULL,      -- 1 when the source has a geo location
    json TEXT NOT NULL             -- the whole event except its id
  );
  -- Secondary indexes end in the rowid implicitly, so (src_country = ? AND id > ?) is a seek
  -- that reads in id order: the plan used for a history page filtered on one value.
  CREATE INDEX events_t ON events(t);
  CREATE INDEX events_country ON events(src_country);
  CREATE INDEX events_asn ON events(src_asn);
  CREATE INDEX events_sensor ON events(sensor);
  CREATE INDEX events_port ON events(dst_port);

  -- Lowest and highest id of the events whose time falls in each minute: a history window turns
  -- into an id range, scanned along the primary key.
  CREATE TABLE r_ids (minute INTEGER PRIMARY KEY, lo INTEGER NOT NULL, hi INTEGER NOT NULL);

  CREATE TABLE r_tot (
    level INTEGER NOT NULL, bucket INTEGER NOT NULL, category INTEGER NOT NULL, sev INTEGER NOT NULL,
    cnt INTEGER NOT NULL, unloc INTEGER NOT NULL,
    PRIMARY KEY (level, bucket, category, sev)
  ) WITHOUT ROWID;
  CREATE TABLE r_dim (
    level INTEGER NOT NULL, dim INTEGER NOT NULL, bucket INTEGER NOT NULL, key TEXT NOT NULL,
    cnt INTEGER NOT NULL,
    PRIMARY KEY (level, dim, bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE asn_names (asn INTEGER PRIMARY KEY, org TEXT NOT NULL);

  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL, source TEXT NOT NULL, format TEXT NOT NULL, code TEXT NOT NULL,
    message TEXT NOT NULL, raw TEXT NOT NULL, position TEXT
  );
  CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  -- Counters kept in step with the tables, so health checks never run count(*) on 10M rows.
  CREATE TABLE meta (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta VALUES ('events', 0), ('dead_letters', 0);
  `,
  // 2: the JSON moves to its own table, so scans of the indexed columns (filtered pages, stats
  // over raw events, retention) read ~8x fewer pages; pruning watermarks for r_dim.
  `
  CREATE TABLE event_json (id INTEGER PRIMARY KEY, json TEXT NOT NULL);
  INSERT INTO event_json (id, json) SELECT id, json FROM events;
  ALTER TABLE events DROP COLUMN json;
  INSERT INTO meta VALUES ('pruned_hour', 0), ('pruned_day', 0);
  `,
  // 3: first and last sighting of each source AS and source network (/24, /48) for trends' "new
  // in this window". last_ms may lag by up to SEEN_SLACK_MS (see trends.ts). Existing events are
  // folded in so an upgraded file does not call every known source new; net_key() is registered
  // on the connection by openSqliteLog before migrating.
  `
  CREATE TABLE asn_seen (asn INTEGER PRIMARY KEY, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL);
  CREATE INDEX asn_seen_first ON asn_seen(first_ms);
  CREATE INDEX asn_seen_last ON asn_seen(last_ms);
  CREATE TABLE net_seen (prefix TEXT PRIMARY KEY, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX net_seen_first ON net_seen(first_ms);
  CREATE INDEX net_seen_last ON net_seen(last_ms);
  INSERT INTO asn_seen (asn, first_ms, last_ms)
    SELECT src_asn, min(t), max(t) FROM events WHERE src_asn IS NOT NULL GROUP BY src_asn;
  INSERT INTO net_seen (prefix, first_ms, last_ms)
    SELECT net_key(src_ip) AS k, min(t), max(t) FROM events GROUP BY k HAVING k IS NOT NULL;
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies the migrations the file lacks; throws when the file is newer than this code. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`events.db has schema version ${current}; this attackmap knows up to ${MIGRATIONS.length}`);
  }
  if (current === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
