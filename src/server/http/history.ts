/**
 * History routes: GET /api/events (a window of stored events as JSON pages, or the whole window
 * streamed as NDJSON or CSV), GET /api/stats and GET /api/deadletter.
 *
 * Exports stream page by page (MAX_PAGE events each) through a pull-based stream, so memory stays
 * flat however large the window: the next page is read only when the socket has taken the last.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { CodedError, type ErrorCode } from '../../event/errors.js';
import { parseIsoLike } from '../../event/time.js';
import { parseFilter, type EventFilter } from '../stream/filter.js';
import type { EventLog, HistoryQuery, TopEntry } from '../store/types.js';
import { redactPublic, truncateIp, type RedactOptions } from '../stream/redact.js';
import { csvHeader, csvRow } from './export-format.js';
import { createExporter, type Exporter } from '../store/sqlite/export.js';

/** Page size of /api/events when `limit` is not given. */
export const DEFAULT_LIMIT = 100;
/** Largest `limit` accepted (the SQLite log caps pages at the same number). */
export const MAX_LIMIT = 1000;
/** Default window of /api/events: the last hour; of /api/stats: the last 24 hours. */
export const EVENTS_WINDOW_MS = 3_600_000;
export const STATS_WINDOW_MS = 86_400_000;
/** Most points an automatic stats bucket aims for. */
const AUTO_POINTS = 720;
const AUTO_BUCKETS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000];
/** Windows longer than this are refused (the rollups are not kept longer by default). */
const MAX_SPAN_MS = 400 * 86_400_000;
const FAR = 8.64e15;

export interface HistoryDeps {
  log: EventLog;
  /** Largest page for JSON answers (default MAX_LIMIT). */
  maxLimit?: number;
  /** Runs before each route, e.g. an analyst-token check. */
  preHandler?: preHandlerAsyncHookHandler;
  /**
   * Redaction for a request that gets the public view (source addresses cut to a prefix, no
   * details, no dead-letter text), or null for the analyst view. Default: analyst view.
   */
  publicView?: (req: FastifyRequest) => RedactOptions | null;
  /** Clock in epoch ms for the default windows (default Date.now). */
  now?: () => number;
  /**
   * Runs NDJSON/CSV exports in worker threads (store/sqlite/export.ts). Default: a pool on the
   * log's database file when the log has one (`file`), closed with the app; null runs exports
   * in-process, page by page between other work.
   */
  exporter?: Exporter | null;
  /** Exports at once for the default exporter (default MAX_EXPORTS = 2); more get 503 EXPORT_BUSY. */
  maxExports?: number;
}

/** Seconds a client is asked to wait when every export slot is taken. */
export const EXPORT_RETRY_AFTER_S = 10;

/** A 400 answer with a stable code (the trends route shares the parsing below). */
export class BadRequest extends Error {
  constructor(readonly code: ErrorCode, message: string) { super(message); }
}

export type Query = Record<string, unknown>;

/** The one value of a query parameter, or undefined; a repeated parameter is a BadRequest. */
export function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest('QUERY_INVALID', `${name}: give it once`);
  return v;
}

/** ISO-8601 (with time and offset, or a date alone, read as UTC) or epoch ms. */
export function parseTimeParam(name: string, text: string): number {
  let t: number | null = null;
  if (/^-?\d{1,16}$/.test(text)) t = Number(text);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) t = parseIsoLike(`${text}T00:00:00Z`);
  else t = parseIsoLike(text);
  if (t === null || !Number.isFinite(t) || Math.abs(t) > FAR) {
    throw new BadRequest('QUERY_INVALID', `${name}: not an ISO-8601 time or epoch milliseconds`);
  }
  return t;
}

/** An integer parameter in [min, max], `dflt` when absent or empty. */
export function intParam(q: Query, name: string, min: number, max: number, dflt: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new BadRequest('QUERY_INVALID', `${name}: an integer from ${min} to ${max}`);
  }
  return Number(v);
}

