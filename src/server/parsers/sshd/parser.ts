/**
 * OpenSSH server lines from auth.log / secure / a syslog stream (RFC 3164 or RFC 5424 header).
 * Each attack line layout is one row of LINES below; anything else from sshd is skipped with a
 * reason. See README.md for the table and sources.
 */
import type { Category, IngestEvent, Severity } from '../../../event/schema.js';
import { checkBoolean, clip, excerpt, fail, guard, ip as canonical, observer, parsePort, skip, unspecifiedFor } from '../common/index.js';
import { headerTime, stripSyslog } from '../syslog/strip.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** What one recognised line says; `ip` is the raw address text, checked later. */
interface Hit {
  id: string;
  name: string;
  category: Category;
  severity: Severity;
  ip: string;
  port?: string;
  count?: number;
  action?: 'allowed';
  details?: Record<string, string | undefined>;
}

type Row = { re: RegExp; hit: (m: RegExpExecArray, ctx: ParseContext) => Hit | string };

const ADDR = String.raw`([0-9A-Fa-f:.%\w-]+)`;
/**
 * `: RSA SHA256:...` after a publickey attempt. Only a key type and one token: a looser tail
 * would let a username like `x from 192.0.2.1 port 1 ssh2: y` move the source address.
 */
const KEY_SUFFIX = String.raw`(?:: [A-Z][A-Z0-9-]* \S+)?`;

/**
 * Authentication methods sshd knows (RFC 4252 and OpenSSH's), optionally with a submethod
 * (`keyboard-interactive/pam`). sshd logs the method name the client sent even when it knows
 * no such method, so any other word is the attacker's text and stays out of the rule name.
 */
const METHOD = /^(password|publickey|keyboard-interactive|hostbased|none|gssapi-with-mic|gssapi-keyex)(\/[a-z0-9_-]{1,20})?$/;

/** The method word for a rule name: a known method as logged, anything else "unknown method". */
function method(word: string): string {
  return METHOD.test(word) ? word : 'unknown method';
}

/**
 * The recognised layouts, tried in order. A row returns a Hit, or a string: the reason to skip.
 * Usernames are attacker-chosen (spaces, empty): the lazy `(.*?)` before ` from ADDR port N`
 * anchored at the end keeps them whole.
 */
