/**
 * Any JSON-lines source, mapped by the source's `options`: dotted paths say where the time,
 * addresses, ports, rule, category and severity are; constants fill what the sensor never
 * says. `checkOptions` names the first bad key. See README.md.
 */
import type { Action, Category, IngestEvent, Severity } from '../../../event/schema.js';
import { ACTIONS, CATEGORIES, SEVERITIES } from '../../../event/schema.js';
import { parseIsoLike } from '../../../event/time.js';
import {
  clip, detailValue, endpoint, epochToIso, excerpt, fail, guard, ip as canonical, isObject as isObj, normTransport, observer, own,
  parseObject, port, unspecifiedFor,
} from '../common/index.js';
import { getPath } from './fields.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** Mapping keys that hold a dotted path into the record. */
const PATH_KEYS = ['time', 'sourceIp', 'sourcePort', 'destinationIp', 'destinationPort', 'rule', 'ruleId',
  'category', 'severity', 'action', 'transport', 'service', 'sensor', 'count'] as const;
/** Mapping keys that hold a constant. */
const CONST_KEYS = ['timeFormat', 'defaultCategory', 'defaultSeverity', 'defaultAction', 'defaultRule',
  'product', 'categoryMap', 'severityMap', 'actionMap', 'details'] as const;
const REQUIRED = ['time', 'sourceIp'] as const;
const TIME_FORMATS = ['auto', 'iso', 'epoch_s', 'epoch_ms'] as const;
/** Longest mapping path; the deepest is 16 parts (fields.ts). */
const MAX_PATH = 200;
/** Most detail paths a mapping may name (the event allows 32 detail keys). */
const MAX_DETAILS = 24;
/** Most entries in one value map. */
const MAX_MAP = 1000;

interface Mapping {
  paths: Partial<Record<(typeof PATH_KEYS)[number], string>>;
  timeFormat: (typeof TIME_FORMATS)[number];
  defaultCategory: Category;
  defaultSeverity: Severity;
  defaultAction?: Action;
  defaultRule: string;
  product: string;
  categoryMap: Record<string, Category>;
  severityMap: Record<string, Severity>;
  actionMap: Record<string, Action>;
  details: Array<[string, string]>;
}

const isIn = <T extends string>(list: readonly T[], v: unknown): v is T => (list as readonly unknown[]).includes(v);

function checkMap<T extends string>(name: string, v: unknown, allowed: readonly T[]): string | null {
  if (v === undefined) return null;
  if (!isObj(v)) return `options.${name} must be an object of value → ${allowed.join('|')}`;
  const entries = Object.entries(v);
  if (entries.length > MAX_MAP) return `options.${name} has more than ${MAX_MAP} entries`;
  for (const [k, x] of entries) if (!isIn(allowed, x)) return `options.${name}.${k} must be one of ${allowed.join(', ')}`;
  return null;
}

function checkPath(name: string, v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_PATH || v.split('.').length > 16 || v.split('.').some((p) => p === '')) {
    return `options.${name} must be a dotted path such as "src.ip" (1-${MAX_PATH} characters, at most 16 parts)`;
  }
  return null;
}

