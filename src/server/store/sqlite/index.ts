/**
 * The SQLite event log: one file `<dataDir>/events.db` in WAL mode with synchronous=FULL.
 *
 * Writes go through a group commit: `append()` queues its events and a writer, scheduled with
 * setImmediate, stores everything queued (up to MAX_BATCH events) in one transaction, so one
 * fsync covers many callers and a commit happens on every turn of the event loop under load
 * (well within 10 ms). A caller's promise resolves only after the transaction covering its
 * events has committed; when a commit throws, every caller in it is rejected and nothing of it
 * is acknowledged. The queue is bounded (maxPending events, default 100,000): beyond it append
 * rejects at once with INGEST_STORE_FAILED, so a stalled disk turns into visible back-pressure
 * instead of unbounded memory.
 *
 * Reads use a second, read-only connection: under WAL a reader sees the last commit and never
 * waits for the writer.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, severityRank, type AttackEvent, type EnrichedEvent } from '../../../event/schema.js';
import { CodedError } from '../../../event/errors.js';
import type { DeadLetter, EventLog, HistoryPage, HistoryQuery, StatsQuery, StatsResult, TrendsQuery, TrendsResult } from '../types.js';
import { migrate } from './schema.js';
import { RollupBatch, rollupStatements, type Facts } from './rollup.js';
import { queryRows, runQuery } from './query.js';
import { runStats, runStatsAsync } from './stats.js';
import { Retention, type RetentionOptions } from './retention.js';
import { isValidId, parseId, rowJson, rowToEvent } from './rows.js';
import { registerSeenFunctions, runTrends, SeenBatch, SeenCache, seenStatements } from './trends.js';

export { MAX_PAGE, SCAN_BUDGET } from './query.js';

/** Most events one transaction stores; a larger backlog is committed over several turns. */
export const MAX_BATCH = 5_000;
/** Default bound of events queued for the writer and not yet committed. */
export const MAX_PENDING = 100_000;
/** Most events one readAfter / recent call returns. */
export const MAX_READ = 10_000;
/** Longest raw text kept per dead letter, in characters. */
export const MAX_DEAD_RAW = 16_384;

export interface SqliteLogOptions {
  /** Directory of events.db; created if missing. */
  dataDir: string;
  /** Days of raw events kept, by event time (default 30). */
  rawRetentionDays?: number;
  /** Days of rollups kept, by bucket time (default 400). */
  rollupRetentionDays?: number;
  /** Most dead letters kept; the oldest go first (default 10,000). */
  deadLetterRows?: number;
  /** Clock in epoch ms (default Date.now); sets `received` and the retention cut-off. */
  now?: () => number;
  /** Bound of queued, uncommitted events (default MAX_PENDING). */
  maxPending?: number;
  /** Period of the retention sweep in ms (default 60,000); 0 disables the timer. */
  retentionIntervalMs?: number;
  /** Most ids one history page examines on a scanning plan (default SCAN_BUDGET, see query.ts). */
  scanBudget?: number;
  /** Ids per step of statsAsync's raw scans (default SCAN_CHUNK, see stats.ts). */
  statsChunk?: number;
}

export interface LogHealth {
  /** False after a failed commit (until the next one succeeds) or after close. */
  writable: boolean;
  /** Events queued and not yet committed. */
  pendingWrites: number;
  /** Epoch ms of the last successful commit (0 before the first). */
  lastCommitMs: number;
  /** How long the last commit took, ms. */
  lastCommitDurationMs: number;
  /** Events stored (kept in step by writes and retention; no count(*)). */
  events: number;
  /** Transactions committed by the writer since open. */
  commits: number;
  /** Retention steps that failed since open (retried on the next sweep), and the last message. */
  retentionErrors: number;
  lastRetentionError: string | null;
}

