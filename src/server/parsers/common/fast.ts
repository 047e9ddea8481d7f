/**
 * The alert_fast line shared by Snort 2, Snort 3 and Suricata's fast.log:
 *
 *   TIME [Action] [**] [gid:sid:rev] msg [**] [Classification: c] [Priority: n] [AppID: a] {PROTO} src -> dst
 *
 * TIME is `MM/DD-HH:MM:SS.us` (Snort, no year), `MM/DD/YY-...` (Snort -y) or `MM/DD/YYYY-...`
 * (Suricata). `[Action]` (`[Drop]`, `[wDrop]`) appears in IPS mode. msg is bare (Snort 2,
 * Suricata) or in double quotes (Snort 3). Classification, Priority and AppID are each optional.
 * The line is cut with indexOf rather than one big regex so that a hostile 1 MB line costs
 * linear time.
 */
import type { IngestEvent } from '../../../event/schema.js';
import type { ParseContext, ParseResult } from '../types.js';
import { endpoint, hasPorts, normTransport, splitHostPort } from './endpoint.js';
import { bracketField as field, signatureEvent } from './signature.js';
import { snortTimeToIso } from './snorttime.js';
import { actionFromSnort } from './snortaction.js';
import { clip, excerpt, fail } from './text.js';

/** Longest alert_fast line read: 128 KiB (a real line is under 1 KiB; msg is bounded by the rule). */
export const FAST_MAX_LINE = 128 * 1024;

const GSR = /^\[(\d{1,10}):(\d{1,10}):(\d{1,10})\]/;
const PROTO_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,19}$/;
const SERVICE_NAME = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

/**
 * One alert_fast line to a ParseResult. `product` goes to observer.product.
 */
export function parseFastLine(record: string, ctx: ParseContext, product: string): ParseResult {
  const line = record.trim();
  if (line.length === 0) return fail('PARSE_EMPTY', 'empty line');
  if (line.length > FAST_MAX_LINE) return fail('PARSE_TOO_LONG', `line longer than ${FAST_MAX_LINE} characters`);

  const sp = line.search(/\s/);
  if (sp < 0) return fail('PARSE_NO_MATCH', `not an alert_fast line: ${excerpt(line)}`);
  const timeText = line.slice(0, sp);
  let pos = sp;
  while (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9) pos++;

  let action: IngestEvent['action'] = 'alert';
  if (line.startsWith('[', pos) && !line.startsWith('[**]', pos)) {
    const close = line.indexOf(']', pos);
    if (close < 0 || close - pos > 20) return fail('PARSE_NO_MATCH', `not an alert_fast line: ${excerpt(line)}`);
    // The IPS verdict (`[Drop]`, `[wDrop]`): the same words as Snort 3's action field.
    action = actionFromSnort(line.slice(pos + 1, close));
    pos = close + 1;
    while (line.charCodeAt(pos) === 32) pos++;
  }
  if (!line.startsWith('[**]', pos)) return fail('PARSE_NO_MATCH', `no "[**]" after the timestamp: ${excerpt(line)}`);
  pos += 4;
  while (line.charCodeAt(pos) === 32) pos++;
  const gsr = GSR.exec(line.slice(pos, pos + 40));
  if (!gsr) return fail('PARSE_NO_MATCH', `no [gid:sid:rev]: ${excerpt(line.slice(pos))}`);
  pos += gsr[0].length;
  while (line.charCodeAt(pos) === 32) pos++;
  // Snort 3 quotes msg, so a quoted msg ends at `" [**]` even if it contains "[**]" itself.
  const quoted = line.charCodeAt(pos) === 34;
  const closeQuote = quoted ? line.indexOf('" [**]', pos + 1) : -1;
  const msgEnd = closeQuote >= 0 ? closeQuote + 2 : line.indexOf('[**]', pos);
  if (msgEnd < 0) return fail('PARSE_NO_MATCH', `message is not closed by "[**]": ${excerpt(line.slice(pos))}`);
  let msg = line.slice(pos, msgEnd).trim();
  if (msg.length >= 2 && msg.startsWith('"') && msg.endsWith('"')) msg = msg.slice(1, -1);
  pos = msgEnd + 4;

  const open = line.lastIndexOf('{');
  const closeBrace = open < 0 ? -1 : line.indexOf('}', open);
  if (open < pos || closeBrace < 0) return fail('PARSE_NO_MATCH', `no {PROTO} block: ${excerpt(line.slice(pos))}`);
  const middle = line.slice(pos, open);
  const proto = line.slice(open + 1, closeBrace).trim();
  if (!PROTO_NAME.test(proto)) return fail('PARSE_BAD_VALUE', `bad protocol: ${excerpt(proto)}`);
  const addrs = line.slice(closeBrace + 1).trim().split(/\s+->\s+/);
  if (addrs.length !== 2 || addrs[0].length === 0 || addrs[1].length === 0 || /\s/.test(addrs[0]) || /\s/.test(addrs[1])) {
    return fail('PARSE_NO_MATCH', `no "src -> dst": ${excerpt(line.slice(closeBrace + 1))}`);
  }

  const time = snortTimeToIso(timeText, ctx.now, ctx.timezone);
  if (time === null) return fail('PARSE_BAD_TIME', `bad timestamp: ${excerpt(timeText)}`);

  const withPorts = hasPorts(proto);
  const src = splitHostPort(addrs[0], withPorts);
  if (!src.ok) return fail(src.code, `source: ${src.message}`);
  const dst = splitHostPort(addrs[1], withPorts);
  if (!dst.ok) return fail(dst.code, `destination: ${dst.message}`);

  const classification = field(middle, '[Classification:');
  const priorityText = field(middle, '[Priority:');
  const appId = field(middle, '[AppID:');
  let priority: number | undefined;
  if (priorityText !== undefined) {
    if (!/^\d{1,3}$/.test(priorityText)) return fail('PARSE_BAD_VALUE', `bad priority: ${excerpt(priorityText)}`);
    priority = Number(priorityText);
  }
  const classtype = classification === undefined || classification === '(null)' || classification === '' ? undefined : classification;

  const ev = signatureEvent({
    time, product, msg, gid: Number(gsr[1]), sid: Number(gsr[2]), rev: Number(gsr[3]), classtype, priority, action,
    source: endpoint(src.ip, src.port), destination: endpoint(dst.ip, dst.port),
  }, ctx);
  ev.transport = normTransport(proto);
  if (appId !== undefined && appId.length > 0) {
    ev.details = { ...ev.details, appid: clip(appId, 100) };
    const svc = appId.toLowerCase();
    // AppID names the application; ICMP is a transport, not a service.
    if (SERVICE_NAME.test(svc) && !svc.startsWith('icmp') && svc !== ev.transport) ev.service = svc;
  }
  return { kind: 'events', events: [ev] };
}
