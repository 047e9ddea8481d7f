/**
 * The browser's trust boundary: every stream message is parsed and checked here. A message that
 * does not fit is counted and dropped; nothing thrown here reaches the stream handler.
 * The checks cover what the page relies on (types of the fields it reads, finite coordinates),
 * not the whole schema: text stays untrusted and is only ever rendered with textContent.
 */
import { CATEGORY_LIST, SEVERITY_LIST, type AttackEvent, type Counters, type Gap, type Hello, type HistoryStats, type KeyCount } from './types.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 10_000): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parse(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

function checkGeo(g: unknown): boolean {
  if (g === undefined || g === null) return true;
  if (!isObj(g)) return false;
  return isNum(g.lat) && isNum(g.lon) && Math.abs(g.lat) <= 90 && Math.abs(g.lon) <= 180
    && (g.country === undefined || isStr(g.country, 8));
}

function checkEndpoint(e: unknown): boolean {
  if (!isObj(e) || !isStr(e.ip, 100)) return false;
  if (e.port !== undefined && !isNum(e.port)) return false;
  if (e.as !== undefined && !(isObj(e.as) && isNum(e.as.number))) return false;
  return checkGeo(e.geo);
}

/** Checks one event; returns the reason it was refused, or null when the page can use it. */
export function eventProblem(v: unknown): string | null {
  if (!isObj(v)) return 'not an object';
  if (!isStr(v.id, 100) || !isStr(v.time, 64)) return 'id/time';
  if (!CATEGORY_LIST.includes(v.category as never)) return 'category';
  if (!SEVERITY_LIST.includes(v.severity as never)) return 'severity';
  if (!isObj(v.rule) || !isStr(v.rule.name)) return 'rule';
  if (!isObj(v.observer) || !isStr(v.observer.name, 200)) return 'observer';
  if (!checkEndpoint(v.source) || !checkEndpoint(v.destination)) return 'endpoint';
  if (v.count !== undefined && !(isNum(v.count) && v.count >= 1)) return 'count';
  if (v.details !== undefined && !isObj(v.details)) return 'details';
  return null;
}

/**
 * Keeps the valid events of a list and counts the rest, so one bad event does not cost the
 * batch. `count` defaults to 1.
 */
export function decodeEvents(list: unknown): { events: AttackEvent[]; bad: number } {
  if (!Array.isArray(list)) return { events: [], bad: 1 };
  const events: AttackEvent[] = [];
  let bad = 0;
  for (const v of list) {
    if (eventProblem(v) === null) {
      const e = v as AttackEvent;
      if (e.count === undefined) (e as { count: number }).count = 1;
      events.push(e);
    } else bad++;
  }
  return { events, bad };
}

/** `attack` message data: `{"events":[…]}`. */
export function decodeAttack(text: string): Decoded<{ events: AttackEvent[]; bad: number }> {
  const v = parse(text);
  if (!isObj(v) || !Array.isArray(v.events)) return { ok: false, reason: 'attack: no events list' };
  return { ok: true, value: decodeEvents(v.events) };
}

function decodeTop(v: unknown): KeyCount[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: KeyCount[] = [];
  for (const x of v.slice(0, 100)) {
    if (!isObj(x) || !(isStr(x.key, 300) || isNum(x.key)) || !isNum(x.count)) continue;
    // A label (an AS's organisation) is shown after the key.
    out.push({ key: isStr(x.label, 300) && x.label ? `${x.key} ${x.label}` : String(x.key), count: x.count });
  }
  return out;
}

function numRecord(v: unknown): Record<string, number> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v)) if (isNum(n)) out[k] = n;
  return out;
}

/** Counters: numbers kept, top lists checked, other fields passed through for tolerant readers. */
export function decodeCounters(v: unknown): Counters | undefined {
  if (!isObj(v)) return undefined;
  const c: Counters = { ...v };
  for (const k of ['total', 'attacks', 'lastMinute', 'perMinute', 'unlocated']) if (c[k] !== undefined && !isNum(c[k])) delete c[k];
  c.byCategory = numRecord(v.byCategory);
  c.bySeverity = numRecord(v.bySeverity);
  c.topSrcCountries = decodeTop(v.topSrcCountries ?? v.topSrcCountry);
  delete c.topSrcCountry;
  if (c.since !== undefined && !isStr(c.since, 64)) delete c.since;
  return c;
}

/** `stats` message data: `{"counters":{…}}`. */
export function decodeStats(text: string): Decoded<Counters> {
  const v = parse(text);
  const c = isObj(v) ? decodeCounters(v.counters) : undefined;
  return c ? { ok: true, value: c } : { ok: false, reason: 'stats: no counters' };
}

/** `hello` message data. */
export function decodeHello(text: string): Decoded<Hello & { bad: number }> {
  const v = parse(text);
  if (!isObj(v)) return { ok: false, reason: 'hello: not an object' };
  const h: Hello & { bad: number } = {
    schema: isNum(v.schema) ? v.schema : 0,
    view: v.view === 'analyst' ? 'analyst' : 'public',
    lastId: isStr(v.lastId, 100) ? v.lastId : undefined,
    resumed: v.resumed === true,
    bad: 0,
  };
  if (isObj(v.snapshot)) {
    const { events, bad } = decodeEvents(v.snapshot.events ?? []);
    h.bad = bad;
    h.snapshot = { events, counters: decodeCounters(v.snapshot.counters) };
  }
  return { ok: true, value: h };
}

/** `gap` message data. */
export function decodeGap(text: string): Decoded<Gap> {
  const v = parse(text);
  if (!isObj(v) || !isNum(v.lost)) return { ok: false, reason: 'gap: no lost count' };
  return { ok: true, value: { lost: v.lost, fromId: isStr(v.fromId, 100) ? v.fromId : undefined, toId: isStr(v.toId, 100) ? v.toId : undefined } };
}

/** GET /api/stats answer: the fields the page shows, checked; anything else dropped. */
export function decodeHistory(v: unknown): HistoryStats | null {
  if (!isObj(v)) return null;
  const top: Record<string, KeyCount[]> = {};
  if (isObj(v.top)) for (const [k, list] of Object.entries(v.top)) { const d = decodeTop(list); if (d) top[k] = d; }
  return {
    total: isNum(v.total) ? v.total : undefined,
    byCategory: numRecord(v.byCategory),
    bySeverity: numRecord(v.bySeverity),
    top,
    unlocated: isNum(v.unlocated) ? v.unlocated : undefined,
  };
}
