/**
 * Linux netfilter LOG / NFLOG lines as the kernel writes them to syslog (iptables, nftables
 * `log`, UFW): `Mon dd HH:MM:SS host kernel: [uptime] PREFIX IN=.. OUT=.. SRC=.. DST=.. ...`.
 * The action comes only from the admin-chosen prefix, through a prefix map. See README.md.
 */
import type { Action, Category, IngestEvent } from '../../../event/schema.js';
import { ACTIONS } from '../../../event/schema.js';
import {
  clip, excerpt, fail, guard, ip as canonical, monthNumber, normTransport, observer, offsetMs, own, parsePort,
  skip, wallTimeToEpoch,
} from '../common/index.js';
import { headerTime, stripSyslog } from '../syslog/strip.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** Prefix words → action (matched as whole words, case-insensitive; first word found wins). */
export const DEFAULT_PREFIX_ACTIONS: Readonly<Record<string, Action>> = {
  BLOCK: 'blocked', BLOCKED: 'blocked', DROP: 'blocked', DROPPED: 'blocked', REJECT: 'blocked',
  REJECTED: 'blocked', DENY: 'blocked', DENIED: 'blocked',
  ACCEPT: 'allowed', ACCEPTED: 'allowed', ALLOW: 'allowed', ALLOWED: 'allowed', PASS: 'allowed',
  AUDIT: 'alert',
};

/**
 * `IN=` is the first field of a LOG line (usually followed by `OUT=`); a prefix may be glued to
 * it (`[wan-lan-default-D]IN=eth0`), so only a letter or digit right before it disqualifies it
 * (`PHYSIN=` of bridges comes later anyway).
 */
const IN_FIELD = /(^|[^A-Za-z0-9_])IN=\S*(?:\s|$)/;
const UPTIME = /^\[\s*\d+\.\d+\]\s*/;
const TOKEN = /^([A-Z0-9_]+)=(.*)$/;

