/**
 * Snort alert_csv: one comma-separated line per alert, columns in the order the sensor's
 * `output alert_csv` line names them. Snort 2.9's `default` order is DEFAULT_FIELDS; Snort 3
 * column names (src_addr, src_ap, rule, class, priority, action, seconds ...) are accepted too,
 * so a source sets `options.fields` to its sensor's list.
 */
import { toIso } from '../../../event/time.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';
import {
  actionFromSnort, endpoint, excerpt, fail, guard, hasPorts, normTransport, own, parsePort, signatureEvent, snortTimeToIso,
  splitHostPort,
} from '../common/index.js';

/** Snort 2.9's `alert_csv: default` column order. */
export const DEFAULT_FIELDS: readonly string[] = [
  'timestamp', 'sig_generator', 'sig_id', 'sig_rev', 'msg', 'proto', 'src', 'srcport', 'dst', 'dstport',
  'ethsrc', 'ethdst', 'ethlen', 'tcpflags', 'tcpseq', 'tcpack', 'tcplen', 'tcpwindow', 'ttl', 'tos', 'id',
  'dgmlen', 'iplen', 'icmptype', 'icmpcode', 'icmpid', 'icmpseq',
];

/** What a column means to the parser; columns not listed here are accepted and ignored. */
type Role = 'time' | 'seconds' | 'gid' | 'sid' | 'rev' | 'rule' | 'msg' | 'proto' | 'src' | 'srcport' | 'dst'
  | 'dstport' | 'src_ap' | 'dst_ap' | 'class' | 'priority' | 'action' | 'service' | 'ignored';

const ROLES: Readonly<Record<string, Role>> = {
  timestamp: 'time', seconds: 'seconds',
  sig_generator: 'gid', gid: 'gid', sig_id: 'sid', sid: 'sid', sig_rev: 'rev', rev: 'rev', rule: 'rule',
  msg: 'msg', proto: 'proto',
  src: 'src', src_addr: 'src', srcport: 'srcport', src_port: 'srcport',
  dst: 'dst', dst_addr: 'dst', dstport: 'dstport', dst_port: 'dstport',
  src_ap: 'src_ap', dst_ap: 'dst_ap', class: 'class', priority: 'priority', action: 'action', service: 'service',
};
/** Known columns with no role (Snort 2.9 and Snort 3 names). */
const IGNORED = new Set([
  'ethsrc', 'ethdst', 'ethlen', 'tcpflags', 'tcpseq', 'tcpack', 'tcplen', 'tcpwindow', 'ttl', 'tos', 'id', 'dgmlen',
  'iplen', 'icmptype', 'icmpcode', 'icmpid', 'icmpseq', 'b64_data', 'client_bytes', 'client_pkts', 'dir', 'eth_dst',
  'eth_len', 'eth_src', 'eth_type', 'flowstart_time', 'geneve_vni', 'icmp_code', 'icmp_id', 'icmp_seq', 'icmp_type',
  'iface', 'ip_id', 'ip_len', 'mpls', 'pkt_gen', 'pkt_len', 'pkt_num', 'server_bytes', 'server_pkts', 'sgt',
  'tcp_ack', 'tcp_flags', 'tcp_len', 'tcp_seq', 'tcp_win', 'target', 'udp_len', 'vlan',
]);

/** Most columns a configured field list may have. */
const MAX_FIELDS = 64;
/** Longest line read: 128 KiB. */
export const CSV_MAX_LINE = 128 * 1024;

function fieldsOf(ctx: ParseContext): readonly string[] {
  const f = ctx.options?.fields;
  if (typeof f === 'string') return f.split(/[\s,]+/).filter((x) => x.length > 0);
  return Array.isArray(f) ? (f as string[]) : DEFAULT_FIELDS;
}

/**
 * Splits one CSV line. A field that starts with a double quote runs to the next quote that is
 * followed by a comma or the end (Snort does not double quotes inside msg, so a lone quote inside
 * is kept); `""` inside a quoted field is one quote.
 */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let j = i + 1;
      let val = '';
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) { val += line.slice(j); i = n; break; }
        if (line.charCodeAt(q + 1) === 34) { val += line.slice(j, q + 1); j = q + 2; continue; }
        let k = q + 1;
        while (k < n && line.charCodeAt(k) === 32) k++;
        if (k >= n || line.charCodeAt(k) === 44) { val += line.slice(j, q); i = k; break; }
        val += line.slice(j, q + 1);
        j = q + 1;
      }
      out.push(val);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? n : c;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) break;
    i++; // the comma
    if (i === n) { out.push(''); break; }
  }
  return out;
}

