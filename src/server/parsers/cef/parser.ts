/**
 * ArcSight Common Event Format: `CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension`,
 * alone or behind a syslog header. The extension is `key=value` pairs whose values may hold
 * unescaped spaces (a value runs to the next ` key=`). See README.md.
 */
import type { Action, Category, IngestEvent, Severity } from '../../../event/schema.js';
import { parseIsoLike } from '../../../event/time.js';
import {
  categoryFromName, categoryFromWords, clip, epochToIso, excerpt, fail, guard, ip as canonical, lookupClass, monthNumber, normTransport, observer, offsetMs, own,
  parsePort, skip, unspecifiedFor, wallTimeToEpoch,
} from '../common/index.js';
import { stripSyslog } from '../syslog/strip.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** Most extension pairs read from one record; the rest are ignored. */
const MAX_PAIRS = 200;

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  ext: Map<string, string>;
}

/**
 * Splits the CEF part of a line (starting at `CEF:`) into header fields and extension pairs,
 * undoing the escapes (`\|` `\\` in the header; `\=` `\\` `\n` `\r` in values). Returns null
 * when fewer than 7 header fields are present.
 */
export function splitCef(text: string): CefRecord | null {
  const body = text.replace(/^CEF:\s*/, '');
  const fields: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < body.length && fields.length < 7; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) { cur += body[i + 1]; i++; continue; }
    if (c === '|') { fields.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (fields.length < 7) return null;
  const ext = parseExtension(body.slice(i));
  const [version, vendor, product, productVersion, signatureId, name, severity] = fields.map((f) => f.trim());
  return { version, vendor, product, productVersion, signatureId, name, severity, ext };
}

/** A key starts at the beginning or after whitespace and ends at an unescaped `=`. */
const KEY = /(?:^|\s)([A-Za-z0-9_.\[\]-]{1,64})=/g;

function parseExtension(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts: Array<{ key: string; valueStart: number; keyStart: number }> = [];
  KEY.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEY.exec(s)) && starts.length <= MAX_PAIRS) {
    starts.push({ key: m[1], keyStart: m.index + (m[0].length - m[1].length - 1), valueStart: m.index + m[0].length });
  }
  for (let k = 0; k < starts.length && k < MAX_PAIRS; k++) {
    const end = k + 1 < starts.length ? starts[k + 1].keyStart : s.length;
    let raw = s.slice(starts[k].valueStart, end);
    // The single separator before the next key is not part of the value.
    if (k + 1 < starts.length) raw = raw.replace(/\s$/, '');
    if (!out.has(starts[k].key)) out.set(starts[k].key, unescapeValue(raw.trimEnd()));
  }
  return out;
}

