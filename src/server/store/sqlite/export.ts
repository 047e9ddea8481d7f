/**
 * Exports of history windows in worker threads (export-worker.ts), so that reading and
 * formatting millions of rows never runs on the event loop that serves ingest and streams.
 *
 * Bounds: at most `maxConcurrent` exports run at once (open() returns null beyond it; the HTTP
 * route answers 503 EXPORT_BUSY with Retry-After). Each export holds at most about two chunks in
 * memory on the main thread (the stream's buffer of `chunkBytes` plus the chunk in flight) and
 * one chunk plus one page in the worker: the worker formats the next chunk only when the stream
 * asks for it, and the stream asks only when the HTTP socket has taken what it had, so a slow
 * client pauses the worker instead of growing memory. Workers are kept for reuse while idle for
 * `idleMs`; a client that stops reading for `stallMs` has its export cancelled.
 */
import type { Worker } from 'node:worker_threads';
import { Readable } from 'node:stream';
import type { HistoryQuery } from '../types.js';
import type { RedactOptions } from '../../stream/redact.js';
import type { ExportFormat } from '../../http/export-format.js';
import type { ExportJob, FromWorker, ToWorker } from './export-worker.js';
import { MAX_EXPORT_PAGE } from './query.js';
import { startThread } from './thread.js';

/** Default number of exports that may run at once (each one keeps a core busy while it runs). */
export const MAX_EXPORTS = 2;
/** Default chunk size, bytes (about; a chunk is cut at page boundaries). */
export const EXPORT_CHUNK_BYTES = 1 << 20;

export interface ExporterOptions {
  /** Path of events.db. */
  file: string;
  /** Exports running at once (default MAX_EXPORTS). */
  maxConcurrent?: number;
  /** Bytes per chunk sent from the worker (default EXPORT_CHUNK_BYTES, min 4 KiB). */
  chunkBytes?: number;
  /** Rows per page the worker reads (default 2,000, at most MAX_EXPORT_PAGE). */
  pageRows?: number;
  /** Ids one page may examine on a scanning plan (default 1,000,000: a worker may take its time). */
  scanBudget?: number;
  /** An idle worker is ended after this many ms (default 30,000). */
  idleMs?: number;
  /** An export whose reader takes no data for this many ms is cancelled (default 300,000). */
  stallMs?: number;
  /** A cancelled worker that does not confirm within this many ms is terminated (default 5,000). */
  cancelGraceMs?: number;
}

/** The readable side of one export; `chunks`/`bytes` count what the worker has produced so far. */
export class ExportStream extends Readable {
  chunks = 0;
  bytes = 0;
  rows = 0;
}

export interface ExporterStats {
  /** The bound on exports running at once. */
  max: number;
  /** Exports running (including cancelled ones whose worker has not confirmed yet). */
  active: number;
  /** Worker threads alive (busy or idle). */
  workers: number;
  /** Exports started, finished completely, and cancelled since creation. */
  started: number;
  completed: number;
  cancelled: number;
  /** Bytes the workers have handed over since creation (what a paused reader bounds). */
  bytes: number;
}

export interface Exporter {
  /**
   * Starts an export of the window; null when `maxConcurrent` exports are already running.
   * Throws when no worker thread can be started (e.g. a build without export-worker.js).
   */
  open(q: HistoryQuery, format: ExportFormat, redact: RedactOptions | null): ExportStream | null;
  stats(): ExporterStats;
  /** Cancels running exports and ends every worker. */
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  /** The job it runs, or null when idle. */
  job: { id: number; onMessage: (m: FromWorker) => void } | null;
  idle: NodeJS.Timeout | null;
}

