/**
 * OpenCanary JSON log lines: a numeric `logtype` names what happened (the LOG_* constants of
 * opencanary/logger.py); `logdata` carries the attacker's input with UPPER-CASE keys. See
 * README.md for the table of codes.
 */
import type { Category, IngestEvent, Severity } from '../../../event/schema.js';
import {
  clip, detailValue, endpoint, excerpt, fail, guard, ip as canonical, isoTime, observer, own, parseObjectMaybeSyslog, port, skip, str,
  unspecifiedFor,
} from '../common/index.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

interface LogType {
  name: string;
  category: Category;
  severity: Severity;
  service?: string;
  transport?: 'tcp' | 'udp';
}

const row = (name: string, category: Category, severity: Severity, service?: string, transport: 'tcp' | 'udp' = 'tcp'): LogType =>
  ({ name, category, severity, service, transport });

/** Every logtype code OpenCanary defines (logger.py LoggerBase), internal ones excluded below. */
export const LOGTYPES: Readonly<Record<number, LogType>> = {
  2000: row('FTP login attempt', 'bruteforce', 'medium', 'ftp'),
  3000: row('HTTP GET', 'recon', 'low', 'http'),
  3001: row('HTTP login attempt', 'bruteforce', 'medium', 'http'),
  4000: row('SSH new connection', 'scan', 'low', 'ssh'),
  4001: row('SSH client version', 'recon', 'low', 'ssh'),
  4002: row('SSH login attempt', 'bruteforce', 'medium', 'ssh'),
  5000: row('SMB file open', 'exploit', 'high', 'smb'),
  5001: row('port scan (SYN)', 'scan', 'low'),
  5002: row('nmap OS detection', 'recon', 'low'),
  5003: row('nmap NULL scan', 'scan', 'low'),
  5004: row('nmap XMAS scan', 'scan', 'low'),
  5005: row('nmap FIN scan', 'scan', 'low'),
  6001: row('Telnet login attempt', 'bruteforce', 'medium', 'telnet'),
  7001: row('HTTP proxy login attempt', 'bruteforce', 'medium', 'http-proxy'),
  8001: row('MySQL login attempt', 'bruteforce', 'medium', 'mysql'),
  9001: row('MSSQL login attempt (SQL auth)', 'bruteforce', 'medium', 'mssql'),
  9002: row('MSSQL login attempt (Windows auth)', 'bruteforce', 'medium', 'mssql'),
  10001: row('TFTP request', 'recon', 'low', 'tftp', 'udp'),
  11001: row('NTP monlist request', 'dos', 'medium', 'ntp', 'udp'),
  12001: row('VNC login attempt', 'bruteforce', 'medium', 'vnc'),
  13001: row('SNMP request', 'recon', 'low', 'snmp', 'udp'),
  14001: row('RDP login attempt', 'bruteforce', 'medium', 'rdp'),
  15001: row('SIP request', 'recon', 'low', 'sip', 'udp'),
  16001: row('Git clone request', 'recon', 'medium', 'git'),
  17001: row('Redis command', 'exploit', 'medium', 'redis'),
  18001: row('TCP banner connection', 'scan', 'low'),
  18002: row('TCP banner keep-alive connection', 'scan', 'low'),
  18003: row('TCP banner keep-alive secret received', 'recon', 'medium'),
  18004: row('TCP banner keep-alive data received', 'recon', 'low'),
  18005: row('TCP banner data received', 'recon', 'low'),
  19001: row('LLMNR query answered (name poisoning)', 'exploit', 'high', 'llmnr', 'udp'),
  20001: row('MongoDB request', 'recon', 'low', 'mongodb'),
};

/** 1000-1006: boot, message, debug, error, ping, config save, example: the canary's own news. */
const INTERNAL_MIN = 1000, INTERNAL_MAX = 1006;
/** LOG_USER_0..9: operator-defined alerts. */
const USER_MIN = 99000, USER_MAX = 99009;
/** Most logdata keys copied into details (the event allows 32 keys in all). */
const MAX_LOGDATA_KEYS = 24;

function parse(record: string, ctx: ParseContext): ParseResult {
  const p = parseObjectMaybeSyslog(record, ctx);
  if (!p.ok) return p.result;
  const o = p.value;
  const code = typeof o.logtype === 'number' ? o.logtype : typeof o.logtype === 'string' && /^\d{1,6}$/.test(o.logtype) ? Number(o.logtype) : NaN;
  if (o.logtype === undefined) return fail('PARSE_MISSING_FIELD', 'logtype is missing');
  if (!Number.isInteger(code)) return fail('PARSE_BAD_VALUE', `logtype is not a number: ${excerpt(o.logtype)}`);
  if (code >= INTERNAL_MIN && code <= INTERNAL_MAX) return skip(`logtype ${code}: the canary's own message`);
  const known = own(LOGTYPES, code);
  const lt = known ?? (code >= USER_MIN && code <= USER_MAX
    ? row(`user alert ${code - USER_MIN}`, 'other', 'medium')
    : row(`logtype ${code}`, 'other', 'low'));

  // local_time is UTC despite its name (logger.py writes utcnow); utc_time says so explicitly.
  const ts = str(o.utc_time) ?? str(o.local_time);
  if (!ts) return fail('PARSE_MISSING_FIELD', 'utc_time/local_time is missing');
  const time = isoTime(ts, 'UTC');
  if (!time) return fail('PARSE_BAD_TIME', `unreadable time: ${excerpt(ts)}`);

  const srcText = str(o.src_host);
  if (!srcText) return fail('PARSE_MISSING_FIELD', 'src_host is missing or empty');
  const src = canonical(srcText);
  if (!src) return fail('PARSE_BAD_IP', `src_host is not an IP address: ${excerpt(srcText)}`);
  const dstText = str(o.dst_host);
  const dst = dstText ? canonical(dstText) : unspecifiedFor(src);
  if (!dst) return fail('PARSE_BAD_IP', `dst_host is not an IP address: ${excerpt(dstText)}`);
  const sport = port(o.src_port);
  if (sport === false) return fail('PARSE_BAD_PORT', `src_port: ${excerpt(o.src_port)}`);
  const dport = port(o.dst_port);
  if (dport === false) return fail('PARSE_BAD_PORT', `dst_port: ${excerpt(o.dst_port)}`);

  const event: IngestEvent = {
    time,
    observer: observer(str(o.node_id) ?? p.host, 'opencanary', ctx),
    category: lt.category,
    severity: lt.severity,
    action: 'alert',
    rule: { id: String(code), name: `OpenCanary: ${lt.name}` },
    source: endpoint(src, sport),
    destination: endpoint(dst, dport),
  };
  if (known && lt.transport) event.transport = lt.transport;
  if (lt.service) event.service = lt.service;
  const details = logdataDetails(o.logdata);
  if (details) event.details = details;
  return { kind: 'events', events: [event] };
}

/** logdata → details: keys lower-cased (USERNAME → username), objects as JSON text, clipped. */
function logdataDetails(logdata: unknown): Record<string, string | number> | undefined {
  if (typeof logdata === 'string') return logdata ? { msg: clip(logdata) } : undefined;
  if (!logdata || typeof logdata !== 'object' || Array.isArray(logdata)) return undefined;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(logdata).slice(0, MAX_LOGDATA_KEYS)) {
    const value = detailValue(v);
    if (value !== undefined) out[clip(k.toLowerCase(), 64)] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

export const opencanaryParser: Parser = {
  name: 'opencanary',
  description: 'OpenCanary JSON log lines: logtype codes named and classified, logdata into details',
  framing: 'line',
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