function unescapeValue(v: string): string {
  return v.replace(/\\([\\=nr|])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** CEF severity: 0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High (ArcSight's banding). */
export function cefSeverity(text: string): Severity | null {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    if (n > 10) return null;
    return n <= 3 ? 'low' : n <= 6 ? 'medium' : n <= 8 ? 'high' : 'critical';
  }
  const words: Record<string, Severity> = { unknown: 'low', low: 'low', medium: 'medium', high: 'high', 'very-high': 'critical', 'very high': 'critical', critical: 'critical' };
  return own(words, text.toLowerCase()) ?? null;
}

const ACTION_WORDS: ReadonlyArray<readonly [RegExp, Action]> = [
  [/^(block(ed)?|den(y|ied)|drop(ped)?|reject(ed)?|prevent(ed)?|quarantined?|reset(-both|-client|-server)?|terminated?)$/i, 'blocked'],
  [/^(allow(ed)?|accept(ed)?|pass(ed)?|permit(ted)?)$/i, 'allowed'],
  [/^(alert(ed)?|detect(ed)?|log(ged)?|monitor(ed)?|notif(y|ied))$/i, 'alert'],
];

const PROTO_NUMBERS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp' };

/** `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`, the CEF date form besides epoch milliseconds. */
const CEF_DATE = /^([A-Za-z]{3}) +(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: (\S+))?$/;

/** Epoch ms of a CEF time value (rt/start/end), or null. Zone-less forms read in `tz`. */
export function cefTime(text: string, ctx: Pick<ParseContext, 'now' | 'timezone'>): number | null {
  const t = text.trim();
  if (/^\d{9,13}$/.test(t)) {
    // Seconds below 1e11 (until the year 5138), milliseconds above.
    const n = Number(t);
    return n >= 1e11 ? n : n * 1000;
  }
  const iso = parseIsoLike(t, ctx.timezone);
  if (iso !== null) return iso;
  const m = CEF_DATE.exec(t);
  if (!m) return null;
  const month = monthNumber(m[1]);
  if (month === undefined) return null;
  const zone = m[8];
  // Other zone names (CET, EST...) are ambiguous abbreviations: the source's zone is used.
  const offset = zone === undefined ? null : /^(UTC|GMT|Z)$/i.test(zone) ? 0 : offsetMs(zone);
  return wallTimeToEpoch({
    year: m[3] ? Number(m[3]) : undefined, month, day: Number(m[2]), hour: Number(m[4]), minute: Number(m[5]),
    second: Number(m[6]), ms: m[7] ? Number((m[7] + '00').slice(0, 3)) : 0, offset: offset ?? undefined,
  }, ctx.now, ctx.timezone);
}

function parse(record: string, ctx: ParseContext): ParseResult {
  const at = record.indexOf('CEF:');
  if (at < 0) return fail('PARSE_NO_MATCH', 'no "CEF:" in the line');
  const cef = splitCef(record.slice(at));
  if (!cef) return fail('PARSE_NO_MATCH', 'the CEF header has fewer than 7 |-separated fields');
  const head = at > 0 ? stripSyslog(record, ctx) : null;
  const e = cef.ext;

  const severity = cefSeverity(cef.severity);
  if (!severity) return fail('PARSE_BAD_VALUE', `severity is not 0-10 or Low/Medium/High/Very-High: ${excerpt(cef.severity)}`);

  let epoch: number | null = null;
  for (const key of ['rt', 'start', 'end', 'UNIFIutcTime']) {
    const v = e.get(key);
    if (v === undefined) continue;
    epoch = cefTime(v, ctx);
    if (epoch === null) return fail('PARSE_BAD_TIME', `${key} is not a time: ${excerpt(v)}`);
    break;
  }
  if (epoch === null && head?.time !== undefined) epoch = head.time;
  if (epoch === null) return fail('PARSE_MISSING_FIELD', 'no time: neither rt/start/end nor a syslog header');
  const time = epochToIso(epoch);
  if (!time) return fail('PARSE_BAD_TIME', 'the time is out of range');

  const srcText = e.get('src') ?? e.get('c6a2');
  if (srcText === undefined) return skip('no source address (src): not a network event');
  const src = canonical(srcText);
  if (!src) return fail('PARSE_BAD_IP', `src is not an IP address: ${excerpt(srcText)}`);
  const dstText = e.get('dst') ?? e.get('c6a3');
  const dst = dstText === undefined ? unspecifiedFor(src) : canonical(dstText);
  if (!dst) return fail('PARSE_BAD_IP', `dst is not an IP address: ${excerpt(dstText)}`);
  const source: IngestEvent['source'] = { ip: src };
  const destination: IngestEvent['destination'] = { ip: dst };
  for (const [key, ep] of [['spt', source], ['dpt', destination]] as const) {
    const v = e.get(key);
    if (v === undefined || v === '') continue;
    const p = parsePort(v.trim());
    if (p === null) return fail('PARSE_BAD_PORT', `${key} is not a port: ${excerpt(v)}`);
    ep.port = p;
  }

  const name = cef.name || `CEF ${cef.signatureId}`;
  const cat = e.get('cat') ?? '';
  const event: IngestEvent = {
    time,
    observer: observer(e.get('dvchost') ?? head?.host, clip(`${cef.vendor} ${cef.product}`.trim() || 'cef', 100), ctx),
    category: categoryOf(cat, name),
    severity,
    rule: cef.signatureId ? { id: clip(cef.signatureId, 100), name: clip(name) } : { name: clip(name) },
    source,
    destination,
  };
  const act = e.get('act');
  const action = act ? ACTION_WORDS.find(([re]) => re.test(act.trim()))?.[1] : undefined;
  if (action) event.action = action;
  const proto = e.get('proto');
  if (proto) event.transport = own(PROTO_NUMBERS, proto.trim()) ?? normTransport(proto);
  const app = e.get('app');
  const service = app && /^[a-z][a-z0-9-]{0,19}$/i.test(app) ? app.toLowerCase() : undefined;
  if (service) event.service = service;
  const details = detailsOf(e);
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

function categoryOf(cat: string, name: string): Category {
  const byPrefix = categoryFromName(name);
  if (byPrefix) return byPrefix;
  const byWord = categoryFromWords(`${cat.slice(0, 200)} ${name.slice(0, 300)}`);
  if (byWord) return byWord;
  const byClass = lookupClass(cat)?.category;
  return byClass ?? 'other';
}

/** Extension keys worth showing, renamed for the page. */
const DETAIL_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['msg', 'message'], ['cat', 'category'], ['act', 'action'], ['request', 'url'],
  ['requestMethod', 'method'], ['requestClientApplication', 'userAgent'], ['suser', 'user'],
  ['duser', 'targetUser'], ['shost', 'sourceHost'], ['dhost', 'destinationHost'], ['fname', 'file'],
  ['fileHash', 'fileHash'], ['cnt', 'count'],
];

function detailsOf(e: Map<string, string>): Record<string, string | number> {
  const d: Record<string, string | number> = {};
  for (const [from, to] of DETAIL_KEYS) {
    const v = e.get(from);
    if (v !== undefined && v !== '') d[to] = clip(v);
  }
  // Custom strings: cs1..cs6 named by their label when one is given.
  for (let n = 1; n <= 6; n++) {
    const v = e.get(`cs${n}`);
    if (v === undefined || v === '') continue;
    const label = e.get(`cs${n}Label`);
    d[clip(label && label.trim() ? label.trim() : `cs${n}`, 64)] = clip(v);
  }
  return d;
}

export const cefParser: Parser = {
  name: 'cef',
  description: 'ArcSight CEF lines (alone or behind a syslog header): severity 0-10, src/dst/spt/dpt/proto/act, rt/start time',
  framing: 'line',
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
