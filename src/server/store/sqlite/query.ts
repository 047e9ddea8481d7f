/**
 * History pages. A window on event time becomes an id range (from the per-minute id bounds in
 * r_ids), scanned along the primary key, or along a secondary index for a one-value filter; the
 * page is ordered by id, so events written while a client pages through appear on a later page
 * and none is seen twice or skipped.
 */
import type Database from 'better-sqlite3';
import { CodedError } from '../../../event/errors.js';
import type { HistoryPage, HistoryQuery } from '../types.js';
import { filterSql, readPlan } from './filter-sql.js';
import { isValidId, rowToEvent } from './rows.js';

/** A window reaching past ±OPEN ms (beyond year 200,000) on both sides is treated as unbounded. */
const OPEN = 6e15;

/**
 * Most ids one page may examine when its plan can read non-matching rows (a scan along the id
 * range, or several index values merged and sorted). When the budget runs out before the page
 * is full, the page is returned short (possibly empty) with a cursor at the last id examined:
 * a rare filter over a long window costs several quick requests instead of one that holds the
 * event loop (and so ingest) for seconds. Clients follow nextCursor until it is null.
 */
export const SCAN_BUDGET = 100_000;

/** Most events one page holds; larger limits are cut to this. */
export const MAX_PAGE = 1000;

/** The opaque cursor: base64url of "v1:<last id>". */
export function encodeCursor(id: number): string {
  return Buffer.from(`v1:${id}`).toString('base64url');
}

/** The last id of a cursor; throws CodedError('QUERY_INVALID') for a cursor this log did not make. */
export function decodeCursor(cursor: string): number {
  const text = cursor.length <= 64 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^v1:(\d+)$/.exec(text);
  if (!m || !isValidId(m[1])) throw new CodedError('QUERY_INVALID', 'cursor: not a cursor from a previous page');
  return Number(m[1]);
}

/** Lowest and highest id of events whose time may fall in [from, to), or null for none. */
export function idRange(db: Database.Database, from: number, to: number): { lo: number; hi: number } | null {
  // An open window (gap recovery with `after`) needs no per-minute bounds.
  if (from <= -OPEN && to >= OPEN) {
    const b = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events').get() as { lo: number | null; hi: number | null };
    return b.lo === null || b.hi === null ? null : { lo: b.lo, hi: b.hi };
  }
  const r = db.prepare('SELECT min(lo) AS lo, max(hi) AS hi FROM r_ids WHERE minute >= ? AND minute <= ?')
    .get(Math.floor(from / 60_000), Math.floor((to - 1) / 60_000)) as { lo: number | null; hi: number | null };
  return r.lo === null || r.hi === null ? null : { lo: r.lo, hi: r.hi };
}

export function runQuery(db: Database.Database, q: HistoryQuery, budget = SCAN_BUDGET): HistoryPage {
  const { rows, nextCursor } = queryRows(db, q, budget);
  return { events: rows.map(rowToEvent), nextCursor };
}

/** Most events one export page holds (the export worker reads bigger pages: fewer statements per row). */
export const MAX_EXPORT_PAGE = 10_000;

/**
 * Like runQuery, but rows as stored (JSON text without id), so exports skip a parse per event.
 * `maxPage` caps q.limit (default MAX_PAGE; at most MAX_EXPORT_PAGE).
 */
export function queryRows(db: Database.Database, q: HistoryQuery, budget = SCAN_BUDGET, maxPage = MAX_PAGE): { rows: { id: number; json: string }[]; nextCursor: string | null } {
  const cap = Math.max(1, Math.min(MAX_EXPORT_PAGE, maxPage));
  const limit = Math.max(1, Math.min(cap, Math.floor(q.limit) || cap));
  let after = q.cursor ? decodeCursor(q.cursor) : 0;
  if (q.afterId !== undefined) {
    if (!isValidId(q.afterId)) throw new CodedError('QUERY_INVALID', 'after: not an event id');
    after = Math.max(after, Number(q.afterId));
  }
  if (!(q.to > q.from)) return { rows: [], nextCursor: null };
  const range = idRange(db, q.from, q.to);
  if (!range || range.hi <= after) return { rows: [], nextCursor: null };
  after = Math.max(after, range.lo - 1);
  const f = filterSql(q.filter);
  const plan = readPlan(db, q.filter, q.from, q.to, true);
  const end = plan.inOrder ? range.hi : Math.min(range.hi, after + Math.max(1, budget));
  // The filter runs on the narrow events rows; only the page's rows fetch their JSON.
  const sql = `SELECT e.id AS id, j.json AS json FROM events AS e ${plan.hint} CROSS JOIN event_json AS j ON j.id = e.id
    WHERE e.id > ? AND e.id <= ? AND t >= ? AND t < ?${f.sql} ORDER BY e.id LIMIT ?`;
  const rows = db.prepare(sql).all(after, end, q.from, q.to, ...f.params, limit) as { id: number; json: string }[];
  const nextCursor = rows.length === limit ? encodeCursor(rows[rows.length - 1].id) : end < range.hi ? encodeCursor(end) : null;
  return { rows, nextCursor };
}