/** Creates the export pool for one database file. Workers start on the first export. */
export function createExporter(opts: ExporterOptions): Exporter {
  const max = Math.max(1, opts.maxConcurrent ?? MAX_EXPORTS);
  const chunkBytes = Math.max(4096, opts.chunkBytes ?? EXPORT_CHUNK_BYTES);
  const pageRows = Math.max(1, Math.min(MAX_EXPORT_PAGE, opts.pageRows ?? 2000));
  const scanBudget = Math.max(1, opts.scanBudget ?? 1_000_000);
  const idleMs = opts.idleMs ?? 30_000;
  const stallMs = opts.stallMs ?? 300_000;
  const graceMs = opts.cancelGraceMs ?? 5_000;
  const slots: Slot[] = [];
  const counts = { started: 0, completed: 0, cancelled: 0, bytes: 0 };
  let nextId = 1;
  let closed = false;

  function remove(slot: Slot): void {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (slot.idle) clearTimeout(slot.idle);
  }

  function newSlot(): Slot {
    const worker = startThread('export-worker');
    worker.unref();
    const slot: Slot = { worker, job: null, idle: null };
    worker.on('message', (m: FromWorker) => { if (slot.job && m.id === slot.job.id) slot.job.onMessage(m); });
    const fail = (err: Error) => {
      remove(slot);
      const job = slot.job;
      slot.job = null;
      job?.onMessage({ t: 'error', id: job.id, message: err.message });
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`export worker exited (code ${code})`)));
    slots.push(slot);
    return slot;
  }

  function release(slot: Slot): void {
    slot.job = null;
    if (closed || !slots.includes(slot)) return;
    slot.idle = setTimeout(() => { remove(slot); void slot.worker.terminate(); }, idleMs);
    slot.idle.unref();
  }

  function open(q: HistoryQuery, format: ExportFormat, redact: RedactOptions | null): ExportStream | null {
    if (closed || slots.filter((s) => s.job).length >= max) return null;
    const slot = slots.find((s) => !s.job) ?? newSlot();
    if (slot.idle) { clearTimeout(slot.idle); slot.idle = null; }
    const id = nextId++;
    let asked = false;
    let finished = false;
    let stall: NodeJS.Timeout | null = null;
    const send = (m: ToWorker) => slot.worker.postMessage(m);
    // Armed when a chunk is handed to the stream, cleared when the stream asks for more: it
    // measures the reader, not the worker.
    const armStall = () => {
      if (stall) clearTimeout(stall);
      stall = setTimeout(() => stream.destroy(new Error(`export cancelled: the reader took nothing for ${stallMs} ms`)), stallMs);
      stall.unref();
    };

    const stream = new ExportStream({
      highWaterMark: chunkBytes,
      read() {
        if (stall) { clearTimeout(stall); stall = null; }
        if (asked || finished) return;
        asked = true;
        send({ t: 'pull', id });
      },
      destroy(err, cb) {
        if (stall) clearTimeout(stall);
        if (!finished) {
          finished = true;
          counts.cancelled++;
          send({ t: 'cancel', id });
          // The worker confirms at its next chunk boundary; one that does not is ended.
          const grace = setTimeout(() => { remove(slot); void slot.worker.terminate(); }, graceMs);
          grace.unref();
          slot.job = {
            id,
            onMessage: (m) => {
              if (m.t === 'chunk') return;
              clearTimeout(grace);
              release(slot);
            },
          };
        }
        cb(err);
      },
    });

    slot.job = {
      id,
      onMessage: (m) => {
        if (finished) return;
        if (m.t === 'chunk') {
          asked = false;
          stream.chunks++;
          stream.bytes += m.length;
          counts.bytes += m.length;
          stream.rows += m.rows;
          stream.push(Buffer.from(m.buf, 0, m.length));
          if (!asked) armStall();
        } else if (m.t === 'end') {
          finished = true;
          if (stall) clearTimeout(stall);
          counts.completed++;
          release(slot);
          stream.push(null);
        } else {
          finished = true;
          if (stall) clearTimeout(stall);
          release(slot);
          const err = new Error(m.t === 'error' ? `export failed: ${m.message}` : 'export cancelled');
          // A stream nobody listens to for errors (not yet handed to a response) just ends.
          stream.destroy(stream.listenerCount('error') > 0 ? err : undefined);
        }
      },
    };
    counts.started++;
    const job: ExportJob = { t: 'job', id, file: opts.file, query: q, format, redact, pageRows, chunkBytes, scanBudget };
    send(job);
    return stream;
  }

  return {
    open,
    stats() {
      return { max, active: slots.filter((s) => s.job).length, workers: slots.length, ...counts };
    },
    async close() {
      closed = true;
      const all = slots.splice(0);
      for (const s of all) {
        if (s.idle) clearTimeout(s.idle);
        s.worker.removeAllListeners('exit');
        const job = s.job;
        s.job = null;
        job?.onMessage({ t: 'error', id: job.id, message: 'the server is closing' });
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
