/**
 * The SQLite event log: one file `<dataDir>/events.db` in WAL mode with synchronous=FULL.
 *
 * Writes go through a group commit on a writer thread (writer.ts in a worker): `append()`
 * serialises its events and queues them; while the writer commits one batch, the next one
 * gathers, so one fsync covers many callers and the main thread never waits for the disk. A
 * batch carries whole append calls (up to MAX_BATCH events) plus every queued dead letter and
 * state update, in one transaction. A caller's promise resolves only after the transaction
 * covering its events has committed; when a commit fails (or the writer thread dies), every
 * caller in it is rejected and nothing of it is acknowledged. The queue is bounded (maxPending
 * events, default 100,000): beyond it append rejects at once with INGEST_STORE_FAILED, so a
 * stalled disk turns into visible back-pressure instead of unbounded memory.
 *
 * Reads use a read-only connection on the main thread: under WAL a reader sees the last commit
 * and never waits for the writer.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { AttackEvent } from '../../../event/schema.js';
import { CodedError } from '../../../event/errors.js';
import type { DeadLetter, EventLog, HistoryPage, HistoryQuery, StatsQuery, StatsResult, TrendsQuery, TrendsResult } from '../types.js';
import { migrate } from './schema.js';
import { queryRows, runQuery } from './query.js';
import { runStats, runStatsAsync } from './stats.js';
import { isValidId, parseId, rowJson, rowToEvent } from './rows.js';
import { registerSeenFunctions, runTrends } from './trends.js';
import { startThread } from './thread.js';
import type { WriteRequest, WriteResult, WriterOptions } from './writer.js';

export { MAX_PAGE, SCAN_BUDGET } from './query.js';
export { MAX_DEAD_RAW } from './writer.js';

/** Most events one transaction stores; a larger backlog is committed over several turns. */
export const MAX_BATCH = 5_000;
/** Default bound of events queued for the writer and not yet committed. */
export const MAX_PENDING = 100_000;
/** Most dead letters waiting for the writer; beyond it addDeadLetters rejects (the failures stay counted). */
export const MAX_PENDING_DEAD = 10_000;
/** Most events one readAfter / recent call returns. */
export const MAX_READ = 10_000;
/** SQLite page cache of each connection (writer, reader), KiB (see README, "Memory"). */
export const CACHE_KIB = 16_384;

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
  /** Path of events.db (history exports open their own read-only connection to it). */
  readonly file: string;
  health(): LogHealth;
  statsAsync(q: StatsQuery): Promise<StatsResult>;
  trends(q: TrendsQuery): Promise<TrendsResult>;
  queryJson(q: HistoryQuery): { lines: string[]; nextCursor: string | null };
  /** Runs one full retention sweep now, in small steps; resolves with the rows deleted. */
  sweep(): Promise<{ events: number; rollups: number }>;
  /** Resolves once the writer thread has opened the file (or failed to: then health() says so). */
  whenReady(): Promise<void>;
}

/** A stored event before its commit gave it an id. */
type Unstored = Omit<AttackEvent, 'id'> & { id: string | undefined };

interface Pending {
  /** The events to store (ids still undefined), and the same as the JSON text the log keeps. */
  bodies: Unstored[];
  jsons: string[];
  resolve: (stored: AttackEvent[]) => void;
  reject: (err: unknown) => void;
}

