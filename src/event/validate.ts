/**
 * The runtime validator for events entering the server (HTTP ingest, parsers, Redis). It is the
 * only way from untrusted input to a NormalEvent: schema check, canonical time and addresses,
 * long attacker text cut to MAX_TEXT, server-owned fields (id, received, geo, as) ignored.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { IngestEventSchema, MAX_DETAIL_KEYS, MAX_TEXT, type NormalEvent } from './schema.js';
import { canonicalIp } from './ip.js';
import { isEventTime, parseIsoLike, toIso } from './time.js';
import type { ErrorCode } from './errors.js';
import { schemaMessage } from './schema-message.js';

const check = TypeCompiler.Compile(IngestEventSchema);

export type Validation =
  | { ok: true; event: NormalEvent }
  | { ok: false; code: ErrorCode; message: string };

export interface ValidateDefaults {
  /** observer.name when the event has none: the sensor named for the token or source. */
  sensor: string;
  /** observer.product when the event has none. */
  product?: string;
  /** observer.site when the event has none. */
  site?: string;
}

/** Cuts `text` to at most `max` UTF-16 units, never splitting a surrogate pair. */
export function clip(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

function clipFields(o: Record<string, any>): void {
  const rule = o.rule;
  if (rule && typeof rule === 'object') {
    if (typeof rule.name === 'string') rule.name = clip(rule.name);
    if (typeof rule.id === 'string') rule.id = clip(rule.id, 100);
  }
  const d = o.details;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    const keys = Object.keys(d);
    const out: Record<string, unknown> = {};
    for (const k of keys.slice(0, MAX_DETAIL_KEYS)) {
      const v = d[k];
      out[clip(k, 64)] = typeof v === 'string' ? clip(v) : v;
    }
    o.details = out;
  }
}

/** Validates one untrusted value as an ingest event and normalises it. */
export function validateIngest(value: unknown, defaults: ValidateDefaults): Validation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, code: 'EVENT_NOT_OBJECT', message: 'event must be a JSON object' };
  }
  const o = value as Record<string, any>;
  clipFields(o);
  if (!check.Check(o)) {
    const first = check.Errors(o).First();
    const where = first?.path || '/';
    return { ok: false, code: 'EVENT_SCHEMA', message: `${where}: ${schemaMessage(first)}` };
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(o.time)) {
    return { ok: false, code: 'EVENT_BAD_TIME', message: `/time: needs an offset or Z: ${JSON.stringify(clip(o.time, 64))}` };
  }
  let time: string | null = o.time;
  if (!isEventTime(o.time)) {
    const epoch = parseIsoLike(o.time);
    time = epoch === null ? null : toIso(epoch);
  }
  if (time === null) return { ok: false, code: 'EVENT_BAD_TIME', message: `/time: not ISO-8601: ${JSON.stringify(clip(o.time, 64))}` };
  const src = canonicalIp(o.source.ip);
  if (!src) return { ok: false, code: 'EVENT_BAD_IP', message: `/source/ip: not an IP address: ${JSON.stringify(clip(o.source.ip, 64))}` };
  const dst = canonicalIp(o.destination.ip);
  if (!dst) return { ok: false, code: 'EVENT_BAD_IP', message: `/destination/ip: not an IP address: ${JSON.stringify(clip(o.destination.ip, 64))}` };

  // Built by assignment, not by spreading optional parts: this runs once per event on every
  // ingest path, and each spread of a small literal allocates and copies.
  const obs = o.observer ?? {};
  const observer: NormalEvent['observer'] = { name: obs.name || defaults.sensor, product: obs.product || defaults.product || 'unknown' };
  const site = obs.site || defaults.site;
  if (site) observer.site = site;
  const rule: NormalEvent['rule'] = { name: o.rule.name };
  if (o.rule.id !== undefined) rule.id = o.rule.id;
  if (o.rule.rev !== undefined) rule.rev = o.rule.rev;
  const source: NormalEvent['source'] = { ip: src };
  if (o.source.port !== undefined) source.port = o.source.port;
  const destination: NormalEvent['destination'] = { ip: dst };
  if (o.destination.port !== undefined) destination.port = o.destination.port;
  const event: NormalEvent = {
    time, observer, category: o.category, severity: o.severity, rule, source, destination, count: o.count ?? 1,
  };
  if (o.action !== undefined) event.action = o.action;
  if (o.transport !== undefined) event.transport = String(o.transport).toLowerCase();
  if (o.service !== undefined) event.service = String(o.service).toLowerCase();
  if (o.details !== undefined && Object.keys(o.details).length > 0) event.details = o.details;
  return { ok: true, event };
}
