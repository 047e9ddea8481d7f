/**
 * The syslog envelope shared by line-oriented parsers (sshd, iptables, fail2ban via syslog, CEF
 * over syslog). It recognises and strips the header only; what follows is the format's business.
 *
 * Recognised headers, each with an optional `<PRI>`:
 * - RFC 3164: `Mar  1 12:00:00[.frac] host app[pid]: message` (no year, no zone; the year is
 *   inferred from ctx.now with the December/January roll-over, the zone is ctx.timezone). A
 *   local log without host (`Mar  1 12:00:00 sshd[1]: ...`) is accepted: a first token ending
 *   in `:` is the tag.
 * - RFC 3164 with an RFC 3339 time instead (rsyslog's high-precision template):
 *   `2026-03-01T12:00:00.123+01:00 host app[pid]: message`.
 * - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...] MSG`, `-` for nil fields, the
 *   structured data skipped (escaped `\]` and quoted values honoured), a UTF-8 BOM dropped.
 */
import { fractionToMs, parseIsoLike } from '../../../event/time.js';
import { monthNumber, wallTimeToEpoch } from '../common/time.js';
import type { ParseContext, ParseResult } from '../types.js';
import { toIso } from '../../../event/time.js';
import { fail } from '../common/text.js';

export interface SyslogParts {
  /** Epoch milliseconds of the header time; absent for an RFC 5424 nil (`-`) timestamp. */
  time?: number;
  host?: string;
  app?: string;
  pid?: string;
  /** The text after the header (and after the tag, when one was found). */
  message: string;
}

const PRI = String.raw`(?:<(\d{1,3})>)?`;
const RFC3164 = new RegExp(String.raw`^${PRI}([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? +(.*)$`, 's');
const RFC3339_HEAD = new RegExp(String.raw`^${PRI}(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})) +(.*)$`, 'is');
const RFC5424 = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/s;
/** `app[pid]:` or `app:`; a tag is short and has no spaces (RFC 3164 says at most 32 chars). */
const TAG = /^([^\s\[\]:]{1,64})(?:\[([^\]\s]{0,32})\])?:(?: |$)/;

/**
 * Strips a syslog header from `line`. Returns the header parts and the message, or null when
 * the line starts with no header this module knows. Times are epoch milliseconds; `ctx.now`
 * is used only for the year of RFC 3164 headers and `ctx.timezone` (IANA, default "UTC") only
 * for headers without a zone.
 */
export function stripSyslog(line: string, ctx: Pick<ParseContext, 'now' | 'timezone'>): SyslogParts | null {
  if (typeof line !== 'string') return null;
  if (line.startsWith('<')) {
    const m5 = RFC5424.exec(line);
    if (m5 && Number(m5[1]) <= 191 && m5[2] !== '0') return from5424(m5);
  }
  const m3 = RFC3164.exec(line);
  if (m3) return from3164(m3, ctx);
  const mi = RFC3339_HEAD.exec(line);
  if (mi) {
    const time = parseIsoLike(mi[2], ctx.timezone || 'UTC');
    if (time === null) return null;
    return { time, ...hostAndTag(mi[3]) };
  }
  return null;
}

/**
 * The event time (ISO-8601 UTC) of a stripped header, or the error result for a header without
 * one (RFC 5424 nil `-`) or with one outside the years 0000-9999.
 */
export function headerTime(head: Pick<SyslogParts, 'time'>): { ok: true; time: string } | { ok: false; result: ParseResult } {
  if (head.time === undefined) return { ok: false, result: fail('PARSE_BAD_TIME', 'the syslog header has no time') };
  const time = toIso(head.time);
  if (!time) return { ok: false, result: fail('PARSE_BAD_TIME', 'the syslog time is out of range') };
  return { ok: true, time };
}

function from3164(m: RegExpExecArray, ctx: Pick<ParseContext, 'now' | 'timezone'>): SyslogParts | null {
  const month = monthNumber(m[2]);
  if (!month) return null;
  const time = wallTimeToEpoch({
    month, day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), ms: fractionToMs(m[7]),
  }, ctx.now, ctx.timezone || 'UTC');
  if (time === null) return null;
  return { time, ...hostAndTag(m[8]) };
}

function hostAndTag(rest: string): Omit<SyslogParts, 'time'> {
  // No host: a local log whose first token is already the tag.
  const first = TAG.exec(rest);
  if (first) return { ...tagParts(first), message: rest.slice(first[0].length) };
  const sp = rest.indexOf(' ');
  if (sp <= 0) return { message: rest };
  const host = rest.slice(0, sp);
  const after = rest.slice(sp + 1);
  const tag = TAG.exec(after);
  if (!tag) return { host, message: after };
  return { host, ...tagParts(tag), message: after.slice(tag[0].length) };
}

function tagParts(tag: RegExpExecArray): { app: string; pid?: string } {
  return tag[2] ? { app: tag[1], pid: tag[2] } : { app: tag[1] };
}

function from5424(m: RegExpExecArray): SyslogParts | null {
  const nil = (s: string) => (s === '-' ? undefined : s);
  let time: number | undefined;
  if (m[3] !== '-') {
    const t = parseIsoLike(m[3]);
    // RFC 5424 requires a zone; a time without one is not this format.
    if (t === null || !/(Z|[+-]\d{2}:?\d{2})$/i.test(m[3])) return null;
    time = t;
  }
  // m[7] is MSGID (unused); m[8] is the structured data followed by the message.
  const sdAndMsg = m[8];
  const msgStart = skipStructuredData(sdAndMsg);
  if (msgStart < 0) return null;
  let message = sdAndMsg.slice(msgStart);
  if (message.startsWith(' ')) message = message.slice(1);
  if (message.startsWith('\uFEFF')) message = message.slice(1);
  const out: SyslogParts = { message };
  if (time !== undefined) out.time = time;
  const host = nil(m[4]), app = nil(m[5]), pid = nil(m[6]);
  if (host) out.host = host;
  if (app) out.app = app;
  if (pid) out.pid = pid;
  return out;
}

/** Index just after the structured data (`-` or `[..][..]`), or -1 when it is malformed. */
function skipStructuredData(s: string): number {
  if (s.startsWith('-')) return s.length === 1 || s[1] === ' ' ? 1 : -1;
  let i = 0;
  if (s[0] !== '[') return -1;
  while (s[i] === '[') {
    let inQuote = false;
    i++;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') { i++; continue; }
      if (c === '"') inQuote = !inQuote;
      else if (c === ']' && !inQuote) break;
    }
    if (i >= s.length) return -1;
    i++;
  }
  return i;
}