interface PendingDead {
  entries: DeadLetter[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Reply {
  seq: number;
  ok: boolean;
  ready?: boolean;
  message?: string;
  result?: WriteResult;
  swept?: { events: number; rollups: number };
  deleted?: number;
  retention?: { errors: number; lastError: string | null };
}

/**
 * Opens (creating if needed) the event log in `opts.dataDir`. Throws CodedError('STORE_OPEN_FAILED')
 * when the directory or file cannot be used.
 */
export function openSqliteLog(opts: SqliteLogOptions): SqliteEventLog {
  const now = opts.now ?? Date.now;
  const maxPending = opts.maxPending ?? MAX_PENDING;
  const file = join(opts.dataDir, 'events.db');
  let db: Database.Database | undefined;
  let rd: Database.Database;
  let eventCount: number;
  let deadCount: number;
  try {
    mkdirSync(opts.dataDir, { recursive: true });
    // Create and upgrade the file here, so a log that cannot open fails at once and the writer
    // thread only ever sees a current schema.
    db = new Database(file);
    // Readers beside the writer need WAL; some file systems (network mounts) refuse it.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`the file system does not support WAL (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    registerSeenFunctions(db);
    migrate(db);
    const metaN = (key: string) => (db!.prepare('SELECT n FROM meta WHERE key = ?').get(key) as { n: number }).n;
    eventCount = metaN('events');
    deadCount = metaN('dead_letters');
    rd = new Database(file, { readonly: true, fileMustExist: true });
    rd.pragma('busy_timeout = 5000');
    rd.pragma(`cache_size = -${CACHE_KIB}`);
    db.close();
  } catch (err) {
    try { db?.close(); } catch { /* already failing; the first error is the one to report */ }
    throw new CodedError('STORE_OPEN_FAILED', `cannot open ${file}: ${(err as Error).message}`);
  }

  const writerOptions: WriterOptions = {
    file,
    deadLetterRows: opts.deadLetterRows ?? 10_000,
    rawRetentionDays: opts.rawRetentionDays ?? 30,
    rollupRetentionDays: opts.rollupRetentionDays ?? 400,
    cacheKiB: CACHE_KIB,
  };
  const health: LogHealth = {
    writable: true, pendingWrites: 0, lastCommitMs: 0, lastCommitDurationMs: 0, events: eventCount, commits: 0,
    retentionErrors: 0, lastRetentionError: null,
  };

  // --- the writer thread ---------------------------------------------------------------
  let worker: Worker | null = null;
  let seq = 0;
  const waiting = new Map<number, (r: Reply) => void>();

  function failAll(message: string): void {
    health.writable = false;
    for (const [, answer] of waiting) answer({ seq: -1, ok: false, message });
    waiting.clear();
  }

  function spawn(): Worker {
    const w = startThread('writer-worker', { workerData: writerOptions });
    w.unref();
    w.on('message', (r: Reply) => {
      if (r.deleted) eventCount -= r.deleted;
      if (r.retention) { health.retentionErrors = r.retention.errors; health.lastRetentionError = r.retention.lastError; }
      if (r.ready) {
        if (!r.ok) failAll(`the event log writer could not open ${file}: ${r.message}`);
        markReady();
        return;
      }
      const answer = waiting.get(r.seq);
      waiting.delete(r.seq);
      if (waiting.size === 0) w.unref();
      answer?.(r);
    });
    w.on('error', (err) => { failAll(`the event log writer failed: ${err.message}`); markReady(); });
    w.on('exit', () => {
      markReady();
      if (worker === w) worker = null;
      if (waiting.size > 0) failAll('the event log writer stopped');
    });
    return w;
  }

  /** Sends one message to the writer (started on first use, and again after it died). */
  function call(msg: { op: 'write'; req: WriteRequest } | { op: 'sweep'; now: number } | { op: 'close' }): Promise<Reply> {
    try {
      if (!worker) worker = spawn();
    } catch (err) {
      return Promise.resolve({ seq: -1, ok: false, message: (err as Error).message });
    }
    const w = worker;
    const s = ++seq;
    return new Promise<Reply>((resolve) => {
      waiting.set(s, resolve);
      // Held while an answer is owed, so a short script awaiting a commit does not exit under it.
      w.ref();
      w.postMessage({ ...msg, seq: s });
    });
  }

  // Started now rather than on the first write, so that write does not wait for the thread to boot.
  let markReady!: () => void;
  const ready = new Promise<void>((r) => { markReady = r; });
  try {
    worker = spawn();
  } catch (err) {
    rd.close();
    throw new CodedError('STORE_OPEN_FAILED', `cannot start the event log writer: ${(err as Error).message}`);
  }

  // --- group commit --------------------------------------------------------------------
  const queue: Pending[] = [];
  const deadQueue: PendingDead[] = [];
  let deadQueued = 0;
  /** Durable state not yet committed, and everything set since open (getState reads it first). */
  const stateQueue = new Map<string, string>();
  const stateSeen = new Map<string, string>();
  let queued = 0;
  let inFlight: Promise<void> | null = null;
  let scheduled = false;
  let closed = false;

  function schedule(): void {
    if (scheduled || inFlight || (queue.length === 0 && deadQueue.length === 0 && stateQueue.size === 0)) return;
    scheduled = true;
    setImmediate(() => { scheduled = false; if (!inFlight) inFlight = flushOnce().finally(() => { inFlight = null; schedule(); }); });
  }

  /** Commits one batch (whole append calls, up to MAX_BATCH events) with all queued dead letters and state. */
  async function flushOnce(): Promise<void> {
    let take = 0;
    let events = 0;
    while (take < queue.length && (take === 0 || events + queue[take].jsons.length <= MAX_BATCH)) {
      events += queue[take].jsons.length;
      take++;
    }
    const items = queue.splice(0, take);
    const dead = deadQueue.splice(0);
    const state = [...stateQueue];
    stateQueue.clear();
    const req: WriteRequest = {
      events: items.map((it) => it.jsons.join('\n')).join('\n'),
      count: events,
      fallbackMs: now(),
      deadLetters: dead.flatMap((d) => d.entries),
      state,
    };
    const r = await call({ op: 'write', req });
    queued -= events;
    deadQueued -= req.deadLetters.length;
    if (!r.ok || !r.result) {
      health.writable = false;
      // State is a latest-value register: keep what failed unless something newer was set.
      for (const [k, v] of state) if (!stateQueue.has(k)) stateQueue.set(k, v);
      const e = new CodedError('INGEST_STORE_FAILED', `event log commit failed: ${r.message ?? 'no answer'}`);
      for (const it of items) it.reject(e);
      for (const d of dead) d.reject(e);
      return;
    }
    const { ids, deadRemoved, durationMs } = r.result;
    eventCount += ids.length;
    deadCount += req.deadLetters.length - deadRemoved;
    health.writable = true;
    health.commits++;
    health.lastCommitMs = now();
    health.lastCommitDurationMs = durationMs;
    let k = 0;
    for (const it of items) {
      for (const body of it.bodies) body.id = String(ids[k++]);
      it.resolve(it.bodies as AttackEvent[]);
    }
    for (const d of dead) d.resolve();
  }

  const stmtAfter = rd.prepare('SELECT id, json FROM event_json WHERE id > ? ORDER BY id LIMIT ?');
  const stmtRecent = rd.prepare('SELECT id, json FROM event_json ORDER BY id DESC LIMIT ?');
  const stmtMax = rd.prepare('SELECT max(id) AS v FROM events');
  const stmtMin = rd.prepare('SELECT min(id) AS v FROM events');
  const stmtBetween = rd.prepare('SELECT count(*) AS n FROM events WHERE id > ? AND id <= ?');
  const cap = (limit: number, max: number) => Math.max(0, Math.min(max, Math.floor(Number.isFinite(limit) ? limit : 0)));

  let sweeping: Promise<{ events: number; rollups: number }> | null = null;
  function sweep(): Promise<{ events: number; rollups: number }> {
    if (closed) return Promise.resolve({ events: 0, rollups: 0 });
    // A second call while one runs shares it (the writer would do the same).
    sweeping ??= call({ op: 'sweep', now: now() }).then((r) => {
      sweeping = null;
      return r.ok && r.swept ? r.swept : { events: 0, rollups: 0 };
    });
    return sweeping;
  }
  const intervalMs = opts.retentionIntervalMs ?? 60_000;
  const timer = intervalMs > 0 ? setInterval(() => { void sweep(); }, intervalMs) : null;
  timer?.unref();

  const log: SqliteEventLog = {
    file,

    append(events) {
      if (closed) return Promise.reject(new CodedError('INGEST_STORE_FAILED', 'the event log is closed'));
      if (events.length === 0) return Promise.resolve([]);
      if (queued + events.length > maxPending) {
        return Promise.reject(new CodedError('INGEST_STORE_FAILED', `the event log write queue is full (${maxPending} events pending)`));
      }
      const received = new Date(now()).toISOString();
      const bodies = new Array<Unstored>(events.length);
      const jsons = new Array<string>(events.length);
      for (let i = 0; i < events.length; i++) {
        // One copy per event becomes the stored event: `id` is its first key (filled in after the
        // commit); undefined, it is left out of the stored JSON. An id sent with the event is
        // dropped: the log assigns its own.
        const body = { id: undefined, ...events[i], received } as Unstored;
        body.id = undefined;
        bodies[i] = body;
        jsons[i] = JSON.stringify(body);
      }
      return new Promise<AttackEvent[]>((resolve, reject) => {
        queue.push({ bodies, jsons, resolve, reject });
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
      if (entries.length === 0) return Promise.resolve();
      if (closed) return Promise.reject(new CodedError('INGEST_STORE_FAILED', 'the event log is closed'));
      if (deadQueued + entries.length > MAX_PENDING_DEAD) {
        return Promise.reject(new CodedError('INGEST_STORE_FAILED', `the dead-letter queue is full (${MAX_PENDING_DEAD} pending)`));
      }
      return new Promise<void>((resolve, reject) => {
        deadQueue.push({ entries, resolve, reject });
        deadQueued += entries.length;
        schedule();
      });
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
      const mine = stateSeen.get(key);
      if (mine !== undefined) return mine;
      const r = rd.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
      return r?.value;
    },

    setState(key, value) {
      // Written in the writer's next transaction (within a turn or a commit's time); reads here
      // see it at once. Keys are one per followed file or feed, so the map stays small.
      stateSeen.set(key, value);
      stateQueue.set(key, value);
      if (!closed) schedule();
    },

    health() {
      return { ...health, pendingWrites: queued, events: eventCount, writable: health.writable && !closed };
    },

    sweep,

    whenReady() {
      return ready;
    },

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      // Everything accepted before close is committed: drain the queue, then stop the writer.
      while (inFlight || queue.length > 0 || deadQueue.length > 0 || stateQueue.size > 0) {
        if (inFlight) await inFlight;
        else inFlight = flushOnce().finally(() => { inFlight = null; });
        // A writer that cannot commit will not take the state either; give up on it, not loop.
        if (!inFlight && !health.writable) stateQueue.clear();
      }
      if (worker) {
        const w = worker;
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        await call({ op: 'close' });
        // Held until the thread is gone: a script awaiting close() must not end under it.
        w.ref();
        await exited;
      }
      rd.close();
    },
  };
  return log;
}
