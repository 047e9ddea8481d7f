/**
 * Export worker thread: reads a history window from its own read-only connection to events.db
 * and sends the export text back in chunks, one chunk per `pull` from the main thread. Reading
 * and formatting a million rows takes seconds of CPU; here that happens beside the event loop
 * that serves ingest, not on it. Between chunks the worker holds no read transaction (each page
 * is one statement), so it never keeps the WAL from being checkpointed for long.
 *
 * Protocol (see export.ts): in `job`, `pull`, `cancel`; out `chunk` (the ArrayBuffer is
 * transferred), `end`, `error`, `cancelled`. One job at a time per worker.
 */
import { parentPort } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import Database from 'better-sqlite3';
import type { HistoryQuery } from '../types.js';
import type { RedactOptions } from '../../stream/redact.js';
import { csvHeader, formatRow, type ExportFormat, type StoredRow } from '../../http/export-format.js';
import { queryRows } from './query.js';

export interface ExportJob {
  t: 'job';
  id: number;
  file: string;
  query: HistoryQuery;
  format: ExportFormat;
  redact: RedactOptions | null;
  /** Rows per page read (at most MAX_EXPORT_PAGE). */
  pageRows: number;
  /** A chunk is sent once it holds this many bytes (rows are never split). */
  chunkBytes: number;
  /** Ids one page may examine on a scanning plan. */
  scanBudget: number;
}

export type ToWorker = ExportJob | { t: 'pull'; id: number } | { t: 'cancel'; id: number };
export type FromWorker =
  | { t: 'chunk'; id: number; buf: ArrayBuffer; length: number; rows: number }
  | { t: 'end'; id: number; rows: number }
  | { t: 'error'; id: number; message: string }
  | { t: 'cancelled'; id: number };

const port = parentPort;
if (!port) throw new Error('export-worker runs as a worker thread');

/**
 * Nice value of this thread. When both cores are busy, ingest (the main thread and the writer)
 * should win over an export: an export that takes a second longer harms nobody, a late commit
 * does. On Linux a thread has its own nice value, set through its thread id.
 */
const EXPORT_NICE = 5;
try {
  const tid = Number(/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
  if (tid > 0) setPriority(tid, EXPORT_NICE);
} catch { /* not Linux, or not allowed: the export runs at normal priority */ }

/** One connection per database file, kept while the worker lives (the pool reuses workers). */
const connections = new Map<string, Database.Database>();
function connection(file: string): Database.Database {
  let db = connections.get(file);
  if (!db) {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    // A sequential scan gains little from a large cache; keep the worker small.
    db.pragma('cache_size = -8192');
    connections.set(file, db);
  }
  return db;
}

interface Running { id: number; credit: number; cancelled: boolean; wake: (() => void) | null }
let running: Running | null = null;

/**
 * UTF-8 bytes of one chunk, written row by row into one buffer: far cheaper than joining
 * thousands of row strings and encoding the result. Its ArrayBuffer is transferred, not copied.
 */
class ChunkWriter {
  buf: Buffer;
  length = 0;
  constructor(size: number) { this.buf = Buffer.from(new ArrayBuffer(size)); }
  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    let need = this.length + text.length * 3;
    if (need > this.buf.length) need = this.length + Buffer.byteLength(text);
    if (need > this.buf.length) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max(need, this.buf.length * 2)));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(text, this.length);
  }
}

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port!.postMessage(msg, transfer);
}

/** Resolves when the main thread has asked for another chunk, or the job was cancelled. */
function nextPull(job: Running): Promise<void> {
  if (job.credit > 0 || job.cancelled) return Promise.resolve();
  return new Promise((resolve) => { job.wake = resolve; });
}

async function run(job: ExportJob): Promise<void> {
  const state: Running = { id: job.id, credit: 0, cancelled: false, wake: null };
  running = state;
  let rows = 0;
  try {
    const db = connection(job.file);
    let cursor = job.query.cursor;
    let header = job.format === 'csv' ? csvHeader() : '';
    let done = false;
    let page: StoredRow[] = [];
    let next = 0;
    // Room for a full chunk plus a typical last row, so the buffer rarely grows.
    const size = job.chunkBytes + 64 * 1024;
    while (!done || header || next < page.length) {
      await nextPull(state);
      if (state.cancelled) { post({ t: 'cancelled', id: job.id }); return; }
      const out = new ChunkWriter(size);
      if (header) { out.write(header); header = ''; }
      let n = 0;
      // Rows of a page beyond a full chunk wait for the next pull: a chunk stays near
      // chunkBytes however wide the rows are.
      while (out.length < job.chunkBytes) {
        if (next >= page.length) {
          if (done) break;
          const read = queryRows(db, { ...job.query, cursor, limit: job.pageRows }, job.scanBudget, job.pageRows);
          page = read.rows;
          next = 0;
          if (read.nextCursor) cursor = read.nextCursor; else done = true;
          continue;
        }
        out.write(formatRow(page[next++], job.format, job.redact));
        n++;
      }
      if (out.length === 0) break;
      rows += n;
      state.credit--;
      const buf = out.buf.buffer as ArrayBuffer;
      post({ t: 'chunk', id: job.id, buf, length: out.length, rows: n }, [buf]);
    }
    post({ t: 'end', id: job.id, rows });
  } catch (err) {
    post({ t: 'error', id: job.id, message: (err as Error).message });
  } finally {
    running = null;
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'job') { void run(msg); return; }
  const job = running;
  if (!job || job.id !== msg.id) return;
  if (msg.t === 'pull') job.credit++;
  else job.cancelled = true;
  const wake = job.wake;
  job.wake = null;
  wake?.();
});
