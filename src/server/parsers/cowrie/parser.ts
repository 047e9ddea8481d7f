/**
 * Cowrie JSON log (cowrie.json): one event per line, SSH/Telnet honeypot. See README.md for the
 * mapping table. Only `cowrie.session.connect` carries the honeypot's address and ports; the
 * correlator below copies them onto later events of the same session.
 */
import type { Category, IngestEvent, Severity } from '../../../event/schema.js';
import type { Correlator, ParseContext, ParseResult, Parser } from '../types.js';
import {
  clip, endpoint, excerpt, fail, guard, ip, isoTime, isUnspecified, observer, own, parseObjectMaybeSyslog, port, putDetail,
  skip, str, unspecifiedFor, type JsonObject,
} from '../common/index.js';

interface Mapping {
  category: Category;
  severity: Severity;
  name: string;
  /** Record keys copied into details (attacker text), as [recordKey, detailKey]. */
  details: Array<[string, string]>;
}

const CREDENTIALS: Array<[string, string]> = [['username', 'username'], ['password', 'password']];

/** eventid → event; every eventid not here is skipped with its name in the reason. */
const EVENTS: Record<string, Mapping> = {
  'cowrie.session.connect': { category: 'scan', severity: 'low', name: 'Cowrie: new connection', details: [] },
  'cowrie.client.version': { category: 'recon', severity: 'low', name: 'Cowrie: client version', details: [['version', 'clientVersion']] },
  'cowrie.client.fingerprint': { category: 'bruteforce', severity: 'medium', name: 'Cowrie: public key offered', details: [['username', 'username'], ['fingerprint', 'fingerprint']] },
  'cowrie.login.failed': { category: 'bruteforce', severity: 'medium', name: 'Cowrie: login failed', details: CREDENTIALS },
  'cowrie.login.success': { category: 'bruteforce', severity: 'high', name: 'Cowrie: login succeeded', details: CREDENTIALS },
  'cowrie.command.input': { category: 'exploit', severity: 'high', name: 'Cowrie: command', details: [['input', 'command']] },
  'cowrie.command.failed': { category: 'exploit', severity: 'medium', name: 'Cowrie: unknown command', details: [['input', 'command']] },
  'cowrie.session.file_download': { category: 'malware', severity: 'critical', name: 'Cowrie: file download', details: [['url', 'url'], ['shasum', 'sha256'], ['outfile', 'file']] },
  'cowrie.session.file_download.failed': { category: 'malware', severity: 'high', name: 'Cowrie: file download failed', details: [['url', 'url']] },
  'cowrie.session.file_upload': { category: 'malware', severity: 'critical', name: 'Cowrie: file upload', details: [['filename', 'file'], ['shasum', 'sha256']] },
  'cowrie.direct-tcpip.request': { category: 'other', severity: 'medium', name: 'Cowrie: TCP forwarding request', details: [] },
};

/** Why the not-mapped event ids are not attacks of their own. */
const SKIPS: Record<string, string> = {
  'cowrie.session.closed': 'session end (the session\'s events are already counted)',
  'cowrie.session.params': 'session parameters',
  'cowrie.log.open': 'tty log opened',
  'cowrie.log.closed': 'tty log closed',
  'cowrie.client.kex': 'key exchange details',
  'cowrie.client.size': 'terminal size',
  'cowrie.client.var': 'environment variable request',
  'cowrie.direct-tcpip.data': 'data on a forwarding request (the request is counted)',
};