export interface SqliteEventLog extends EventLog {
  health(): LogHealth;
  statsAsync(q: StatsQuery): Promise<StatsResult>;
  trends(q: TrendsQuery): Promise<TrendsResult>;
  queryJson(q: HistoryQuery): { lines: string[]; nextCursor: string | null };
  /** Runs one full retention sweep now, in small steps; resolves with the rows deleted. */
  sweep(): Promise<{ events: number; rollups: number }>;
}

interface Pending {
  events: EnrichedEvent[];
  received: string;
  resolve: (stored: AttackEvent[]) => void;
  reject: (err: unknown) => void;
}

function factsOf(e: EnrichedEvent, fallbackTime: number): Facts {
  const t = Date.parse(e.time);
  const src = e.source;
  return {
    t: Number.isFinite(t) ? t : fallbackTime,
    category: Math.max(0, (CATEGORIES as readonly string[]).indexOf(e.category)),
    sev: Math.max(0, severityRank(e.severity)),
    sensor: e.observer.name,
    srcIp: src.ip,
    srcCountry: src.geo?.country ?? null,
    srcAsn: src.as?.number ?? null,
    asnOrg: src.as?.org ?? null,
    dstPort: e.destination.port ?? null,
    rule: e.rule.name,
    cnt: Number.isInteger(e.count) && e.count >= 1 ? e.count : 1,
    located: !!src.geo,
  };
}

/**
 * Opens (creating if needed) the event log in `opts.dataDir`. Throws CodedError('STORE_OPEN_FAILED')
 * when the directory or file cannot be used.
 */