const LINES: Row[] = [
  {
    re: new RegExp(String.raw`^Failed (\S+) for (invalid user )?(.*?) from ${ADDR} port (\d+)(?: ssh\d?)?${KEY_SUFFIX}$`, 's'),
    hit: (m) => ({
      id: m[2] ? 'sshd.failed-invalid-user' : 'sshd.failed-auth', name: m[2] ? `sshd: failed ${method(m[1])} for invalid user` : `sshd: failed ${method(m[1])}`,
      category: 'bruteforce', severity: 'medium', ip: m[4], port: m[5], details: { username: m[3], method: m[1] },
    }),
  },
  {
    re: new RegExp(String.raw`^error: maximum authentication attempts exceeded for (invalid user )?(.*?) from ${ADDR} port (\d+)(?: ssh\d?)? \[preauth\]$`, 's'),
    hit: (m) => ({
      id: 'sshd.max-auth-tries', name: 'sshd: maximum authentication attempts exceeded',
      category: 'bruteforce', severity: 'medium', ip: m[3], port: m[4], details: { username: m[2] },
    }),
  },
  {
    re: new RegExp(String.raw`^Invalid user (.*?) from ${ADDR}(?: port (\d+))?\s*$`, 's'),
    hit: (m) => ({ id: 'sshd.invalid-user', name: 'sshd: invalid user', category: 'bruteforce', severity: 'low', ip: m[2], port: m[3], details: { username: m[1] } }),
  },
  {
    re: new RegExp(String.raw`^ROOT LOGIN REFUSED FROM ${ADDR}(?: port (\d+))?\s*$`, 's'),
    hit: (m) => ({ id: 'sshd.root-refused', name: 'sshd: root login refused', category: 'bruteforce', severity: 'medium', ip: m[1], port: m[2], details: { username: 'root' } }),
  },
  {
    re: new RegExp(String.raw`^User (.*?) from ${ADDR} not allowed because (.*)$`, 's'),
    hit: (m) => ({ id: 'sshd.user-not-allowed', name: 'sshd: user not allowed', category: 'bruteforce', severity: 'medium', ip: m[2], details: { username: m[1], reason: m[3] } }),
  },
  {
    re: new RegExp(String.raw`^(?:Connection (?:closed|reset) by|Disconnected from) (?:(invalid|authenticating) user (.*?) )?${ADDR} port (\d+)\s*\[preauth\]$`, 's'),
    hit: (m) => m[1]
      ? { id: 'sshd.preauth-user-closed', name: `sshd: ${m[1]} user disconnected before authentication`, category: 'bruteforce', severity: 'low', ip: m[3], port: m[4], details: { username: m[2] } }
      : { id: 'sshd.preauth-closed', name: 'sshd: disconnected before authentication', category: 'recon', severity: 'low', ip: m[3], port: m[4] },
  },
  {
    // Greedy user: the address sshd appends is the last one, whatever the username contains.
    re: new RegExp(String.raw`^Disconnecting (invalid|authenticating) user (.*) ${ADDR} port (\d+): ([^:]*?)\s*(?:\[preauth\])?$`, 's'),
    hit: (m) => ({ id: 'sshd.too-many-failures', name: `sshd: ${m[1]} user disconnected (${/too many/i.test(m[5]) ? 'too many authentication failures' : 'protocol error'})`, category: 'bruteforce', severity: /too many/i.test(m[5]) ? 'medium' : 'low', ip: m[3], port: m[4], details: { username: m[2], reason: m[5] } }),
  },
  {
    re: new RegExp(String.raw`^fatal: Timeout before authentication for ${ADDR}(?: port (\d+))?\s*$`, 's'),
    hit: (m) => ({ id: 'sshd.auth-timeout', name: 'sshd: timeout before authentication', category: 'scan', severity: 'low', ip: m[1], port: m[2] }),
  },
  {
    re: new RegExp(String.raw`^Bad protocol version identification '(.*)' from ${ADDR}(?: port (\d+))?\s*$`, 's'),
    hit: (m) => ({ id: 'sshd.bad-protocol', name: 'sshd: bad protocol identification (scanner)', category: 'scan', severity: 'low', ip: m[2], port: m[3], details: { banner: m[1] } }),
  },
  {
    re: new RegExp(String.raw`^(?:error: )?Received disconnect from ${ADDR}(?: port (\d+))?: ?(\d+): (.*?)\s*\[preauth\]$`, 's'),
    hit: (m) => ({ id: 'sshd.preauth-disconnect', name: 'sshd: disconnected before authentication', category: 'recon', severity: 'low', ip: m[1], port: m[2], details: { reason: m[4] } }),
  },
  {
    re: new RegExp(String.raw`^Unable to negotiate with ${ADDR} port (\d+): (.*?)\s*(?:\[preauth\])?$`, 's'),
    hit: (m) => ({ id: 'sshd.negotiation-failed', name: 'sshd: unable to negotiate (scanner)', category: 'scan', severity: 'low', ip: m[1], port: m[2], details: { reason: m[3] } }),
  },
  {
    re: new RegExp(String.raw`^banner exchange: Connection from ${ADDR} port (\d+): (.*)$`, 's'),
    hit: (m) => ({ id: 'sshd.bad-banner', name: 'sshd: invalid banner (scanner)', category: 'scan', severity: 'low', ip: m[1], port: m[2], details: { reason: m[3] } }),
  },
  {
    re: new RegExp(String.raw`^Did not receive identification string from ${ADDR}(?: port (\d+))?\s*$`, 's'),
    hit: (m) => ({ id: 'sshd.no-identification', name: 'sshd: no identification string (scanner)', category: 'scan', severity: 'low', ip: m[1], port: m[2] }),
  },
  {
    re: new RegExp(String.raw`^reverse mapping checking getaddrinfo for (\S+) \[${ADDR}\] failed.*$`, 's'),
    hit: (m) => ({ id: 'sshd.reverse-mapping', name: 'sshd: reverse mapping failed (possible break-in attempt)', category: 'recon', severity: 'low', ip: m[2], details: { hostname: m[1] } }),
  },
  {
    // pam_unix(sshd:auth) inside sshd, or the 2005-style `sshd(pam_unix)[pid]:` tag.
    re: /^(?:pam_unix\(sshd:auth\): |PAM (\d+) more )?authentication failures?; (.*)$/s,
    hit: (m) => pamFailure(m[2], m[1] ? Number(m[1]) : undefined),
  },
  {
    re: new RegExp(String.raw`^Accepted (\S+) for (.*?) from ${ADDR} port (\d+)(?: ssh\d?)?${KEY_SUFFIX}$`, 's'),
    hit: (m, ctx) => ctx.options?.accepted === true
      ? { id: 'sshd.accepted', name: `sshd: accepted ${method(m[1])}`, category: 'policy', severity: 'low', action: 'allowed', ip: m[3], port: m[4], details: { username: m[2], method: m[1] } }
      : 'successful login (set options.accepted to map it as policy/low)',
  },
];

