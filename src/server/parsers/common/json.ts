/**
 * Reading one record as a JSON object (bare, or behind a syslog header) and its plain values.
 * JSON.parse's own messages differ between Node versions, so errors carry fixed text: a
 * dead letter for the same bad line reads the same after an upgrade.
 */
import type { ParseContext, ParseResult } from '../types.js';
import { stripSyslog } from '../syslog/strip.js';

export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses one record as a JSON object, or returns the error result to hand back. */
export function parseObject(record: string): { ok: true; value: JsonObject } | { ok: false; result: ParseResult } {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch {
    return { ok: false, result: { kind: 'error', code: 'PARSE_NOT_JSON', message: 'the record is not valid JSON (truncated or not a JSON line)' } };
  }
  if (!isObject(value)) {
    return { ok: false, result: { kind: 'error', code: 'PARSE_NO_MATCH', message: 'the JSON value is not an object' } };
  }
  return { ok: true, value };
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

/** A non-empty string, or undefined. Numbers are turned into text (rule ids are often numbers). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