/** Bare flag words netfilter prints (TCP flags and IP flags). */
const FLAG_WORDS = new Set(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN', 'DF', 'MF', 'CE']);

function isAction(v: unknown): v is Action {
  return (ACTIONS as readonly unknown[]).includes(v);
}

function actionFor(prefix: string, custom: Record<string, Action> | undefined): Action | undefined {
  const upper = prefix.toUpperCase();
  if (custom) {
    // Admin-defined keys are matched as substrings, longest first: "wan-lan-default-D" etc.
    const keys = Object.keys(custom).sort((a, b) => b.length - a.length);
    for (const k of keys) if (k.length > 0 && upper.includes(k.toUpperCase()) && isAction(custom[k])) return custom[k];
  }
  for (const word of upper.split(/[^A-Z0-9]+/)) {
    const a = word ? own(DEFAULT_PREFIX_ACTIONS, word) : undefined;
    if (a) return a;
  }
  return undefined;
}

/**
 * Proxmox pve-firewall's own log line: `vmid level CHAIN dd/Mon/yyyy:HH:MM:SS +zzzz PREFIX IN=...`
 * (/var/log/pve-firewall.log), with a full date and offset.
 */
const PROXMOX = /^(\d{1,10}) (\d) (\S{1,64}) (\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (.*)$/s;

interface Head { time?: number; host?: string; message: string; chain?: string; vmid?: string }

function proxmoxHead(record: string): Head | null {
  const m = PROXMOX.exec(record);
  if (!m) return null;
  const month = monthNumber(m[5]);
  const offset = offsetMs(m[10]);
  const time = month === undefined || offset === null ? null : wallTimeToEpoch({
    year: Number(m[6]), month, day: Number(m[4]), hour: Number(m[7]), minute: Number(m[8]), second: Number(m[9]), offset,
  }, new Date(0), 'UTC'); // the year is printed: no inference, so no clock
  return { ...(time === null ? {} : { time }), message: m[11], chain: m[3], vmid: m[1] };
}

function parse(record: string, ctx: ParseContext): ParseResult {
  const head: Head | null = stripSyslog(record, ctx) ?? proxmoxHead(record);
  if (!head) return fail('PARSE_NO_MATCH', 'no syslog header (expected "Mon dd HH:MM:SS host kernel: ... IN=... OUT=..." or a pve-firewall line)');
  let msg = head.message.replace(UPTIME, '');
  const at = IN_FIELD.exec(msg);
  if (!at) return skip('not a netfilter LOG line (no IN=...)');
  const ht = headerTime(head);
  if (!ht.ok) return ht.result;
  const time = ht.time;
  const inAt = at.index + at[1].length;
  const prefix = msg.slice(0, inAt).trim();
  msg = msg.slice(inAt);

  const kv = new Map<string, string>();
  const flags: string[] = [];
  for (const tok of msg.split(/\s+/)) {
    if (!tok) continue;
    // An ICMP error quotes the offending packet in brackets: its SRC, PROTO, SPT, DPT and flags
    // describe that inner packet, not the one logged.
    if (tok.startsWith('[')) break;
    const m = TOKEN.exec(tok);
    // LEN= appears twice for UDP (IP length, then UDP length): keep the first.
    if (m) { if (!kv.has(m[1])) kv.set(m[1], m[2]); }
    else if (FLAG_WORDS.has(tok)) flags.push(tok);
  }
  const srcText = kv.get('SRC');
  const dstText = kv.get('DST');
  if (!srcText) return fail('PARSE_MISSING_FIELD', 'SRC= is missing');
  if (!dstText) return fail('PARSE_MISSING_FIELD', 'DST= is missing');
  const src = canonical(srcText);
  if (!src) return fail('PARSE_BAD_IP', `SRC is not an IP address: ${excerpt(srcText)}`);
  const dst = canonical(dstText);
  if (!dst) return fail('PARSE_BAD_IP', `DST is not an IP address: ${excerpt(dstText)}`);

  const protoText = kv.get('PROTO') ?? '';
  const transport = protoText ? normTransport(protoText) : undefined;
  const source: IngestEvent['source'] = { ip: src };
  const destination: IngestEvent['destination'] = { ip: dst };
  for (const [key, ep] of [['SPT', source], ['DPT', destination]] as const) {
    const v = kv.get(key);
    if (v === undefined) continue;
    const p = parsePort(v);
    if (p === null) return fail('PARSE_BAD_PORT', `${key} is not a port: ${excerpt(v)}`);
    ep.port = p;
  }

  const custom = ctx.options?.prefixes as Record<string, Action> | undefined;
  const defaultAction = isAction(ctx.options?.defaultAction) ? ctx.options.defaultAction : 'alert';
  const action = actionFor(prefix, custom) ?? defaultAction;
  const icmpType = kv.get('TYPE');
  const category = categoryOf(action, transport, flags, icmpType);

  const cleaned = prefix.replace(/^[\[\s:]+|[\]\s:]+$/g, '');
  const ruleName = head.chain ? `${head.chain} ${cleaned}`.trim() : cleaned || 'netfilter LOG';
  const event: IngestEvent = {
    time,
    observer: observer(head.host, 'netfilter', ctx),
    category,
    severity: 'low',
    action,
    rule: { id: clip(ruleName, 100), name: clip(ruleName) },
    source,
    destination,
  };
  if (transport) event.transport = transport;
  const details: Record<string, string | number> = {};
  if (head.vmid !== undefined) details.vmid = head.vmid;
  const inIf = kv.get('IN'), outIf = kv.get('OUT');
  if (inIf) details.in = clip(inIf, 64);
  if (outIf) details.out = clip(outIf, 64);
  if (flags.length) details.flags = flags.join(' ');
  if (icmpType !== undefined) details.icmpType = clip(icmpType, 8);
  const code = kv.get('CODE');
  if (code !== undefined) details.icmpCode = clip(code, 8);
  if (Object.keys(details).length) event.details = details;
  return { kind: 'events', events: [event] };
}

/**
 * Purpose of a logged packet: a bare SYN or a UDP datagram refused by the firewall is a probe
 * of a closed port (scan); an ICMP echo request is host discovery (recon); anything else a
 * rule logged (ACK/RST strays, accepted traffic) is policy.
 */
function categoryOf(action: Action, transport: string | undefined, flags: string[], icmpType: string | undefined): Category {
  if (action === 'allowed') return 'policy';
  if (transport === 'tcp') return flags.includes('SYN') && !flags.includes('ACK') ? 'scan' : 'policy';
  if (transport === 'udp') return 'scan';
  if ((transport === 'icmp' && icmpType === '8') || (transport === 'ipv6-icmp' && icmpType === '128')) return 'recon';
  return 'policy';
}

export const iptablesParser: Parser = {
  name: 'iptables',
  description: 'Linux netfilter LOG lines (iptables, nftables log, UFW) from kernel syslog; action from the log prefix',
  framing: 'line',
  checkOptions(options) {
    const p = options.prefixes;
    if (p !== undefined) {
      if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'options.prefixes must be a map of prefix text to blocked|allowed|alert';
      for (const [k, v] of Object.entries(p)) {
        if (!isAction(v)) return `options.prefixes.${k} must be one of ${ACTIONS.join(', ')}`;
      }
    }
    const d = options.defaultAction;
    if (d !== undefined && !isAction(d)) return `options.defaultAction must be one of ${ACTIONS.join(', ')}`;
    return null;
  },
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
