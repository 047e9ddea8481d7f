/**
 * Dionaea's native `log_json` ihandler output: one JSON object per connection, naive
 * timestamps, the protocol module's name in `connection.protocol`, optional credentials as
 * parallel arrays. Also the older nested `connection.local/remote` shape. See README.md.
 */
import type { IngestEvent } from '../../../event/schema.js';
import {
  clip, endpoint, excerpt, fail, guard, ip as canonical, isObject, isoTime, normTransport, observer, own,
  parseObjectMaybeSyslog, port, skip, str, type JsonObject,
} from '../common/index.js';
import { getPath } from '../json/fields.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** Dionaea protocol module → service name. */
export const PROTOCOL_SERVICES: Readonly<Record<string, string>> = {
  smbd: 'smb', httpd: 'http', httpsd: 'https', https: 'https', mssqld: 'mssql', mysqld: 'mysql',
  mongod: 'mongodb', epmapper: 'msrpc', pptpd: 'pptp', ftpd: 'ftp', ftpdatalisten: 'ftp',
  ftpdataconnect: 'ftp', tftpd: 'tftp', sipd: 'sip', sipsession: 'sip', memcached: 'memcached',
  memcache: 'memcached', upnpd: 'upnp', mqttd: 'mqtt', printerd: 'ipp', nfqmirrord: 'mirror',
};

/** Most credential pairs copied into details; the count is kept in `attempts`. */
const MAX_PAIRS = 8;

function parse(record: string, ctx: ParseContext): ParseResult {
  const p = parseObjectMaybeSyslog(record, ctx);
  if (!p.ok) return p.result;
  const o = p.value;
  const conn: JsonObject = isObject(o.connection) ? o.connection : {};
  const type = str(conn.type);
  if (type === 'listen') return skip('listen: the honeypot opened a port');
  if (type === 'connect') return skip('connect: an outbound connection by the honeypot');

  if (o.src_ip === undefined && (o.source_ip !== undefined || o.hpfeed_id !== undefined)) {
    return fail('PARSE_NO_MATCH', 'an MHN/mnemosyne export (source_ip, $date), not dionaea log_json');
  }
  if (o.timestamp === undefined) return fail('PARSE_MISSING_FIELD', 'timestamp is missing');
  const ts = str(o.timestamp);
  if (!ts) return fail('PARSE_BAD_TIME', `timestamp is not ISO-8601 text: ${excerpt(o.timestamp)}`);
  const time = isoTime(ts, ctx.timezone);
  if (!time) return fail('PARSE_BAD_TIME', `timestamp is not ISO-8601: ${excerpt(ts)}`);

  // Flat (current) or nested (older docs) addresses.
  const srcRaw = o.src_ip ?? getPath(conn, 'remote.address') ?? getPath(conn, 'remote.ip');
  const dstRaw = o.dst_ip ?? getPath(conn, 'local.address') ?? getPath(conn, 'local.ip');
  const sportRaw = o.src_port ?? getPath(conn, 'remote.port');
  const dportRaw = o.dst_port ?? getPath(conn, 'local.port');
  if (srcRaw === undefined) return fail('PARSE_MISSING_FIELD', 'src_ip is missing');
  const src = canonical(srcRaw);
  if (!src) return fail('PARSE_BAD_IP', `src_ip is not an IP address: ${excerpt(srcRaw)}`);
  if (dstRaw === undefined) return fail('PARSE_MISSING_FIELD', 'dst_ip is missing');
  const dst = canonical(dstRaw);
  if (!dst) return fail('PARSE_BAD_IP', `dst_ip is not an IP address: ${excerpt(dstRaw)}`);
  const sport = port(sportRaw);
  if (sport === false) return fail('PARSE_BAD_PORT', `src_port: ${excerpt(sportRaw)}`);
  const dport = port(dportRaw);
  if (dport === false) return fail('PARSE_BAD_PORT', `dst_port: ${excerpt(dportRaw)}`);

  const protocol = str(conn.protocol)?.toLowerCase();
  const service = protocol ? own(PROTOCOL_SERVICES, protocol) : undefined;

  const details: Record<string, string | number> = {};
  if (protocol) details.protocol = clip(protocol, 40);
  const hostname = str(o.src_hostname) ?? str(getPath(conn, 'remote.hostname'));
  if (hostname) details.hostname = clip(hostname, 255);
  const pairs = credentialPairs(o.credentials);
  if (pairs.length) {
    details.username = clip(pairs[0][0]);
    details.password = clip(pairs[0][1]);
    details.attempts = pairs.length;
    if (pairs.length > 1) details.credentials = clip(pairs.slice(0, MAX_PAIRS).map(([u, pw]) => `${u}:${pw}`).join('\n'));
  }
  const ftp = ftpCommands(o.ftp);
  if (ftp) details.ftpCommands = ftp;

  const proto = protocol ?? 'connection';
  const event: IngestEvent = {
    time,
    observer: observer(p.host, 'dionaea', ctx),
    category: pairs.length ? 'bruteforce' : 'scan',
    severity: pairs.length ? 'medium' : 'low',
    action: 'alert',
    rule: { id: clip(`dionaea.${proto}`, 100), name: clip(pairs.length ? `Dionaea: ${proto} login attempt` : `Dionaea: ${proto} connection`) },
    source: endpoint(src, sport),
    destination: endpoint(dst, dport),
  };
  const transport = str(conn.transport);
  if (transport) event.transport = normTransport(transport);
  if (service) event.service = service;
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

/** `{"username": [...], "password": [...]}` parallel arrays → pairs (missing password = ""). */
function credentialPairs(c: unknown): Array<[string, string]> {
  if (!isObject(c)) return [];
  const users = c.username;
  const passwords = c.password;
  const u = Array.isArray(users) ? users : typeof users === 'string' ? [users] : [];
  const pw = Array.isArray(passwords) ? passwords : typeof passwords === 'string' ? [passwords] : [];
  const out: Array<[string, string]> = [];
  const n = Math.max(u.length, pw.length);
  for (let i = 0; i < n; i++) out.push([typeof u[i] === 'string' ? u[i] : '', typeof pw[i] === 'string' ? pw[i] : '']);
  return out;
}

/** `ftp.commands.{command[], arguments[]}` → "USER anonymous\nPASS x\n..." (clipped). */
function ftpCommands(f: unknown): string | undefined {
  const cmds = getPath(f, 'commands.command');
  const args = getPath(f, 'commands.arguments');
  if (!Array.isArray(cmds) || cmds.length === 0) return undefined;
  const a = Array.isArray(args) ? args : [];
  const lines = cmds.slice(0, 64).map((c, i) => `${typeof c === 'string' ? clip(c, 32) : ''}${typeof a[i] === 'string' && a[i] ? ' ' + clip(a[i], 512) : ''}`);
  return clip(lines.join('\n'));
}

export const dionaeaParser: Parser = {
  name: 'dionaea',
  description: 'Dionaea honeypot log_json lines (naive timestamps in the source timezone; credentials; older nested shape)',
  framing: 'line',
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
