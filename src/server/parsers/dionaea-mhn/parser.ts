/**
 * Dionaea connections as MHN (Modern Honey Network) stores them: mnemosyne normalises the
 * hpfeeds `dionaea.connections` channel into a MongoDB `session` document, and `mongoexport`
 * writes one Extended JSON document per line (`$oid`, `$date`). The protocol-module table is
 * the native dionaea parser's, imported. See README.md.
 */
import type { IngestEvent } from '../../../event/schema.js';
import { parseIsoLike, toIso } from '../../../event/time.js';
import { clip } from '../../../event/validate.js';
import { excerpt, fail, guard, normTransport, skip } from '../common/index.js';
import { ip as canonical, observer, parseObject, port, str, unspecifiedFor, type JsonObject } from '../json/fields.js';
import { PROTOCOL_SERVICES } from '../dionaea/parser.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/**
 * Dionaea's `pcap` module sees connection attempts to ports nothing listens on (it logs the
 * rejected SYN): a port probe, named for what was probed rather than for a module.
 */
const PCAP = 'pcap';

/** A protocol name we put in rule.id: short and plain, so a hostile value cannot shape ids. */
const PROTOCOL_NAME = /^[a-z0-9_.-]{1,40}$/;

/**
 * The time of `timestamp` in epoch ms: Extended JSON `{"$date": "ISO"}` (relaxed and shell
 * exports), `{"$date": {"$numberLong": "ms"}}` (canonical), `{"$date": ms}` (legacy), or a
 * plain ISO string (mnemosyne's REST API). BSON dates are UTC, so text without an offset is UTC.
 */
function mongoDate(v: unknown): number | null {
  let d: unknown = v;
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) d = (d as JsonObject).$date;
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
    const n = (d as JsonObject).$numberLong;
    d = typeof n === 'string' && /^-?\d{1,16}$/.test(n) ? Number(n) : undefined;
  }
  if (typeof d === 'number') return Number.isFinite(d) ? d : null;
  if (typeof d === 'string') return parseIsoLike(d, 'UTC');
  return null;
}

/** An `$oid` value (or a plain string id), when it looks like a 24-hex ObjectId. */
function objectId(v: unknown): string | undefined {
  const s = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject).$oid : v;
  return typeof s === 'string' && /^[0-9a-f]{24}$/i.test(s) ? s.toLowerCase() : undefined;
}

function parse(record: string, ctx: ParseContext): ParseResult {
  const p = parseObject(record);
  if (!p.ok) return p.result;
  const o = p.value;
  if (o.source_ip === undefined && o.src_ip !== undefined) {
    return fail('PARSE_NO_MATCH', 'a native dionaea log_json record (src_ip); use format dionaea');
  }
  const honeypot = str(o.honeypot);
  if (honeypot !== undefined && honeypot.toLowerCase() !== 'dionaea') {
    return skip(`an MHN session of honeypot ${excerpt(honeypot)}, not dionaea`);
  }

  if (o.timestamp === undefined) return fail('PARSE_MISSING_FIELD', 'timestamp is missing');
  const epoch = mongoDate(o.timestamp);
  const time = epoch === null ? null : toIso(epoch);
  if (!time) return fail('PARSE_BAD_TIME', `timestamp is not a Mongo date or ISO-8601 time: ${excerpt(o.timestamp)}`);

  if (o.source_ip === undefined) return fail('PARSE_MISSING_FIELD', 'source_ip is missing');
  const src = canonical(o.source_ip);
  if (!src) return fail('PARSE_BAD_IP', `source_ip is not an IP address: ${excerpt(o.source_ip)}`);
  // mnemosyne stores the honeypot's own address only when hpfeeds carried it; without it the
  // arc ends at the sensor's site (the unspecified address, as for sshd and fail2ban).
  let dst = unspecifiedFor(src);
  if (o.destination_ip !== undefined && o.destination_ip !== null && o.destination_ip !== '') {
    const d = canonical(o.destination_ip);
    if (!d) return fail('PARSE_BAD_IP', `destination_ip is not an IP address: ${excerpt(o.destination_ip)}`);
    dst = d;
  }
  const sport = port(o.source_port);
  if (sport === false) return fail('PARSE_BAD_PORT', `source_port: ${excerpt(o.source_port)}`);
  const dport = port(o.destination_port);
  if (dport === false) return fail('PARSE_BAD_PORT', `destination_port: ${excerpt(o.destination_port)}`);

  const raw = str(o.protocol)?.toLowerCase();
  const protocol = raw && PROTOCOL_NAME.test(raw) ? raw : undefined;
  const known = protocol !== undefined && Object.prototype.hasOwnProperty.call(PROTOCOL_SERVICES, protocol);
  // Otherwise no service: enrichment names it from the destination port.
  const service = known ? PROTOCOL_SERVICES[protocol] : undefined;

  const details: Record<string, string | number> = {};
  if (protocol) details.protocol = protocol;
  else if (raw) details.protocol = clip(raw, 40);
  const id = objectId(o._id);
  if (id) details.mongoId = id;
  const identifier = str(o.identifier);
  if (identifier) details.sensorId = clip(identifier, 100);

  const probe = protocol === PCAP;
  const name = probe
    ? `Dionaea: connection attempt to closed port${dport !== undefined ? ` ${dport}` : ''}`
    : protocol ? `Dionaea: ${protocol} connection` : 'Dionaea: connection';
  const event: IngestEvent = {
    time,
    observer: observer(undefined, 'dionaea', ctx),
    category: 'scan',
    severity: 'low',
    action: 'alert',
    rule: { id: `dionaea.${protocol ?? 'connection'}`, name },
    source: sport === undefined ? { ip: src } : { ip: src, port: sport },
    destination: dport === undefined ? { ip: dst } : { ip: dst, port: dport },
  };
  const transport = str(o.transport);
  if (transport) event.transport = normTransport(transport);
  if (service) event.service = service;
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

export const dionaeaMhnParser: Parser = {
  name: 'dionaea-mhn',
  description: 'Dionaea connections from an MHN/mnemosyne MongoDB export (mongoexport Extended JSON: $oid, $date, source_ip)',
  framing: 'line',
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
