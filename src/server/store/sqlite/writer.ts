/**
 * The write side of the SQLite event log: one connection that stores event batches with their
 * rollups and first sightings, dead letters and durable state, and runs retention. It lives in
 * a worker thread (writer-worker.ts), so the fsync and the B-tree work of a commit use the second
 * core instead of holding the event loop that parses, enriches and streams.
 *
 * Events arrive as the JSON text the log stores (the main thread serialised them once, and needs
 * the objects itself); the facts that the indexed columns and the rollups need are read back out
 * of that text here, off the main thread.
 */
import Database from 'better-sqlite3';
import { CATEGORIES, severityRank, type EnrichedEvent } from '../../../event/schema.js';
import type { DeadLetter } from '../types.js';
import { RollupBatch, rollupStatements, type Facts } from './rollup.js';
import { Retention } from './retention.js';
import { registerSeenFunctions, SeenBatch, SeenCache, seenStatements } from './trends.js';

/** Longest raw text kept per dead letter, in characters. */
export const MAX_DEAD_RAW = 16_384;
/** Longest dead-letter message kept, in characters. */
export const MAX_DEAD_MESSAGE = 2_000;

export interface WriterOptions {
  /** Path of events.db; the main thread has created and migrated it. */
  file: string;
  deadLetterRows: number;
  rawRetentionDays: number;
  rollupRetentionDays: number;
  /** SQLite page cache of this connection, KiB. */
  cacheKiB: number;
}

/** One transaction's worth of work. */
export interface WriteRequest {
  /**
   * Stored JSON of each event (the event without its id, with `received`), joined by newlines:
   * one flat string crosses to the thread as one copy, where thousands of small ones each cost
   * a clone. JSON text never holds a raw newline, so the split is exact.
   */
  events: string;
  /** How many events `events` holds. */
  count: number;
  /** Event time used when an event's own time does not parse, epoch ms. */
  fallbackMs: number;
  deadLetters: DeadLetter[];
  state: [string, string][];
}

export interface WriteResult {
  /** The id of each event, in order. */
  ids: number[];
  /** Dead letters removed by the cap in this transaction. */
  deadRemoved: number;
  durationMs: number;
}

