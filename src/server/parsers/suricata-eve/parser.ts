/**
 * Suricata EVE JSON (one JSON object per line). `alert`, `anomaly` and `drop` records become
 * events; every other event_type (flow, dns, http, tls, stats, ...) is a counted skip unless the
 * source lists it in `options.eventTypes`. README.md has the field mapping.
 */
import type { IngestEvent } from '../../../event/schema.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';
import {
  addressAt, categorize, clip, DETAIL_MAX, endpoint, excerpt, fail, guard, ip, isObject as isObj, isoTime, normTransport,
  observer, parseObject, signatureRule, signatureSeverity, skip,
} from '../common/index.js';

/** Event types turned into events when `options.eventTypes` is not set. */
export const DEFAULT_EVENT_TYPES: readonly string[] = ['alert', 'anomaly', 'drop'];

/** Most event types a source may list; a bound on config, not on data. */
const MAX_EVENT_TYPES = 64;

/** What a transport or app-layer protocol name may look like (tcp, IPv6-ICMP, http2, dcerpc). */
const PROTO_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$/;

/** A string value, empty text included (unlike common str). */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Metadata values in EVE are arrays of strings (`{"cve":["CVE-2021-44228"]}`); join them. */
function metaValues(meta: unknown, key: string): string[] {
  if (!isObj(meta)) return [];
  const v = meta[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** The event_type key and a plain value, for the skip fast path. */
const EVENT_TYPE_RE = /"event_type"\s*:\s*"([a-z0-9_]{1,40})"/;

/** Integers of 15+ digits lose precision in JSON.parse: read flow_id's digits from the raw text. */
const FLOW_ID_RE = /"flow_id"\s*:\s*(-?\d{1,24})\s*[,}]/;

function flowId(raw: string, parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return clip(parsed, 40);
  if (typeof parsed !== 'number') return undefined;
  const m = FLOW_ID_RE.exec(raw);
  // Only trust the digits when they are the same number JSON.parse saw (not some nested key).
  if (m && Number(m[1]) === parsed) return m[1];
  return Number.isSafeInteger(parsed) ? String(parsed) : undefined;
}

function eventTypesOf(ctx: ParseContext): readonly string[] {
  const t = ctx.options?.eventTypes;
  return Array.isArray(t) ? (t as string[]) : DEFAULT_EVENT_TYPES;
}

function put(details: Record<string, string | number>, key: string, value: unknown, max?: number): void {
  if (typeof value === 'string' && value.length > 0) details[key] = clip(value, max ?? DETAIL_MAX);
  else if (typeof value === 'number' && Number.isFinite(value)) details[key] = value;
}

function parseEve(record: string, ctx: ParseContext): ParseResult {
  const text = record.trim();
  if (text.length === 0) return fail('PARSE_EMPTY', 'empty record');
  if (text[0] !== '{') return fail('PARSE_NOT_JSON', `not a JSON object: ${excerpt(text)}`);
  const types = eventTypesOf(ctx);
  // Most of a real eve.json is flow/dns/tls/stats: skip those without paying for JSON.parse.
  // Only trusted when event_type comes before any nested object (where Suricata writes it);
  // inside a JSON string the quotes around a key would be escaped, so the pattern cannot match there.
  const head = EVENT_TYPE_RE.exec(text);
  if (head && !types.includes(head[1])) {
    const nested = text.indexOf('{', 1);
    if (nested < 0 || nested > head.index) return skip(`event_type ${head[1]}`);
  }
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed.result;
  const o = parsed.value;

  const type = o.event_type;
  if (typeof type !== 'string' || type.length === 0) return fail('PARSE_MISSING_FIELD', 'event_type is missing');
  if (!types.includes(type)) return skip(`event_type ${clip(type, 40)}`);

  const ts = o.timestamp;
  if (typeof ts !== 'string') return fail('PARSE_MISSING_FIELD', 'timestamp is missing');
  const time = isoTime(ts, ctx.timezone);
  if (time === null) return fail('PARSE_BAD_TIME', `bad timestamp: ${excerpt(ts)}`);

  if (o.src_ip === undefined) return fail('PARSE_MISSING_FIELD', 'src_ip is missing');
  if (o.dest_ip === undefined) return fail('PARSE_MISSING_FIELD', 'dest_ip is missing');
  const s = addressAt(o, 'src_ip', 'src_port');
  if (!s.ok) return fail(s.code, s.message);
  const d = addressAt(o, 'dest_ip', 'dest_port');
  if (!d.ok) return fail(d.code, d.message);
  let [src, srcPort, dst, dstPort] = [s.ip, s.port, d.ip, d.port];

  const alert = isObj(o.alert) ? o.alert : undefined;
  // Rules with the `target:` keyword make Suricata name the attacker and the target
  // (alert.source / alert.target). When they say the flow's destination is the attacker
  // (a malicious reply, a C2 answer), swap so that source is the attacker. Only a swap of the
  // two flow addresses is accepted, never a third address.
  if (alert && isObj(alert.source) && isObj(alert.target)) {
    const aSrc = ip(alert.source.ip);
    const aDst = ip(alert.target.ip);
    if (aSrc === dst && aDst === src && src !== dst) {
      [src, dst] = [dst, src];
      [srcPort, dstPort] = [dstPort, srcPort];
    }
  }
  const details: Record<string, string | number> = {};
  let rule: IngestEvent['rule'];
  let category: IngestEvent['category'];
  let severity: IngestEvent['severity'];

  if (alert) {
    const name = str(alert.signature) ?? '';
    const sid = alert.signature_id;
    const gid = alert.gid;
    if (name.length === 0 && typeof sid !== 'number') return fail('PARSE_MISSING_FIELD', 'alert.signature and alert.signature_id are missing');
    const classtype = str(alert.category);
    const sevMeta = metaValues(alert.metadata, 'signature_severity');
    if (alert.severity !== undefined && (typeof alert.severity !== 'number' || !Number.isInteger(alert.severity))) {
      return fail('PARSE_BAD_VALUE', `alert.severity is not an integer: ${excerpt(alert.severity)}`);
    }
    const safe = (n: unknown, min: number) => (typeof n === 'number' && Number.isSafeInteger(n) && n >= min ? n : undefined);
    const validSid = safe(sid, 0);
    rule = signatureRule({
      msg: name.length > 0 ? name : `sid ${sid}`, sid: validSid, gid: validSid === undefined ? undefined : safe(gid, -Infinity),
      rev: safe(alert.rev, 0),
    });
    category = categorize(classtype, name);
    severity = signatureSeverity({ priority: alert.severity as number | undefined, classtype, signatureSeverity: sevMeta });
    put(details, 'classtype', classtype, 200);
    const cves = metaValues(alert.metadata, 'cve');
    if (cves.length > 0) details.cve = clip(cves.join(','), 200);
    if (sevMeta.length > 0) details.signature_severity = clip(sevMeta.join(','), 40);
  } else if (type === 'anomaly' && isObj(o.anomaly)) {
    const a = o.anomaly;
    const what = str(a.event) ?? str(a.code) ?? str(a.type) ?? 'unknown';
    rule = { name: clip(`SURICATA anomaly ${what}`) };
    category = 'other';
    severity = 'low';
    put(details, 'anomaly_type', a.type, 40);
    put(details, 'anomaly_layer', a.layer, 40);
  } else {
    // drop without an alert object, or an event type the source opted into.
    const reason = type === 'drop' && isObj(o.drop) ? str(o.drop.reason) : undefined;
    rule = { name: clip(`SURICATA ${type}${reason ? ` ${reason}` : ''}`) };
    category = 'other';
    severity = 'low';
  }

  let action: IngestEvent['action'] = 'alert';
  const act = alert ? alert.action : undefined;
  if (type === 'drop' || act === 'blocked') action = 'blocked';
  else if (act === 'allowed') action = 'allowed';

  const ev: IngestEvent = {
    time,
    observer: observer(str(o.host) || str(o.sensor_name), 'suricata', ctx),
    category,
    severity,
    action,
    rule,
    source: endpoint(src, srcPort),
    destination: endpoint(dst, dstPort),
    count: 1,
  };
  // Protocol names are identifiers; anything else (escapes, markup) is not a protocol name.
  if (typeof o.proto === 'string' && PROTO_NAME.test(o.proto)) ev.transport = normTransport(o.proto);
  else if (typeof o.proto === 'number' && Number.isInteger(o.proto)) ev.transport = String(o.proto);
  const app = str(o.app_proto);
  if (app && app !== 'failed' && app !== 'unknown' && PROTO_NAME.test(app)) ev.service = app.toLowerCase();

  const fid = flowId(text, o.flow_id);
  if (fid !== undefined) details.flow_id = fid;
  put(details, 'community_id', o.community_id, 100);
  put(details, 'in_iface', o.in_iface, 100);
  put(details, 'direction', o.direction, 20);
  if (isObj(o.http)) {
    put(details, 'http_hostname', o.http.hostname);
    put(details, 'http_url', o.http.url);
    put(details, 'http_method', o.http.http_method, 40);
    put(details, 'http_user_agent', o.http.http_user_agent);
    put(details, 'http_status', o.http.status);
  }
  if (isObj(o.tls)) put(details, 'tls_sni', o.tls.sni);
  if (isObj(o.dns)) put(details, 'dns_rrname', o.dns.rrname);
  if (isObj(o.ssh) && isObj(o.ssh.client)) put(details, 'ssh_client', o.ssh.client.software_version, 200);
  put(details, 'payload_printable', o.payload_printable);
  if (Object.keys(details).length > 0) ev.details = details;
  return { kind: 'events', events: [ev] };
}

function checkOptions(options: Record<string, unknown>): string | null {
  const t = options.eventTypes;
  if (t === undefined) return null;
  if (!Array.isArray(t) || t.length === 0 || t.length > MAX_EVENT_TYPES) {
    return `eventTypes must be a non-empty list of at most ${MAX_EVENT_TYPES} EVE event types`;
  }
  for (const x of t) {
    if (typeof x !== 'string' || !/^[a-z0-9_]{1,40}$/.test(x)) return `eventTypes: ${excerpt(x)} is not an EVE event type name`;
  }
  return null;
}

export const suricataEve: Parser = {
  name: 'suricata-eve',
  description: 'Suricata EVE JSON: alert, anomaly and drop records (other event types are counted and skipped)',
  framing: 'line',
  checkOptions,
  parse: (record, ctx) => guard(() => parseEve(record, ctx)),
};