export function openSqliteLog(opts: SqliteLogOptions): SqliteEventLog {
  const now = opts.now ?? Date.now;
  const maxPending = opts.maxPending ?? MAX_PENDING;
  const deadLetterRows = opts.deadLetterRows ?? 10_000;
  const file = join(opts.dataDir, 'events.db');
  let db: Database.Database | undefined;
  let rd: Database.Database;
  try {
    mkdirSync(opts.dataDir, { recursive: true });
    db = new Database(file);
    // Readers beside the writer need WAL; some file systems (network mounts) refuse it.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`the file system does not support WAL (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    registerSeenFunctions(db);
    migrate(db);
    rd = new Database(file, { readonly: true, fileMustExist: true });
    rd.pragma('busy_timeout = 5000');
    rd.pragma('cache_size = -65536');
  } catch (err) {
    try { db?.close(); } catch { /* already failing; the first error is the one to report */ }
    throw new CodedError('STORE_OPEN_FAILED', `cannot open ${file}: ${(err as Error).message}`);
  }

  const insert = db.prepare(`INSERT INTO events (t, category, sev, sensor, site, src_ip, src_country, src_asn, dst_port, service, rule, cnt, located)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertJson = db.prepare('INSERT INTO event_json (id, json) VALUES (?, ?)');
  const roll = rollupStatements(db);
  const seen = seenStatements(db);
  const seenCache = new SeenCache();
  const addMeta = db.prepare('UPDATE meta SET n = n + ? WHERE key = ?');
  const upsertAsn = db.prepare('INSERT INTO asn_names (asn, org) VALUES (?, ?) ON CONFLICT(asn) DO UPDATE SET org = excluded.org');
  const knownAsn = new Map<number, string>();
  for (const r of db.prepare('SELECT asn, org FROM asn_names').all() as { asn: number; org: string }[]) knownAsn.set(r.asn, r.org);
  const metaN = (key: string) => (db.prepare('SELECT n FROM meta WHERE key = ?').get(key) as { n: number }).n;
  let eventCount = metaN('events');
  let deadCount = metaN('dead_letters');

  const writeBatch = db.transaction((items: Pending[]): AttackEvent[][] => {
    const rb = new RollupBatch();
    const sb = new SeenBatch(seenCache);
    const out: AttackEvent[][] = [];
    let n = 0;
    const fallback = now();
    for (const item of items) {
      const stored: AttackEvent[] = [];
      for (const e of item.events) {
        const f = factsOf(e, fallback);
        const { id: _ignored, ...rest } = e as EnrichedEvent & { id?: unknown };
        const body = { ...rest, received: item.received };
        const info = insert.run(f.t, f.category, f.sev, f.sensor, e.observer.site ?? null, f.srcIp, f.srcCountry, f.srcAsn,
          f.dstPort, e.service ?? null, f.rule, f.cnt, f.located ? 1 : 0);
        const id = Number(info.lastInsertRowid);
        insertJson.run(id, JSON.stringify(body));
        rb.add(id, f);
        sb.add(f.t, f.srcAsn, f.srcIp);
        stored.push({ id: String(id), ...body } as AttackEvent);
        n++;
      }
      out.push(stored);
    }
    rb.flush(roll);
    sb.flush(seen);
    for (const [asn, org] of rb.asnOrgs) if (knownAsn.get(asn) !== org) upsertAsn.run(asn, org);
    addMeta.run(n, 'events');
    // Remember the names only once the commit has happened (this runs inside the transaction,
    // and a throw above leaves knownAsn untouched).
    return Object.assign(out, { asnOrgs: rb.asnOrgs, n, seen: sb });
  });

  const queue: Pending[] = [];
  let queued = 0;
  let scheduled = false;
  let closed = false;
  const health: LogHealth = {
    writable: true, pendingWrites: 0, lastCommitMs: 0, lastCommitDurationMs: 0, events: eventCount, commits: 0,
    retentionErrors: 0, lastRetentionError: null,
  };

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(flushOnce);
  }

  /** Commits one batch of whole append calls (at least one, up to MAX_BATCH events). */
  function flushOnce(): void {
    scheduled = false;
    if (queue.length === 0) return;
    let take = 0;
    let events = 0;
    while (take < queue.length && (take === 0 || events + queue[take].events.length <= MAX_BATCH)) {
      events += queue[take].events.length;
      take++;
    }
    const items = queue.splice(0, take);
    queued -= events;
    const started = Date.now();
    try {
      const out = writeBatch.immediate(items) as AttackEvent[][] & { asnOrgs: Map<number, string>; n: number; seen: SeenBatch };
      out.seen.commit();
      for (const [asn, org] of out.asnOrgs) knownAsn.set(asn, org);
      eventCount += out.n;
      health.writable = true;
      health.commits++;
      health.lastCommitMs = now();
      health.lastCommitDurationMs = Date.now() - started;
      items.forEach((it, i) => it.resolve(out[i]));
    } catch (err) {
      health.writable = false;
      const e = new CodedError('INGEST_STORE_FAILED', `event log commit failed: ${(err as Error).message}`);
      for (const it of items) it.reject(e);
    }
    schedule();
  }

  const stmtAfter = rd.prepare('SELECT id, json FROM event_json WHERE id > ? ORDER BY id LIMIT ?');
  const stmtRecent = rd.prepare('SELECT id, json FROM event_json ORDER BY id DESC LIMIT ?');
  const stmtMax = rd.prepare('SELECT max(id) AS v FROM events');
  const stmtMin = rd.prepare('SELECT min(id) AS v FROM events');
  const stmtBetween = rd.prepare('SELECT count(*) AS n FROM events WHERE id > ? AND id <= ?');
  const cap = (limit: number, max: number) => Math.max(0, Math.min(max, Math.floor(Number.isFinite(limit) ? limit : 0)));

  const retention = new Retention(db, {
    now,
    rawRetentionDays: opts.rawRetentionDays ?? 30,
    rollupRetentionDays: opts.rollupRetentionDays ?? 400,
    onEventsDeleted: (n) => { eventCount -= n; },
  } satisfies RetentionOptions);
  const intervalMs = opts.retentionIntervalMs ?? 60_000;
  const timer = intervalMs > 0 ? setInterval(() => { if (!closed) void retention.sweep(); }, intervalMs) : null;
  timer?.unref();

  const log: SqliteEventLog = {
    append(events) {
      if (closed) return Promise.reject(new CodedError('INGEST_STORE_FAILED', 'the event log is closed'));
      if (events.length === 0) return Promise.resolve([]);
      if (queued + events.length > maxPending) {
        return Promise.reject(new CodedError('INGEST_STORE_FAILED', `the event log write queue is full (${maxPending} events pending)`));
      }
      return new Promise<AttackEvent[]>((resolve, reject) => {
        queue.push({ events, received: new Date(now()).toISOString(), resolve, reject });
        queued += events.length;
        schedule();
      });
    },

    readAfter(afterId, limit) {
      const after = parseId(afterId);
      return (stmtAfter.all(after, cap(limit, MAX_READ)) as { id: number; json: string }[]).map(rowToEvent);
    },

    recent(limit) {
      const rows = stmtRecent.all(cap(limit, MAX_READ)) as { id: number; json: string }[];
      return rows.reverse().map(rowToEvent);
    },

    lastId() {
      const v = (stmtMax.get() as { v: number | null }).v;
      return v === null ? null : String(v);
    },

    firstId() {
      const v = (stmtMin.get() as { v: number | null }).v;
      return v === null ? null : String(v);
    },

    compareIds(a, b) {
      return parseId(a) - parseId(b);
    },

    isValidId,

    countBetween(afterId, toId) {
      return (stmtBetween.get(parseId(afterId), parseId(toId)) as { n: number }).n;
    },

    query(q: HistoryQuery): HistoryPage {
      return runQuery(rd, q, opts.scanBudget);
    },

    queryJson(q: HistoryQuery) {
      const { rows, nextCursor } = queryRows(rd, q, opts.scanBudget);
      return { lines: rows.map(rowJson), nextCursor };
    },

    stats(q: StatsQuery): StatsResult {
      return runStats(rd, q);
    },

    statsAsync(q: StatsQuery): Promise<StatsResult> {
      return runStatsAsync(rd, q, opts.statsChunk);
    },

    trends(q: TrendsQuery): Promise<TrendsResult> {
      return runTrends(rd, q, opts.statsChunk);
    },

    addDeadLetters(entries: DeadLetter[]) {
      if (entries.length === 0) return;
      const ins = db.prepare('INSERT INTO dead_letters (time, source, format, code, message, raw, position) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const trim = db.prepare('DELETE FROM dead_letters WHERE id <= (SELECT id FROM dead_letters ORDER BY id DESC LIMIT 1 OFFSET ?)');
      let removed = 0;
      db.transaction(() => {
        for (const d of entries) {
          ins.run(String(d.time), String(d.source), String(d.format), String(d.code), String(d.message).slice(0, 2000),
            String(d.raw).slice(0, MAX_DEAD_RAW), d.position === undefined ? null : String(d.position));
        }
        addMeta.run(entries.length, 'dead_letters');
        if (deadCount + entries.length > deadLetterRows) {
          removed = trim.run(deadLetterRows).changes;
          addMeta.run(-removed, 'dead_letters');
        }
      }).immediate();
      deadCount += entries.length - removed;
    },

    deadLetters(limit, beforeId) {
      const n = cap(limit, 1000);
      const rows = (beforeId !== undefined
        ? rd.prepare('SELECT * FROM dead_letters WHERE id < ? ORDER BY id DESC LIMIT ?').all(beforeId, n)
        : rd.prepare('SELECT * FROM dead_letters ORDER BY id DESC LIMIT ?').all(n)) as (DeadLetter & { position: string | null })[];
      return {
        total: deadCount,
        entries: rows.map(({ position, ...r }) => (position === null ? r : { ...r, position })),
      };
    },

    getState(key) {
      const r = rd.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
      return r?.value;
    },

    setState(key, value) {
      db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
    },

    health() {
      return {
        ...health, pendingWrites: queued, events: eventCount, writable: health.writable && !closed,
        retentionErrors: retention.errors, lastRetentionError: retention.lastError,
      };
    },

    sweep() {
      return retention.sweep();
    },

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await retention.stop();
      while (queue.length > 0) flushOnce();
      rd.close();
      db.close();
    },
  };
  return log;
}