function factsOf(e: EnrichedEvent, fallbackMs: number): Facts {
  const t = Date.parse(e.time);
  const src = e.source;
  return {
    t: Number.isFinite(t) ? t : fallbackMs,
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

export class LogWriter {
  private readonly db: Database.Database;
  private readonly tx: { immediate(req: WriteRequest): { ids: number[]; deadRemoved: number; seen: SeenBatch; asnOrgs: Map<number, string> } };
  private readonly knownAsn = new Map<number, string>();
  private readonly retention: Retention;
  private clock = Date.now();
  private deadCount: number;
  /** Events retention deleted since the last time the main thread asked. */
  private deletedEvents = 0;

  constructor(opts: WriterOptions) {
    const db = new Database(opts.file, { fileMustExist: true });
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${Math.max(1024, Math.floor(opts.cacheKiB))}`);
    registerSeenFunctions(db);

    const insert = db.prepare(`INSERT INTO events (t, category, sev, sensor, site, src_ip, src_country, src_asn, dst_port, service, rule, cnt, located)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertJson = db.prepare('INSERT INTO event_json (id, json) VALUES (?, ?)');
    const roll = rollupStatements(db);
    const seen = seenStatements(db);
    const seenCache = new SeenCache();
    const addMeta = db.prepare('UPDATE meta SET n = n + ? WHERE key = ?');
    const upsertAsn = db.prepare('INSERT INTO asn_names (asn, org) VALUES (?, ?) ON CONFLICT(asn) DO UPDATE SET org = excluded.org');
    const insDead = db.prepare('INSERT INTO dead_letters (time, source, format, code, message, raw, position) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const trimDead = db.prepare('DELETE FROM dead_letters WHERE id <= (SELECT id FROM dead_letters ORDER BY id DESC LIMIT 1 OFFSET ?)');
    const putState = db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const r of db.prepare('SELECT asn, org FROM asn_names').all() as { asn: number; org: string }[]) this.knownAsn.set(r.asn, r.org);
    this.deadCount = (db.prepare("SELECT n FROM meta WHERE key = 'dead_letters'").get() as { n: number }).n;

    this.tx = db.transaction((req: WriteRequest) => {
      const rb = new RollupBatch();
      const sb = new SeenBatch(seenCache);
      const jsons = req.count === 0 ? [] : req.events.split('\n');
      if (jsons.length !== req.count) throw new Error(`write request holds ${jsons.length} events, not ${req.count}`);
      const ids: number[] = new Array(jsons.length);
      for (let i = 0; i < jsons.length; i++) {
        const json = jsons[i];
        const e = JSON.parse(json) as EnrichedEvent;
        const f = factsOf(e, req.fallbackMs);
        const id = Number(insert.run(f.t, f.category, f.sev, f.sensor, e.observer.site ?? null, f.srcIp, f.srcCountry, f.srcAsn,
          f.dstPort, e.service ?? null, f.rule, f.cnt, f.located ? 1 : 0).lastInsertRowid);
        insertJson.run(id, json);
        rb.add(id, f);
        sb.add(f.t, f.srcAsn, f.srcIp);
        ids[i] = id;
      }
      rb.flush(roll);
      sb.flush(seen);
      for (const [asn, org] of rb.asnOrgs) if (this.knownAsn.get(asn) !== org) upsertAsn.run(asn, org);
      if (ids.length > 0) addMeta.run(ids.length, 'events');

      let deadRemoved = 0;
      if (req.deadLetters.length > 0) {
        for (const d of req.deadLetters) {
          insDead.run(String(d.time), String(d.source), String(d.format), String(d.code), String(d.message).slice(0, MAX_DEAD_MESSAGE),
            String(d.raw).slice(0, MAX_DEAD_RAW), d.position === undefined ? null : String(d.position));
        }
        addMeta.run(req.deadLetters.length, 'dead_letters');
        if (this.deadCount + req.deadLetters.length > opts.deadLetterRows) {
          deadRemoved = trimDead.run(opts.deadLetterRows).changes;
          addMeta.run(-deadRemoved, 'dead_letters');
        }
      }
      for (const [k, v] of req.state) putState.run(k, v);
      return { ids, deadRemoved, seen: sb, asnOrgs: rb.asnOrgs };
    });

    this.retention = new Retention(db, {
      now: () => this.clock,
      rawRetentionDays: opts.rawRetentionDays,
      rollupRetentionDays: opts.rollupRetentionDays,
      onEventsDeleted: (n) => { this.deletedEvents += n; },
    });
  }

  /** Stores one request in one transaction; throws when the commit fails (nothing of it stored). */
  write(req: WriteRequest): WriteResult {
    const started = Date.now();
    const out = this.tx.immediate(req);
    // Caches learn only what a committed transaction stored (a throw above leaves them as they were).
    out.seen.commit();
    for (const [asn, org] of out.asnOrgs) this.knownAsn.set(asn, org);
    this.deadCount += req.deadLetters.length - out.deadRemoved;
    return { ids: out.ids, deadRemoved: out.deadRemoved, durationMs: Date.now() - started };
  }

  /** One retention pass with `nowMs` as the clock. */
  sweep(nowMs: number): Promise<{ events: number; rollups: number }> {
    this.clock = nowMs;
    return this.retention.sweep();
  }

  /** Events deleted by retention since the last call (the main thread keeps its count with it). */
  takeDeleted(): number {
    const n = this.deletedEvents;
    this.deletedEvents = 0;
    return n;
  }

  retentionHealth(): { errors: number; lastError: string | null } {
    return { errors: this.retention.errors, lastError: this.retention.lastError };
  }

  async close(): Promise<void> {
    await this.retention.stop();
    this.db.close();
  }
}