/** Validates a mapping; returns the first problem, naming its key, or null. */
export function checkJsonOptions(options: Record<string, unknown>): string | null {
  if (!isObj(options)) return 'options must be an object';
  for (const k of Object.keys(options)) {
    if (!isIn(PATH_KEYS as readonly string[], k) && !isIn(CONST_KEYS as readonly string[], k)) {
      return `options.${k} is not a mapping key (known: ${[...PATH_KEYS, ...CONST_KEYS].join(', ')})`;
    }
  }
  for (const k of REQUIRED) if (options[k] === undefined) return `options.${k} is required (the path of the record's ${k === 'time' ? 'timestamp' : 'source address'})`;
  for (const k of PATH_KEYS) if (options[k] !== undefined) { const e = checkPath(k, options[k]); if (e) return e; }
  if (options.timeFormat !== undefined && !isIn(TIME_FORMATS, options.timeFormat)) return `options.timeFormat must be one of ${TIME_FORMATS.join(', ')}`;
  if (options.defaultCategory !== undefined && !isIn(CATEGORIES, options.defaultCategory)) return `options.defaultCategory must be one of ${CATEGORIES.join(', ')}`;
  if (options.defaultSeverity !== undefined && !isIn(SEVERITIES, options.defaultSeverity)) return `options.defaultSeverity must be one of ${SEVERITIES.join(', ')}`;
  if (options.defaultAction !== undefined && !isIn(ACTIONS, options.defaultAction)) return `options.defaultAction must be one of ${ACTIONS.join(', ')}`;
  for (const k of ['defaultRule', 'product'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 200)) return `options.${k} must be text of 1-200 characters`;
  }
  const e = checkMap('categoryMap', options.categoryMap, CATEGORIES) ?? checkMap('severityMap', options.severityMap, SEVERITIES)
    ?? checkMap('actionMap', options.actionMap, ACTIONS);
  if (e) return e;
  const d = options.details;
  if (d !== undefined) {
    const list = Array.isArray(d) ? d.map((p) => [p, p] as const) : isObj(d) ? Object.entries(d).map(([k, p]) => [p, k] as const) : null;
    if (!list) return 'options.details must be a list of paths or an object of detail name → path';
    if (list.length > MAX_DETAILS) return `options.details names more than ${MAX_DETAILS} fields`;
    for (const [p, k] of list) {
      const pe = checkPath(`details.${typeof k === 'string' ? k : '?'}`, p);
      if (pe) return pe;
      if (typeof k !== 'string' || k.length === 0 || k.length > 64) return 'options.details names must be 1-64 characters';
    }
  }
  return null;
}

/** Compiled mappings per options object; the options come from config, so few distinct ones exist. */
const compiled = new WeakMap<object, Mapping | string>();

function compile(options: Record<string, unknown> | undefined): Mapping | string {
  if (!options) return 'options are required: at least {"time": "<path>", "sourceIp": "<path>"}';
  const hit = compiled.get(options);
  if (hit) return hit;
  const problem = checkJsonOptions(options);
  let result: Mapping | string;
  if (problem) result = problem;
  else {
    const paths: Mapping['paths'] = {};
    for (const k of PATH_KEYS) if (typeof options[k] === 'string') paths[k] = options[k] as string;
    const d = options.details;
    result = {
      paths,
      timeFormat: (options.timeFormat as Mapping['timeFormat']) ?? 'auto',
      defaultCategory: (options.defaultCategory as Category) ?? 'other',
      defaultSeverity: (options.defaultSeverity as Severity) ?? 'low',
      defaultAction: options.defaultAction as Action | undefined,
      defaultRule: (options.defaultRule as string) ?? 'JSON event',
      product: (options.product as string) ?? 'json',
      categoryMap: (options.categoryMap as Record<string, Category>) ?? {},
      severityMap: (options.severityMap as Record<string, Severity>) ?? {},
      actionMap: (options.actionMap as Record<string, Action>) ?? {},
      details: Array.isArray(d) ? d.map((p: string) => [p, p]) : isObj(d) ? Object.entries(d).map(([k, p]) => [p as string, k]) : [],
    };
  }
  compiled.set(options, result);
  return result;
}

/** Text of a scalar value, or undefined. */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A value through its map, else itself when it is already a vocabulary word (any case). */
function mapped<T extends string>(v: unknown, map: Record<string, T>, vocabulary: readonly T[]): T | undefined {
  const s = scalar(v);
  if (s === undefined) return undefined;
  const hit = own(map, s);
  if (hit !== undefined) return hit;
  const lower = s.toLowerCase();
  return isIn(vocabulary, lower) ? lower : undefined;
}

