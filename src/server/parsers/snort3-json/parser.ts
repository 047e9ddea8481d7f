/**
 * Snort 3 alert_json: one JSON object per line. `seconds` (epoch, UTC) is preferred over the
 * year-less local `timestamp`, whose microseconds are still used when they belong to the same
 * second. `b64_data` (the packet, can be kilobytes) is not kept: its first 1024 bytes become a
 * printable excerpt.
 */
import { fractionToMs, toIso } from '../../../event/time.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';
import {
  actionFromSnort, addressAt, clip, DETAIL_MAX, endpoint, excerpt, fail, guard, hasPorts, normTransport, parseObject,
  signatureEvent, snortTimeToIso, splitHostPort, type JsonObject as Obj,
} from '../common/index.js';

const RULE = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$/;
const TS_FRACTION = /:(\d{2})\.(\d{1,9})$/;

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** Printable excerpt of base64 packet data: bytes 0x20-0x7e kept, others shown as '.'. */
export function printableFromB64(b64: string, maxBytes = DETAIL_MAX): string {
  const chars = Math.ceil(maxBytes / 3) * 4;
  const head = b64.slice(0, chars).replace(/[^A-Za-z0-9+/=]/g, '');
  const bytes = Buffer.from(head, 'base64').subarray(0, maxBytes);
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
  return out;
}

function timeOf(o: Obj, ctx: ParseContext): string | null | 'missing' {
  const ts = typeof o.timestamp === 'string' ? o.timestamp : undefined;
  if (o.seconds !== undefined) {
    const s = o.seconds;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1e11) return null;
    let ms = Math.floor(s) * 1000;
    const frac = ts ? TS_FRACTION.exec(ts) : null;
    if (frac && Number(frac[1]) === Math.floor(s) % 60) ms += fractionToMs(frac[2]);
    return toIso(ms);
  }
  if (ts === undefined) return 'missing';
  return snortTimeToIso(ts, ctx.now, ctx.timezone);
}

/** An address and port from `*_addr`/`*_port`, else from the `*_ap` text (`addr:port`). */
function addressOf(o: Obj, addrKey: string, portKey: string, apKey: string, withPorts: boolean) {
  if (typeof o[addrKey] === 'string') return addressAt(o, addrKey, portKey, withPorts);
  const ap = o[apKey];
  if (typeof ap === 'string') {
    const r = splitHostPort(ap, withPorts);
    return r.ok ? r : { ...r, message: `${apKey}: ${r.message}` };
  }
  return { ok: false as const, code: 'PARSE_MISSING_FIELD' as const, message: `${addrKey} is missing` };
}

function parseJson(record: string, ctx: ParseContext): ParseResult {
  const text = record.trim();
  if (text.length === 0) return fail('PARSE_EMPTY', 'empty record');
  if (text[0] !== '{') return fail('PARSE_NOT_JSON', `not a JSON object: ${excerpt(text)}`);
  const p = parseObject(text);
  if (!p.ok) return p.result;
  const o = p.value;

  const time = timeOf(o, ctx);
  if (time === 'missing') return fail('PARSE_MISSING_FIELD', 'neither seconds nor timestamp');
  if (time === null) return fail('PARSE_BAD_TIME', `bad time: ${excerpt(o.seconds ?? o.timestamp)}`);

  let gid = int(o.gid), sid = int(o.sid), rev = int(o.rev);
  if (typeof o.rule === 'string') {
    const m = RULE.exec(o.rule);
    if (!m) return fail('PARSE_BAD_VALUE', `bad rule: ${excerpt(o.rule)}`);
    gid ??= Number(m[1]); sid ??= Number(m[2]); rev ??= Number(m[3]);
  }
  const msg = typeof o.msg === 'string' ? o.msg : '';
  if (msg === '' && sid === undefined) return fail('PARSE_MISSING_FIELD', 'neither msg nor sid/rule');

  const proto = typeof o.proto === 'string' ? o.proto : '';
  if (proto !== '' && !NAME.test(proto)) return fail('PARSE_BAD_VALUE', `bad proto: ${excerpt(proto)}`);
  const withPorts = proto === '' || hasPorts(proto);
  const src = addressOf(o, 'src_addr', 'src_port', 'src_ap', withPorts);
  if (!src.ok) return fail(src.code, src.message);
  const dst = addressOf(o, 'dst_addr', 'dst_port', 'dst_ap', withPorts);
  if (!dst.ok) return fail(dst.code, dst.message);

  const cls = typeof o.class === 'string' && o.class !== 'none' && o.class !== '' ? o.class : undefined;
  let priority: number | undefined;
  if (o.priority !== undefined) {
    priority = int(o.priority);
    if (priority === undefined) return fail('PARSE_BAD_VALUE', `bad priority: ${excerpt(o.priority)}`);
  }

  const ev = signatureEvent({
    time, product: 'snort', msg, gid, sid, rev, classtype: cls, priority, action: actionFromSnort(o.action),
    source: endpoint(src.ip, src.port), destination: endpoint(dst.ip, dst.port),
  }, ctx);
  if (proto !== '') ev.transport = normTransport(proto);
  if (typeof o.service === 'string' && o.service !== 'unknown' && NAME.test(o.service)) ev.service = o.service.toLowerCase();

  const details: Record<string, string | number> = { ...ev.details };
  if (typeof o.dir === 'string' && o.dir.length > 0) details.direction = clip(o.dir, 20);
  if (typeof o.iface === 'string' && o.iface.length > 0) details.iface = clip(o.iface, 200);
  if (typeof o.b64_data === 'string' && o.b64_data.length > 0) details.payload_printable = printableFromB64(o.b64_data);
  if (Object.keys(details).length > 0) ev.details = details;
  return { kind: 'events', events: [ev] };
}

export const snort3Json: Parser = {
  name: 'snort3-json',
  description: 'Snort 3 alert_json lines (seconds preferred over the year-less timestamp)',
  framing: 'line',
  parse: (record, ctx) => guard(() => parseJson(record, ctx)),
};