function parseCsv(record: string, ctx: ParseContext): ParseResult {
  const line = record.trim();
  if (line.length === 0) return fail('PARSE_EMPTY', 'empty line');
  if (line.length > CSV_MAX_LINE) return fail('PARSE_TOO_LONG', `line longer than ${CSV_MAX_LINE} characters`);
  const names = fieldsOf(ctx);
  const cols = splitCsv(line);
  if (cols.length !== names.length) {
    return fail('PARSE_NO_MATCH', `expected ${names.length} columns, found ${cols.length}; check options.fields`);
  }
  const v: Partial<Record<Role, string>> = {};
  for (let k = 0; k < names.length; k++) {
    const role = own(ROLES, names[k]);
    if (role) v[role] = cols[k].trim();
  }

  let time: string | null = null;
  if (v.seconds !== undefined && v.seconds !== '') {
    if (!/^\d{1,12}(\.\d{1,9})?$/.test(v.seconds)) return fail('PARSE_BAD_TIME', `bad seconds: ${excerpt(v.seconds)}`);
    time = toIso(Number(v.seconds) * 1000);
  } else if (v.time !== undefined) {
    time = snortTimeToIso(v.time, ctx.now, ctx.timezone);
    if (time === null) return fail('PARSE_BAD_TIME', `bad timestamp: ${excerpt(v.time)}`);
  } else {
    return fail('PARSE_MISSING_FIELD', 'no timestamp or seconds column');
  }
  if (time === null) return fail('PARSE_BAD_TIME', `bad seconds: ${excerpt(v.seconds)}`);

  let gid = v.gid, sid = v.sid, rev = v.rev;
  if (v.rule) {
    const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(v.rule);
    if (!m) return fail('PARSE_BAD_VALUE', `bad rule: ${excerpt(v.rule)}`);
    [, gid, sid, rev] = m;
  }
  for (const [k, x] of [['gid', gid], ['sid', sid], ['rev', rev]] as const) {
    if (x !== undefined && x !== '' && !/^\d{1,10}$/.test(x)) return fail('PARSE_BAD_VALUE', `bad ${k}: ${excerpt(x)}`);
  }
  const msg = v.msg ?? '';
  if (msg === '' && !sid) return fail('PARSE_MISSING_FIELD', 'neither msg nor sid');

  const proto = v.proto ?? '';
  if (proto !== '' && !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,19}$/.test(proto)) return fail('PARSE_BAD_VALUE', `bad proto: ${excerpt(proto)}`);
  const withPorts = proto === '' || hasPorts(proto);

  // A plain address column never carries a port: reading `2001:db8::17` as `2001:db8::` port 17
  // would be wrong. Only the `*_ap` (address:port) columns are split.
  const srcText = v.src ?? v.src_ap;
  const dstText = v.dst ?? v.dst_ap;
  if (!srcText) return fail('PARSE_MISSING_FIELD', 'no source address');
  if (!dstText) return fail('PARSE_MISSING_FIELD', 'no destination address');
  const src = splitHostPort(srcText, v.src === undefined && withPorts);
  if (!src.ok) return fail(src.code, `source: ${src.message}`);
  const dst = splitHostPort(dstText, v.dst === undefined && withPorts);
  if (!dst.ok) return fail(dst.code, `destination: ${dst.message}`);
  let srcPort = src.port ?? null, dstPort = dst.port ?? null;
  if (v.srcport) {
    srcPort = parsePort(v.srcport);
    if (srcPort === null) return fail('PARSE_BAD_PORT', `bad source port: ${excerpt(v.srcport)}`);
  }
  if (v.dstport) {
    dstPort = parsePort(v.dstport);
    if (dstPort === null) return fail('PARSE_BAD_PORT', `bad destination port: ${excerpt(v.dstport)}`);
  }
  if (!withPorts) { srcPort = null; dstPort = null; }

  const classtype = v.class && v.class !== 'none' && v.class !== '(null)' ? v.class : undefined;
  let priority: number | undefined;
  if (v.priority) {
    if (!/^\d{1,3}$/.test(v.priority)) return fail('PARSE_BAD_VALUE', `bad priority: ${excerpt(v.priority)}`);
    priority = Number(v.priority);
  }

  const num = (x: string | undefined) => (x ? Number(x) : undefined);
  const ev = signatureEvent({
    time, product: 'snort', msg, gid: num(gid), sid: num(sid), rev: num(rev), classtype, priority,
    action: actionFromSnort(v.action), source: endpoint(src.ip, srcPort), destination: endpoint(dst.ip, dstPort),
  }, ctx);
  if (proto !== '') ev.transport = normTransport(proto);
  if (v.service && /^[a-z0-9][a-z0-9_.-]{0,39}$/i.test(v.service) && v.service !== 'unknown') ev.service = v.service.toLowerCase();
  return { kind: 'events', events: [ev] };
}

function checkOptions(options: Record<string, unknown>): string | null {
  const f = options.fields;
  if (f === undefined) return null;
  const list = typeof f === 'string' ? f.split(/[\s,]+/).filter((x) => x.length > 0) : f;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FIELDS) {
    return `fields must be a non-empty list (or comma-separated string) of at most ${MAX_FIELDS} alert_csv column names`;
  }
  const seen = new Set<string>();
  for (const x of list) {
    if (typeof x !== 'string' || (own(ROLES, x) === undefined && !IGNORED.has(x))) return `fields: ${excerpt(x)} is not an alert_csv column name`;
    if (seen.has(x)) return `fields: ${excerpt(x)} is listed twice`;
    seen.add(x);
  }
  const has = (...names: string[]) => names.some((n) => seen.has(n));
  if (!has('timestamp', 'seconds')) return 'fields must include timestamp or seconds';
  if (!has('src', 'src_addr', 'src_ap') || !has('dst', 'dst_addr', 'dst_ap')) return 'fields must include the source and destination addresses';
  if (!has('msg', 'sig_id', 'sid', 'rule')) return 'fields must include msg, sig_id/sid or rule';
  return null;
}

export const snortCsv: Parser = {
  name: 'snort-csv',
  description: 'Snort alert_csv lines; column order from options.fields (default: Snort 2.9 default order)',
  framing: 'line',
  checkOptions,
  parse: (record, ctx) => guard(() => parseCsv(record, ctx)),
};