function readTime(v: unknown, format: Mapping['timeFormat'], tz: string): number | null {
  if (format === 'epoch_s' || format === 'epoch_ms' || (format === 'auto' && (typeof v === 'number' || (typeof v === 'string' && /^\d{9,13}(\.\d+)?$/.test(v))))) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}(\.\d+)?$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0) return null;
    // auto: below 1e11 it is seconds (1e11 s is the year 5138; 1e11 ms is 1973).
    const ms = format === 'epoch_ms' || (format === 'auto' && n >= 1e11) ? n : n * 1000;
    return Math.round(ms);
  }
  return typeof v === 'string' ? parseIsoLike(v, tz) : null;
}

function parse(record: string, ctx: ParseContext): ParseResult {
  const m = compile(ctx.options);
  if (typeof m === 'string') return fail('PARSE_BAD_VALUE', `json mapping: ${m}`);
  const p = parseObject(record);
  if (!p.ok) return p.result;
  const o = p.value;
  const at = (k: keyof Mapping['paths']) => (m.paths[k] ? getPath(o, m.paths[k]!) : undefined);

  const t = at('time');
  if (t === undefined || t === null || t === '') return fail('PARSE_MISSING_FIELD', `${m.paths.time} (time) is missing`);
  const epoch = readTime(t, m.timeFormat, ctx.timezone);
  const time = epoch === null ? null : epochToIso(epoch);
  if (!time) return fail('PARSE_BAD_TIME', `${m.paths.time} is not a time: ${excerpt(t)}`);

  const srcRaw = at('sourceIp');
  if (srcRaw === undefined || srcRaw === null || srcRaw === '') return fail('PARSE_MISSING_FIELD', `${m.paths.sourceIp} (sourceIp) is missing`);
  const src = canonical(srcRaw);
  if (!src) return fail('PARSE_BAD_IP', `${m.paths.sourceIp} is not an IP address: ${excerpt(srcRaw)}`);
  const dstRaw = at('destinationIp');
  const dst = dstRaw === undefined || dstRaw === null || dstRaw === '' ? unspecifiedFor(src) : canonical(dstRaw);
  if (!dst) return fail('PARSE_BAD_IP', `${m.paths.destinationIp} is not an IP address: ${excerpt(dstRaw)}`);
  const sport = port(at('sourcePort'));
  if (sport === false) return fail('PARSE_BAD_PORT', `${m.paths.sourcePort}: ${excerpt(at('sourcePort'))}`);
  const dport = port(at('destinationPort'));
  if (dport === false) return fail('PARSE_BAD_PORT', `${m.paths.destinationPort}: ${excerpt(at('destinationPort'))}`);

  const ruleName = scalar(at('rule')) || m.defaultRule;
  const ruleId = scalar(at('ruleId'));
  const event: IngestEvent = {
    time,
    observer: observer(scalar(at('sensor')), m.product, ctx),
    category: mapped(at('category'), m.categoryMap, CATEGORIES) ?? m.defaultCategory,
    severity: mapped(at('severity'), m.severityMap, SEVERITIES) ?? m.defaultSeverity,
    rule: ruleId ? { id: clip(ruleId, 100), name: clip(ruleName) } : { name: clip(ruleName) },
    source: endpoint(src, sport),
    destination: endpoint(dst, dport),
  };
  const action = mapped(at('action'), m.actionMap, ACTIONS) ?? m.defaultAction;
  if (action) event.action = action;
  const transport = scalar(at('transport'));
  if (transport) event.transport = normTransport(transport);
  const service = scalar(at('service'))?.toLowerCase();
  if (service) event.service = clip(service, 40);
  const count = at('count');
  if (typeof count === 'number' && Number.isInteger(count) && count >= 1) event.count = Math.min(count, 1_000_000_000);
  const details: Record<string, string | number> = {};
  for (const [path, key] of m.details) {
    const v = detailValue(getPath(o, path));
    if (v !== undefined) details[key] = v;
  }
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

export const jsonParser: Parser = {
  name: 'json',
  description: 'Any JSON lines, mapped by options (dotted paths for time, sourceIp, ports, rule, category, severity; constant defaults)',
  framing: 'line',
  checkOptions: checkJsonOptions,
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
