/**
 * fail2ban.log: `YYYY-MM-DD HH:MM:SS,mmm fail2ban.actions [pid]: NOTICE [jail] Ban IP`, naive
 * local time, padded columns; also the same text behind a syslog header (journald/rsyslog).
 * A ban is a blocked attack; `Found` lines (single failures) are opt-in. See README.md.
 */
import type { Category, IngestEvent, Severity } from '../../../event/schema.js';
import { checkBoolean, clip, excerpt, fail, guard, ip as canonical, isoTime, observer, skip, unspecifiedFor } from '../common/index.js';
import { headerTime, stripSyslog } from '../syslog/strip.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** Native line: time, logger (fail2ban.actions / .filter), optional [pid], level, [jail], text. */
const NATIVE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:,\d{1,6})?)\s+(fail2ban\.[\w.]+)\s*(?:\[\d+\])?:\s+([A-Z]+)\s+\[([^\]\s]{1,100})\]\s+(.*)$/s;
/** After a syslog header: `fail2ban.actions [pid]: NOTICE [jail] ...` or just `NOTICE [jail] ...`. */
const WRAPPED = /^(?:(fail2ban\.[\w.]+)\s*(?:\[\d+\])?:\s+)?([A-Z]+)\s+\[([^\]\s]{1,100})\]\s+(.*)$/s;

/**
 * Jail-name words → service; the first row with a word of the jail name wins. Words, not
 * substrings: "wordpress" contains "rdp". Jail names follow the filter names of jail.conf.
 */
const JAIL_SERVICES: ReadonlyArray<readonly [string, ReadonlySet<string>]> = [
  ['ssh', new Set(['sshd', 'ssh', 'dropbear', 'openssh'])],
  ['smtp', new Set(['postfix', 'sendmail', 'exim', 'exim4', 'smtp', 'sasl', 'qmail'])],
  ['imap', new Set(['dovecot', 'courier', 'imap', 'pop3', 'cyrus', 'uwimap'])],
  ['ftp', new Set(['vsftpd', 'proftpd', 'pure', 'ftpd', 'wuftpd', 'ftp'])],
  ['sip', new Set(['asterisk', 'freeswitch', 'sip'])],
  ['mysql', new Set(['mysqld', 'mysql', 'mariadb'])],
  ['postgresql', new Set(['postgres', 'postgresql'])],
  ['mssql', new Set(['mssql'])],
  ['dns', new Set(['named', 'bind', 'bind9', 'dns'])],
  ['rdp', new Set(['xrdp', 'rdp'])],
  ['vnc', new Set(['vnc'])],
  ['openvpn', new Set(['openvpn'])],
  ['http', new Set(['nginx', 'apache', 'apache2', 'lighttpd', 'http', 'https', 'wordpress', 'wp', 'php', 'roundcube',
    'phpmyadmin', 'drupal', 'joomla', 'nextcloud', 'owncloud', 'gitlab', 'grafana', 'plesk', 'traefik', 'haproxy', 'webmin'])],
];

/** Jail-name words → category (default bruteforce: most jails count failed logins). */
const JAIL_CATEGORIES: ReadonlyArray<readonly [Category, ReadonlySet<string>]> = [
  ['scan', new Set(['botsearch', 'badbots', 'portscan', 'scan', 'probe', 'nohome', 'noproxy'])],
  ['dos', new Set(['ddos', 'dos', 'limit', 'flood'])],
  ['exploit', new Set(['noscript', 'shellshock', 'exploit', 'xmlrpc', 'sqli'])],
];

/** Any native fail2ban line, to tell "not about a jail" (skip) from "not fail2ban" (error). */
const NATIVE_ANY = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:,\d{1,6})?\s+fail2ban\.[\w.]+/;

function parse(record: string, ctx: ParseContext): ParseResult {
  let time: string | null;
  let level: string, jail: string, text: string, host: string | undefined;
  const m = NATIVE.exec(record);
  if (m) {
    time = isoTime(m[1], ctx.timezone);
    if (!time) return fail('PARSE_BAD_TIME', `unreadable time: ${excerpt(m[1])}`);
    [level, jail, text] = [m[3], m[4], m[5]];
  } else if (NATIVE_ANY.test(record)) {
    return skip('fail2ban line without a jail (server or database message)');
  } else {
    const head = stripSyslog(record, ctx);
    const w = head ? WRAPPED.exec(head.message) : null;
    if (!head || !w) return fail('PARSE_NO_MATCH', 'not a fail2ban line (expected "YYYY-MM-DD HH:MM:SS,mmm fail2ban.actions [pid]: NOTICE [jail] Ban IP")');
    const ht = headerTime(head);
    if (!ht.ok) return ht.result;
    time = ht.time;
    [level, jail, text, host] = [w[2], w[3], w[4], head.host];
  }
  text = text.trimEnd();

  let kind: 'ban' | 'found';
  let addr: string;
  let ban: RegExpExecArray | null;
  if ((ban = /^Ban (\S+)$/.exec(text))) {
    kind = 'ban';
    addr = ban[1];
  } else if ((ban = /^Found (\S+)(?: - (.*))?$/.exec(text))) {
    if (ctx.options?.found !== true) return skip('Found line: a single failure (set options.found to count them)');
    kind = 'found';
    addr = ban[1];
  } else if (/^Restore Ban /.test(text)) {
    return skip('Restore Ban: a ban re-applied at restart (already counted)');
  } else if (/^Unban /.test(text)) {
    return skip('Unban: the end of a ban');
  } else if (/ already banned$/.test(text)) {
    return skip('already banned (counted when banned)');
  } else {
    return skip(`not a ban (${clip(level, 10)} ${excerpt(text)})`);
  }

  const src = canonical(addr);
  if (!src) return fail('PARSE_BAD_IP', `not an IP address: ${excerpt(addr)}`);
  const jailLower = jail.toLowerCase();
  const words = jailLower.split(/[^\p{L}\p{N}]+/u);
  const service = JAIL_SERVICES.find(([, set]) => words.some((w) => set.has(w)))?.[0];
  const category = JAIL_CATEGORIES.find(([, set]) => words.some((w) => set.has(w)))?.[0] ?? 'bruteforce';
  // recidive bans repeat offenders for long: the strongest signal fail2ban gives.
  const severity: Severity = kind === 'found' ? 'low' : jailLower === 'recidive' ? 'high' : 'medium';
  const event: IngestEvent = {
    time,
    observer: observer(host, 'fail2ban', ctx),
    category,
    severity,
    action: kind === 'ban' ? 'blocked' : 'alert',
    rule: { id: clip(jail, 100), name: kind === 'ban' ? `fail2ban: ban [${jail}]` : `fail2ban: failure [${jail}]` },
    source: { ip: src },
    destination: { ip: unspecifiedFor(src) },
  };
  if (service) event.service = service;
  return { kind: 'events', events: [event] };
}

export const fail2banParser: Parser = {
  name: 'fail2ban',
  description: 'fail2ban.log (native or behind syslog): Ban lines as blocked attacks, Found lines optional',
  framing: 'line',
  checkOptions: (options) => checkBoolean(options, 'found'),
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
