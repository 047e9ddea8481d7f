/**
 * Snort 2.9 alert_full: one multi-line record per alert, records separated by a blank line
 * (framing `blank-line`):
 *
 *   [**] [1:2003:8] msg [**]
 *   [Classification: Misc Attack] [Priority: 2]
 *   12/30-23:59:58.998877 192.0.2.200:1434 -> 10.0.0.9:1434
 *   UDP TTL:116 TOS:0x0 ID:12345 IpLen:20 DgmLen:404
 *   Len: 376
 *   [Xref => http://cve.mitre.org/cgi-bin/cvename.cgi?name=2002-0649]
 *
 * With `snort -e` the timestamp line carries MAC addresses and the IP addresses move to the
 * header line (`src -> dst PROTO TTL:...`).
 */
import type { ParseContext, ParseResult, Parser } from '../types.js';
import {
  bracketField as field, clip, DETAIL_MAX, endpoint, excerpt, fail, guard, hasPorts, normTransport, signatureEvent,
  snortTimeToIso, splitHostPort,
} from '../common/index.js';

/** Longest record read: 256 KiB (a real record is a few hundred bytes). */
export const FULL_MAX_RECORD = 256 * 1024;
/** Most lines of a record looked at; the decode lines after the header are few. */
const MAX_LINES = 64;

const HEAD = /^\[\*\*\]\s*\[(\d{1,10}):(\d{1,10}):(\d{1,10})\]\s*/;
const ADDRS = /^(\S+)\s+->\s+(\S+)(?:\s+(.*))?$/;
const PROTO_WORD = /^[A-Za-z][A-Za-z0-9-]{0,19}$/;
const CVE_XREF = /cvename\.cgi\?name=(?:CVE-)?(\d{4}-\d{4,7})/i;

function parseFull(record: string, ctx: ParseContext): ParseResult {
  const text = record.trim();
  if (text.length === 0) return fail('PARSE_EMPTY', 'empty record');
  if (text.length > FULL_MAX_RECORD) return fail('PARSE_TOO_LONG', `record longer than ${FULL_MAX_RECORD} characters`);
  const lines = text.split('\n', MAX_LINES).map((l) => l.replace(/\r$/, ''));

  const head = HEAD.exec(lines[0]);
  if (!head) return fail('PARSE_NO_MATCH', `first line is not "[**] [gid:sid:rev] msg [**]": ${excerpt(lines[0])}`);
  let msg = lines[0].slice(head[0].length);
  const close = msg.lastIndexOf('[**]');
  if (close < 0) return fail('PARSE_NO_MATCH', `message is not closed by "[**]": ${excerpt(msg)}`);
  msg = msg.slice(0, close).trim();

  let i = 1;
  let classtype: string | undefined;
  let priority: number | undefined;
  if (i < lines.length && lines[i].trimStart().startsWith('[')) {
    const c = field(lines[i], '[Classification:');
    if (c && c !== '(null)') classtype = c;
    const p = field(lines[i], '[Priority:');
    if (p !== undefined) {
      if (!/^\d{1,3}$/.test(p)) return fail('PARSE_BAD_VALUE', `bad priority: ${excerpt(p)}`);
      priority = Number(p);
    }
    i++;
  }
  if (i >= lines.length) return fail('PARSE_MISSING_FIELD', 'no timestamp line');
  const tsLine = lines[i].trim();
  const sp = tsLine.search(/\s/);
  const timeText = sp < 0 ? tsLine : tsLine.slice(0, sp);
  const time = snortTimeToIso(timeText, ctx.now, ctx.timezone);
  if (time === null) return fail('PARSE_BAD_TIME', `bad timestamp: ${excerpt(timeText)}`);
  i++;

  // Either "src -> dst" follows the timestamp, or (snort -e) MACs do and the next line has the IPs.
  let addrs = ADDRS.exec(sp < 0 ? '' : tsLine.slice(sp + 1).trim());
  let headerRest: string | undefined;
  if (addrs && /type:0x/i.test(addrs[3] ?? '')) {
    addrs = i < lines.length ? ADDRS.exec(lines[i].trim()) : null;
    if (addrs) {
      headerRest = addrs[3];
      i++;
    }
  }
  if (!addrs) return fail('PARSE_NO_MATCH', `no "src -> dst" after the timestamp: ${excerpt(tsLine)}`);

  // The IP header line: "UDP TTL:116 ..." (or the rest of the -e address line).
  let proto: string | undefined;
  const headerLine = headerRest ?? (i < lines.length ? lines[i].trim() : '');
  const ttl = headerLine.indexOf(' TTL:');
  if (ttl > 0) {
    const word = headerLine.slice(0, ttl).trim();
    if (PROTO_WORD.test(word)) proto = word;
  }
  const withPorts = proto ? hasPorts(proto) : !addrs[1].includes('::') && (addrs[1].split(':').length === 2 || addrs[1].startsWith('['));
  const src = splitHostPort(addrs[1], withPorts);
  if (!src.ok) return fail(src.code, `source: ${src.message}`);
  const dst = splitHostPort(addrs[2], withPorts);
  if (!dst.ok) return fail(dst.code, `destination: ${dst.message}`);

  const ev = signatureEvent({
    time, product: 'snort', msg, gid: Number(head[1]), sid: Number(head[2]), rev: Number(head[3]), classtype, priority,
    action: 'alert', source: endpoint(src.ip, src.port), destination: endpoint(dst.ip, dst.port),
  }, ctx);
  if (proto) ev.transport = normTransport(proto);
  const details: Record<string, string | number> = { ...ev.details };
  const xrefs: string[] = [];
  const cves: string[] = [];
  for (const l of lines) {
    let from = 0;
    for (;;) {
      const x = l.indexOf('[Xref =>', from);
      if (x < 0) break;
      const end = l.indexOf(']', x);
      if (end < 0) break;
      const ref = l.slice(x + 8, end).trim();
      xrefs.push(ref);
      const cve = CVE_XREF.exec(ref);
      if (cve) cves.push(`CVE-${cve[1]}`);
      from = end + 1;
    }
  }
  if (cves.length > 0) details.cve = clip(cves.join(','), 200);
  if (xrefs.length > 0) details.xref = clip(xrefs.join(' '), DETAIL_MAX);
  if (Object.keys(details).length > 0) ev.details = details;
  return { kind: 'events', events: [ev] };
}

export const snortFull: Parser = {
  name: 'snort-full',
  description: 'Snort 2.9 alert_full multi-line records separated by blank lines',
  framing: 'blank-line',
  parse: (record, ctx) => guard(() => parseFull(record, ctx)),
};