/** The window [from, to) in epoch ms: `to` defaults to `now`, `from` to `to - span` (ms); `open` allows no window at all. */
export function windowOf(q: Query, now: number, span: number, open: boolean): { from: number; to: number } {
  const f = single(q, 'from');
  const t = single(q, 'to');
  if (open && f === undefined && t === undefined) return { from: -FAR, to: FAR };
  const to = t ? parseTimeParam('to', t) : now;
  const from = f ? parseTimeParam('from', f) : to - span;
  if (!(from < to)) throw new BadRequest('QUERY_INVALID', 'from must be before to');
  if (to - from > MAX_SPAN_MS && !open) throw new BadRequest('QUERY_INVALID', 'the window may span at most 400 days');
  return { from, to };
}

/** The EventFilter of the query's filter parameters. */
export function filterOf(q: Query): EventFilter {
  const parsed = parseFilter(q);
  if (!parsed.ok) throw new BadRequest('FILTER_INVALID', parsed.message);
  return parsed.filter;
}

/** `1m`, `5m`, `1h`, `1d`, `30s`… or plain milliseconds. */
export function parseBucket(text: string): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new BadRequest('QUERY_INVALID', 'bucket: like 1m, 5m, 1h, 1d or milliseconds');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Number(m[1]) * unit;
  if (ms < 60_000 || ms > 31 * 86_400_000) throw new BadRequest('QUERY_INVALID', 'bucket: from 1m to 31d');
  return ms;
}

function autoBucket(span: number): number {
  return AUTO_BUCKETS.find((b) => span / b <= AUTO_POINTS) ?? AUTO_BUCKETS[AUTO_BUCKETS.length - 1];
}

// CSV: the columns and quoting live in export-format.ts, shared with the export worker.
export { csvCell, csvHeader, csvRow } from './export-format.js';

// Routes -----------------------------------------------------------------------------------

type Format = 'json' | 'ndjson' | 'csv';