/** `logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root` → rhost, user. */
function pamFailure(kv: string, more: number | undefined): Hit | string {
  const rhost = /(?:^|\s)rhost=(\S*)/.exec(kv)?.[1] ?? '';
  const user = /(?:^|\s)user=(.*?)\s*$/.exec(kv)?.[1];
  if (!rhost) return 'PAM failure without a remote host (local login)';
  const hit: Hit = { id: 'sshd.pam-auth-failure', name: 'sshd: PAM authentication failure', category: 'bruteforce', severity: 'medium', ip: rhost, details: { username: user } };
  if (more !== undefined && more >= 1) hit.count = more;
  return hit;
}

const SSHD_APP = /^sshd(?:-session|-auth)?(?:\(pam_unix\))?$/;
const REPEATED = /^message repeated (\d{1,9}) times: \[ ?(.*?) ?\]$/s;

function parse(record: string, ctx: ParseContext): ParseResult {
  const head = stripSyslog(record, ctx);
  if (!head) return fail('PARSE_NO_MATCH', 'no syslog header (expected "Mon dd HH:MM:SS host sshd[pid]: ..." or RFC 5424)');
  if (!head.app || !SSHD_APP.test(head.app)) return skip(`not an sshd line (app ${excerpt(head.app ?? '')})`);
  const ht = headerTime(head);
  if (!ht.ok) return ht.result;
  const time = ht.time;
  let message = head.message.trimEnd();
  let count = 1;
  const rep = REPEATED.exec(message);
  if (rep) {
    count = Math.max(1, Number(rep[1]));
    message = rep[2];
  }
  for (const row of LINES) {
    const m = row.re.exec(message);
    if (!m) continue;
    const hit = row.hit(m, ctx);
    if (typeof hit === 'string') return skip(hit);
    return toEvent(hit, time, count, head.host, ctx);
  }
  return skip('sshd line that is not an attack');
}

function toEvent(hit: Hit, time: string, repeated: number, host: string | undefined, ctx: ParseContext): ParseResult {
  const src = canonical(hit.ip);
  // A hostname (UseDNS yes, or PAM's reverse name) is never resolved: DNS here would be slow,
  // attacker-influenced and not what the sensor saw. It is dead-lettered so the user can see it.
  if (!src) return fail('PARSE_BAD_IP', `not an IP address (a hostname is never resolved; set UseDNS no): ${excerpt(hit.ip)}`);
  const source: IngestEvent['source'] = { ip: src };
  if (hit.port !== undefined) {
    const p = parsePort(hit.port);
    if (p === null) return fail('PARSE_BAD_PORT', `bad port: ${excerpt(hit.port)}`);
    source.port = p;
  }
  const event: IngestEvent = {
    time,
    observer: observer(host, 'openssh', ctx),
    category: hit.category,
    severity: hit.severity,
    action: hit.action ?? 'alert',
    rule: { id: hit.id, name: hit.name },
    transport: 'tcp',
    service: 'ssh',
    source,
    destination: { ip: unspecifiedFor(src) },
  };
  const count = repeated * (hit.count ?? 1);
  if (count > 1) event.count = Math.min(count, 1_000_000_000);
  const details: Record<string, string> = {};
  for (const [k, v] of Object.entries(hit.details ?? {})) if (v !== undefined) details[k] = clip(v);
  if (Object.keys(details).length > 0) event.details = details;
  return { kind: 'events', events: [event] };
}

export const sshdParser: Parser = {
  name: 'sshd',
  description: 'OpenSSH server log lines (auth.log, secure, syslog RFC 3164/5424): failed logins, invalid users, scanners',
  framing: 'line',
  checkOptions: (options) => checkBoolean(options, 'accepted'),
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
