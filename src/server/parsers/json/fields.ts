/**
 * Small field readers shared by the JSON-shaped parsers (cowrie, dionaea, opencanary, ecs, json)
 * and the destination rule shared by every sensor that logs attacks against itself.
 */
import { canonicalIp } from '../../../event/ip.js';
import { toIso } from '../../../event/time.js';
import { clip } from '../../../event/validate.js';
import type { ParseContext, ParseResult } from '../types.js';
import { stripSyslog } from '../syslog/strip.js';
import { parsePort } from '../common/index.js';

export type JsonObject = Record<string, unknown>;

/** Deepest dotted path we follow; mapping paths are short, so this only stops abuse. */
const MAX_PATH_PARTS = 16;

/** Parses one record as a JSON object, or returns the error result to hand back. */
export function parseObject(record: string): { ok: true; value: JsonObject } | { ok: false; result: ParseResult } {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch {
    // JSON.parse's own message differs between Node versions; keep dead letters stable.
    return { ok: false, result: { kind: 'error', code: 'PARSE_NOT_JSON', message: 'the record is not valid JSON (truncated or not a JSON line)' } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, result: { kind: 'error', code: 'PARSE_NO_MATCH', message: 'the JSON value is not an object' } };
  }
  return { ok: true, value: value as JsonObject };
}

/**
 * Like parseObject, but also accepts the JSON behind a syslog header (`Feb 28 10:00:00 host
 * cowrie: {...}`, `<14>1 ... opencanaryd - - - {...}`), as sensors forwarded through rsyslog or
 * a syslog handler arrive. `host` is the header's host, for the observer when the JSON names none.
 */
export function parseObjectMaybeSyslog(record: string, ctx: ParseContext):
  { ok: true; value: JsonObject; host?: string } | { ok: false; result: ParseResult } {
  const lead = record.trimStart();
  if (lead.startsWith('{') || lead.startsWith('[') || lead.startsWith('"')) return parseObject(record);
  const head = stripSyslog(record, ctx);
  if (head && head.message.trimStart().startsWith('{')) {
    const p = parseObject(head.message);
    return p.ok && head.host ? { ...p, host: head.host } : p;
  }
  return parseObject(record);
}

/**
 * The value at a dotted path, reading nested objects and dotted keys alike: `source.ip` finds
 * `{"source":{"ip":..}}` and `{"source.ip":..}` (Elastic documents mix both). The longest
 * literal key wins at each level. Undefined when absent.
 */
export function getPath(obj: unknown, path: string): unknown {
  const keys = candidateKeys(path);
  return keys ? walk(obj, keys, 0) : undefined;
}

/**
 * For each start part i, the literal keys parts[i..j] joined with dots, longest first. Built
 * once per path: paths come from code and config, so the cache stays small (bounded anyway).
 */
const keyCache = new Map<string, string[][]>();
const MAX_CACHED_PATHS = 1024;

function candidateKeys(path: string): string[][] | null {
  let keys = keyCache.get(path);
  if (keys) return keys;
  const parts = path.split('.');
  if (parts.length > MAX_PATH_PARTS) return null;
  keys = parts.map((_, i) => {
    const out: string[] = [];
    for (let j = parts.length; j > i; j--) out.push(parts.slice(i, j).join('.'));
    return out;
  });
  if (keyCache.size >= MAX_CACHED_PATHS) keyCache.clear();
  keyCache.set(path, keys);
  return keys;
}

function walk(o: unknown, keys: string[][], i: number): unknown {
  if (i === keys.length) return o;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const here = keys[i];
  for (let k = 0; k < here.length; k++) {
    const key = here[k];
    if (Object.prototype.hasOwnProperty.call(o, key)) {
      // here[k] spans parts i .. i + (here.length - k) - 1.
      const r = walk((o as JsonObject)[key], keys, i + here.length - k);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** A non-empty string, or undefined. Numbers are turned into text (rule ids are often numbers). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * A port from a number or numeric string: the port, `undefined` when absent (null, "", -1 as
 * OpenCanary writes for unknown), or `false` when present but not 0..65535.
 */
export function port(v: unknown): number | undefined | false {
  if (v === undefined || v === null || v === '' || v === -1 || v === '-1' || v === '-') return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') return false;
  return parsePort(v) ?? false;
}

/** The canonical address, or null. */
export function ip(v: unknown): string | null {
  return typeof v === 'string' ? canonicalIp(v) : null;
}

/**
 * The destination for sensors that log attacks on themselves without their own address (sshd,
 * fail2ban, a Cowrie event whose session is unknown): the unspecified address of the source's
 * family. Enrichment treats it as "at the sensor's site" (a reserved address takes the
 * sensor's configured location), so the arc ends at the sensor.
 */
export function unspecifiedFor(sourceIp: string): string {
  return sourceIp.includes(':') ? '::' : '0.0.0.0';
}

/** True for `0.0.0.0` and `::`, the placeholder destinations above. */
export function isUnspecified(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::';
}

/** observer for an event: the record's sensor name when it has one, else the source's; texts cut to the schema's 200/100. */
export function observer(name: string | undefined, product: string, ctx: ParseContext): { name: string; product: string; site?: string } {
  const o: { name: string; product: string; site?: string } = { name: clip(name && name.trim() ? name : ctx.sensor, 200), product: clip(product, 100) };
  if (ctx.site) o.site = ctx.site;
  return o;
}

/** Puts a clipped text value into details when it is a string or a number (empty text kept). */
export function putDetail(d: Record<string, string | number>, key: string, v: unknown): void {
  if (typeof v === 'string') d[key] = clip(v);
  else if (typeof v === 'number' && Number.isFinite(v)) d[key] = v;
}

/** Latest instant an event may carry: 9999-12-31T23:59:59.999Z (four-digit years only). */
const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * ISO-8601 UTC text for epoch milliseconds, or null outside 1970..9999: an epoch number in the
 * wrong unit (seconds read as milliseconds or the reverse) must fail, not become year 26442.
 */
export function epochToIso(ms: number): string | null {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_EPOCH_MS ? toIso(ms) : null;
}