function exportStream(log: EventLog, q: HistoryQuery, format: Exclude<Format, 'json'>, redact: RedactOptions | null): Readable {
  async function* pages(): AsyncGenerator<string> {
    if (format === 'csv') yield csvHeader();
    let cursor = q.cursor;
    for (;;) {
      const pq = { ...q, cursor, limit: MAX_LIMIT };
      let next: string | null;
      if (format === 'ndjson' && log.queryJson && !redact) {
        const page = log.queryJson(pq);
        if (page.lines.length > 0) yield page.lines.join('\n') + '\n';
        next = page.nextCursor;
      } else {
        const page = log.query(pq);
        const events = redact ? page.events.map((e) => redactPublic(e, redact)) : page.events;
        if (events.length > 0) {
          yield format === 'csv' ? events.map(csvRow).join('') : events.map((e) => JSON.stringify(e)).join('\n') + '\n';
        }
        next = page.nextCursor;
      }
      if (!next) return;
      cursor = next;
      // Let ingest and other requests run between pages.
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  // One page in flight at a time: the next is read only when the socket drained the last.
  return Readable.from(pages(), { objectMode: false, highWaterMark: 1 });
}

/**
 * An export in a worker thread; null when the bound is reached, undefined when no worker can
 * start (the caller then exports in-process, slower but correct).
 */
function openWorkerExport(exporter: Exporter, q: HistoryQuery, format: Exclude<Format, 'json'>, redact: RedactOptions | null): Readable | null | undefined {
  try {
    return exporter.open(q, format, redact);
  } catch {
    return undefined;
  }
}

/** Top source addresses of the public view: cut to their prefix, counts of one prefix summed. */
export function mergeByPrefix(entries: TopEntry[], redact: RedactOptions): TopEntry[] {
  const sums = new Map<string, number>();
  for (const e of entries) {
    const key = truncateIp(e.key, redact);
    sums.set(key, (sums.get(key) ?? 0) + e.count);
  }
  return [...sums].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
}

/** Answers 400 with the error's code for a bad query or filter; rethrows anything else. */
export function replyQueryError(reply: FastifyReply, err: unknown) {
  if (err instanceof BadRequest || (err instanceof CodedError && (err.code === 'QUERY_INVALID' || err.code === 'FILTER_INVALID'))) {
    const e = err as BadRequest | CodedError;
    return reply.code(400).send({ error: { code: e.code, message: e.message } });
  }
  throw err;
}

/** Registers GET /api/events, GET /api/stats and GET /api/deadletter. */
export function registerHistoryRoutes(app: FastifyInstance, deps: HistoryDeps): void {
  const maxLimit = Math.max(1, Math.min(MAX_LIMIT, deps.maxLimit ?? MAX_LIMIT));
  const now = deps.now ?? Date.now;
  const opts = deps.preHandler ? { preHandler: deps.preHandler } : {};
  const publicView = deps.publicView ?? (() => null);

  const fail = replyQueryError;
  const file = (deps.log as { file?: unknown }).file;
  let exporter = deps.exporter ?? null;
  if (deps.exporter === undefined && typeof file === 'string') {
    const own = createExporter({ file, maxConcurrent: deps.maxExports });
    exporter = own;
    app.addHook('onClose', () => own.close());
  }

  app.get('/api/events', opts, async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    try {
      const format = (single(q, 'format') ?? 'json') as Format;
      if (!['json', 'ndjson', 'csv'].includes(format)) throw new BadRequest('QUERY_INVALID', 'format: json, ndjson or csv');
      const after = single(q, 'after');
      if (after !== undefined && !deps.log.isValidId(after)) throw new BadRequest('QUERY_INVALID', 'after: not an event id');
      const { from, to } = windowOf(q, now(), EVENTS_WINDOW_MS, after !== undefined);
      const filter = filterOf(q);
      const limit = intParam(q, 'limit', 1, maxLimit, Math.min(DEFAULT_LIMIT, maxLimit));
      const cursor = single(q, 'cursor') || null;
      const hq: HistoryQuery = { from, to, filter, limit, cursor, ...(after !== undefined ? { afterId: after } : {}) };
      const redact = publicView(req);
      if (format === 'json') {
        const page = deps.log.query(hq);
        return reply.send(redact ? { ...page, events: page.events.map((e) => redactPublic(e, redact)) } : page);
      }
      // Check the cursor before the 200 goes out: a bad one must be a 400, not a broken stream.
      deps.log.query({ ...hq, limit: 1 });
      const worker = exporter ? openWorkerExport(exporter, hq, format, redact) : undefined;
      const stream = worker === undefined ? exportStream(deps.log, hq, format, redact) : worker;
      if (!stream) {
        return reply.code(503).header('retry-after', String(EXPORT_RETRY_AFTER_S)).send({
          error: { code: 'EXPORT_BUSY', message: `${exporter!.stats().max} exports are already running; retry in ${EXPORT_RETRY_AFTER_S} s` },
        });
      }
      reply.header('cache-control', 'no-store');
      if (format === 'csv') {
        reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="attackmap-events.csv"');
      } else {
        reply.type('application/x-ndjson; charset=utf-8');
      }
      return reply.send(stream);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get('/api/stats', opts, async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    try {
      const { from, to } = windowOf(q, now(), STATS_WINDOW_MS, false);
      const filter = filterOf(q);
      const b = single(q, 'bucket');
      const bucketMs = b ? parseBucket(b) : autoBucket(to - from);
      const top = intParam(q, 'top', 1, 100, 10);
      const sq = { from, to, filter, bucketMs, top };
      const stats = deps.log.statsAsync ? await deps.log.statsAsync(sq) : deps.log.stats(sq);
      const redact = publicView(req);
      if (redact) stats.top.srcIp = mergeByPrefix(stats.top.srcIp, redact);
      return reply.send(stats);
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get('/api/deadletter', opts, async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Query;
    try {
      const limit = intParam(q, 'limit', 1, 1000, 100);
      const before = single(q, 'before');
      if (before !== undefined && !/^\d{1,15}$/.test(before)) throw new BadRequest('QUERY_INVALID', 'before: a dead-letter id');
      const page = deps.log.deadLetters(limit, before === undefined ? undefined : Number(before));
      // The raw lines carry full addresses and attacker text: the public view gets the count only.
      return reply.send(publicView(req) ? { total: page.total, entries: [] } : page);
    } catch (err) {
      return fail(reply, err);
    }
  });
}