function parse(record: string, ctx: ParseContext): ParseResult {
  const p = parseObjectMaybeSyslog(record, ctx);
  if (!p.ok) return p.result;
  const o = p.value;
  if (o.eventid === undefined) return fail('PARSE_MISSING_FIELD', 'eventid is missing');
  const eventid = o.eventid;
  if (typeof eventid !== 'string') return fail('PARSE_BAD_VALUE', `eventid is not a string: ${excerpt(eventid)}`);
  const m = own(EVENTS, eventid);
  if (!m) {
    const why = own(SKIPS, eventid) ?? 'event id not mapped';
    return skip(`${clip(eventid, 80)}: ${why}`);
  }
  const ts = str(o.timestamp);
  if (!ts) return fail('PARSE_MISSING_FIELD', 'timestamp is missing');
  const time = isoTime(ts, ctx.timezone);
  if (!time) return fail('PARSE_BAD_TIME', `timestamp is not ISO-8601: ${excerpt(ts)}`);
  if (o.src_ip === undefined) return fail('PARSE_MISSING_FIELD', 'src_ip is missing');
  const src = ip(o.src_ip);
  if (!src) return fail('PARSE_BAD_IP', `src_ip is not an IP address: ${excerpt(o.src_ip)}`);

  const forwarding = eventid === 'cowrie.direct-tcpip.request';
  // On forwarding requests dst_ip/dst_port name the forward target, not the honeypot.
  let dst = unspecifiedFor(src);
  let dstPort: number | undefined;
  if (!forwarding && o.dst_ip !== undefined) {
    const d = ip(o.dst_ip);
    if (!d) return fail('PARSE_BAD_IP', `dst_ip is not an IP address: ${excerpt(o.dst_ip)}`);
    dst = d;
    const dp = port(o.dst_port);
    if (dp === false) return fail('PARSE_BAD_PORT', `dst_port: ${excerpt(o.dst_port)}`);
    dstPort = dp;
  }
  let srcPort: number | undefined;
  if (!forwarding) {
    const sp = port(o.src_port);
    if (sp === false) return fail('PARSE_BAD_PORT', `src_port: ${excerpt(o.src_port)}`);
    srcPort = sp;
  }

  const details: Record<string, string | number> = {};
  const session = str(o.session);
  if (session) details.session = clip(session, 64);
  for (const [from, to] of m.details) putDetail(details, to, o[from]);
  if (forwarding) {
    putDetail(details, 'forwardIp', o.dst_ip);
    putDetail(details, 'forwardPort', o.dst_port);
  }

  const event: IngestEvent = {
    time,
    observer: observer(str(o.sensor) ?? p.host, 'cowrie', ctx),
    category: m.category,
    severity: m.severity,
    action: 'alert',
    rule: { id: eventid, name: m.name },
    transport: 'tcp',
    source: endpoint(src, srcPort),
    destination: endpoint(dst, dstPort),
  };
  const service = serviceOf(o);
  if (service) event.service = service;
  if (Object.keys(details).length > 0) event.details = details;
  return { kind: 'events', events: [event] };
}

/** ssh/telnet from `protocol` (on connect) or from Cowrie 1.x's `system` (the Twisted class). */
function serviceOf(o: JsonObject): string | undefined {
  const proto = str(o.protocol);
  if (proto === 'ssh' || proto === 'telnet') return proto;
  const system = str(o.system);
  if (system) {
    if (/SSH/.test(system)) return 'ssh';
    if (/Telnet/i.test(system)) return 'telnet';
  }
  return undefined;
}

/** Sessions a correlator remembers; the least recently used is forgotten first. */
export const SESSION_LIMIT = 10_000;

interface SessionInfo { ip: string; port?: number; service?: string }

/**
 * Completes Cowrie events with what their session's connect event said: the honeypot's
 * address and port where the event has only the unspecified placeholder, and the service.
 * Holds at most `limit` sessions (LRU: a session is refreshed by each event it has) and never
 * holds events back: an event of an unknown session passes unchanged.
 */
export class CowrieSessionCorrelator implements Correlator {
  private readonly sessions = new Map<string, SessionInfo>();

  constructor(private readonly limit = SESSION_LIMIT) {}

  /** Sessions currently remembered (at most `limit`). */
  get size(): number {
    return this.sessions.size;
  }

  push(event: IngestEvent): IngestEvent[] {
    const session = event.details?.session;
    if (typeof session !== 'string') return [event];
    if (event.rule.id === 'cowrie.session.connect') {
      this.remember(session, { ip: event.destination.ip, port: event.destination.port, service: event.service });
      return [event];
    }
    const info = this.sessions.get(session);
    if (!info) return [event];
    this.sessions.delete(session);
    this.sessions.set(session, info);
    let out = event;
    if (isUnspecified(event.destination.ip) && !isUnspecified(info.ip)) {
      out = { ...out, destination: endpoint(info.ip, info.port) };
    }
    if (!out.service && info.service) out = { ...out, service: info.service };
    return [out];
  }

  private remember(session: string, info: SessionInfo): void {
    this.sessions.delete(session);
    this.sessions.set(session, info);
    while (this.sessions.size > this.limit) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }
}

export const cowrieParser: Parser = {
  name: 'cowrie',
  description: 'Cowrie SSH/Telnet honeypot JSON log (cowrie.json), sessions joined for the destination',
  framing: 'line',
  parse: (record, ctx) => guard(() => parse(record, ctx)),
  correlator: () => new CowrieSessionCorrelator(),
};
