/**
 * Threat-intel feed bodies to indicators. Each feed format is a pure function of the body text
 * and the source options; the explicit registry FEED_FORMATS maps `feedFormat:` names to them.
 * Addresses are canonicalised; anything that is not a single global address (CIDR ranges,
 * private or documentation addresses quoted in prose) is counted as skipped, not emitted.
 */
import { BlockList, isIP } from 'node:net';
import { canonicalIp } from '../../../event/ip.js';
import type { Severity } from '../../../event/schema.js';

export interface Indicator {
  ip: string;
  /** Number of lists naming the address (IPsum), when the feed says. */
  count?: number;
  port?: number;
  details: Record<string, string | number>;
}

export interface FeedParse {
  indicators: Indicator[];
  /** Entries that named no usable address. */
  skipped: number;
}

export interface FeedOptions {
  /** CSV: column name (with a header) or 0-based index for ip, port, count, first_seen, malware... */
  columns?: Record<string, string | number>;
  /** CSV field separator, default ','. */
  delimiter?: string;
}

export type FeedFormat = (body: string, options: FeedOptions) => FeedParse;

/** Addresses that never belong on an attack map: private, loopback, documentation, multicast. */
const NOT_GLOBAL = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 3]] as const) {
  NOT_GLOBAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['2001:db8::', 32], ['ff00::', 8], ['64:ff9b:1::', 48]] as const) {
  NOT_GLOBAL.addSubnet(net, bits, 'ipv6');
}

/** The canonical form of a single global address, else null. `/32` and `/128` suffixes are accepted. */
export function globalIp(text: string): string | null {
  let t = text.trim();
  if (t.endsWith('/32') || t.endsWith('/128')) t = t.slice(0, t.lastIndexOf('/'));
  const ip = canonicalIp(t);
  if (!ip) return null;
  return NOT_GLOBAL.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4') ? null : ip;
}

function intOrUndefined(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** One line of an address list, as read by `readListLine`. */
export type ListLine =
  /** Empty or only a comment. */
  | { kind: 'blank' }
  /** A single global address, with the list count (IPsum) when the line has one. */
  | { kind: 'ip'; ip: string; count?: number }
  /** A network wider than one address (`/24`): not an attacker's address. */
  | { kind: 'range'; text: string }
  /** A valid address that never belongs on an attack map (private, documentation...). */
  | { kind: 'not-global'; ip: string }
  /** The first field is not an address. */
  | { kind: 'bad'; text: string };

const CIDR = /^([0-9a-f.:]+)\/(\d{1,3})$/i;

/**
 * Reads one line of an address list: `#` and `;` start comments, the first field (split on
 * whitespace or commas) is the address, defanged forms (`1.2.3[.]4`) are accepted, `/32` and
 * `/128` mean one address, and an optional second field of up to 9 digits is a count (IPsum:
 * the number of blocklists naming the address). Shared by the intel-feed `iplist` format and
 * the `intel-list` parser so a list reads the same whether polled or tailed.
 */
export function readListLine(raw: string): ListLine {
  const line = raw.replace(/[#;].*$/, '').trim();
  if (line.length === 0) return { kind: 'blank' };
  const [first, second] = line.split(/[\s,]+/);
  const text = refang(first);
  const ip = globalIp(text);
  if (!ip) {
    const cidr = CIDR.exec(text);
    const net = cidr ? canonicalIp(cidr[1]) : null;
    if (cidr && net && Number(cidr[2]) <= (isIP(net) === 6 ? 128 : 32)) return { kind: 'range', text };
    const any = canonicalIp(text);
    return any ? { kind: 'not-global', ip: any } : { kind: 'bad', text };
  }
  const count = intOrUndefined(second);
  return count !== undefined ? { kind: 'ip', ip, count } : { kind: 'ip', ip };
}

/** IPsum's count is the number of blocklists naming the address: more lists, more certain. */
export function severityFromCount(count: number): Severity {
  if (count >= 8) return 'critical';
  if (count >= 5) return 'high';
  if (count >= 3) return 'medium';
  return 'low';
}

/** One address per line (see readListLine); lines that name no single global address are skipped. */
export const iplist: FeedFormat = (body) => {
  const indicators: Indicator[] = [];
  let skipped = 0;
  for (const raw of body.split('\n')) {
    const entry = readListLine(raw);
    if (entry.kind === 'blank') continue;
    if (entry.kind !== 'ip') { skipped++; continue; }
    const { ip, count } = entry;
    indicators.push({ ip, ...(count !== undefined ? { count } : {}), details: count !== undefined ? { lists: count } : {} });
  }
  return { indicators, skipped };
};

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines: feeds do not use them). */
export function splitCsv(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * CSV with a `columns` mapping. Names are looked up in the header: the first non-comment line,
 * or a commented header (`# "first_seen_utc","dst_ip",...` as abuse.ch writes it).
 */
export const csv: FeedFormat = (body, options) => {
  const columns = options.columns ?? { ip: 0 };
  const delimiter = options.delimiter ?? ',';
  const byName = Object.values(columns).some((c) => typeof c === 'string');
  const lines = body.split('\n').map((l) => l.replace(/\r$/, ''));
  let header: string[] | null = null;
  let lastComment: string | null = null;
  const indicators: Indicator[] = [];
  let skipped = 0;
  let index: Record<string, number> | null = byName ? null : (columns as Record<string, number>);
  for (const line of lines) {
    if (line.trim().length === 0) continue;
    if (line.startsWith('#')) { lastComment = line.replace(/^#+\s*/, ''); continue; }
    if (!index) {
      const ipName = String(columns.ip);
      const fromComment = lastComment ? splitCsv(lastComment, delimiter) : null;
      if (fromComment && fromComment.includes(ipName)) header = fromComment;
      else { header = splitCsv(line, delimiter); }
      const h = header;
      index = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, typeof v === 'number' ? v : h.indexOf(v)]));
      if (index.ip === undefined || index.ip < 0) return { indicators: [], skipped: lines.length };
      if (h !== fromComment) continue; // this line was the header
    }
    const cells = splitCsv(line, delimiter);
    const ip = globalIp(cells[index.ip] ?? '');
    if (!ip) { skipped++; continue; }
    const details: Record<string, string | number> = {};
    let count: number | undefined;
    let port: number | undefined;
    for (const [key, col] of Object.entries(index)) {
      if (key === 'ip' || col < 0) continue;
      const v = cells[col];
      if (v === undefined || v === '') continue;
      if (key === 'count') { count = intOrUndefined(v); if (count !== undefined) details.lists = count; continue; }
      if (key === 'port') { const p = intOrUndefined(v); if (p !== undefined && p <= 65535) port = p; continue; }
      details[key] = v;
    }
    indicators.push({ ip, ...(count !== undefined ? { count } : {}), ...(port !== undefined ? { port } : {}), details });
  }
  return { indicators, skipped };
};

const JSON_IP_KEYS = ['ip_address', 'ip', 'dst_ip', 'ioc', 'ipaddress'];
const JSON_DETAIL_KEYS: Record<string, string> = {
  malware: 'malware', malware_printable: 'malware', first_seen: 'first_seen', first_seen_utc: 'first_seen',
  last_online: 'last_online', status: 'status', c2_status: 'status', country: 'country', as_name: 'as_name',
  threat_type: 'threat_type', confidence_level: 'confidence',
};

function objectsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (JSON_IP_KEYS.some((k) => typeof o[k] === 'string')) return [o];
    // `{"data": [...]}` (ThreatFox API) or `{"<id>": [{...}], ...}` (ThreatFox export).
    return Object.values(o).flatMap((v) => (Array.isArray(v) ? objectsIn(v) : []));
  }
  return [];
}

/** abuse.ch-style JSON: Feodo Tracker's array of `{ip_address, port, malware, first_seen}`, ThreatFox `ioc` "ip:port". */
export const abusechJson: FeedFormat = (body) => {
  const parsed = JSON.parse(body) as unknown;
  const indicators: Indicator[] = [];
  let skipped = 0;
  for (const o of objectsIn(parsed)) {
    const key = JSON_IP_KEYS.find((k) => typeof o[k] === 'string');
    let text = key ? (o[key] as string) : '';
    let port = intOrUndefined(o.port ?? o.dst_port);
    const hostPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text) ?? /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text);
    if (hostPort) { text = hostPort[1]; port ??= Number(hostPort[2]); }
    const ip = globalIp(text);
    if (!ip) { skipped++; continue; }
    const details: Record<string, string | number> = {};
    for (const [k, name] of Object.entries(JSON_DETAIL_KEYS)) {
      const v = o[k];
      if ((typeof v === 'string' && v.length > 0) || typeof v === 'number') details[name] ??= v;
    }
    indicators.push({ ip, ...(port !== undefined && port <= 65535 ? { port } : {}), details });
  }
  return { indicators, skipped };
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text of an HTML/XML fragment: CDATA kept, tags dropped, entities decoded. */
export function plainText(html: string): string {
  return html
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** Undoes the usual defanging: `1.2.3[.]4`, `1(.)2`, `1{.}2`, `[dot]`, `hxxp`. */
export function refang(text: string): string {
  return text
    .replace(/\s*(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))\s*/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/hxxp/gi, 'http');
}

const V4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g;
const V6 = /(?<![0-9a-f:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?::[0-9a-f]{1,4})*(?![0-9a-f:])/gi;

/** Global IPv4 and IPv6 addresses mentioned in free text, defanged forms included, each once. */
export function addressesIn(text: string): string[] {
  const t = refang(text);
  const found = new Set<string>();
  for (const m of t.matchAll(V4)) { const ip = globalIp(m[0]); if (ip) found.add(ip); }
  for (const m of t.matchAll(V6)) { if (m[0].includes('::') || m[0].split(':').length >= 8) { const ip = globalIp(m[0]); if (ip) found.add(ip); } }
  return [...found];
}

function tag(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'i').exec(block);
  return m ? m[1] : undefined;
}

function clipText(s: string, max = 300): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) : t;
}

interface Item { title?: string; link?: string; text: string }

function itemsOf(body: string): Item[] {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    // Mastodon statuses (`GET /api/v1/timelines/tag/:tag`, `/api/v1/accounts/:id/statuses`).
    const parsed = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.filter((s): s is Record<string, unknown> => !!s && typeof s === 'object').map((s) => {
      const account = s.account as Record<string, unknown> | undefined;
      const spoiler = typeof s.spoiler_text === 'string' ? s.spoiler_text : '';
      return {
        title: typeof account?.acct === 'string' ? `@${account.acct}` : undefined,
        link: typeof s.url === 'string' ? s.url : undefined,
        text: `${spoiler} ${typeof s.content === 'string' ? plainText(s.content) : ''}`,
      };
    });
  }
  const blocks = [...body.matchAll(/<(item|entry)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/gi)].map((m) => m[2]);
  return blocks.map((b) => {
    const title = tag(b, 'title');
    const linkText = tag(b, 'link');
    const href = /<link[^>]*\shref=["']([^"']+)["']/i.exec(b)?.[1];
    const text = [title, tag(b, 'description'), tag(b, 'content'), tag(b, 'summary'), tag(b, 'content:encoded')].filter(Boolean).map((x) => plainText(x!)).join(' ');
    return { title: title ? plainText(title) : undefined, link: href ?? (linkText ? plainText(linkText).trim() : undefined), text };
  });
}

/** RSS `<item>`s, Atom `<entry>`s or Mastodon statuses: addresses in the text, with the item's title and link. */
export const rss: FeedFormat = (body) => {
  const indicators: Indicator[] = [];
  let skipped = 0;
  for (const item of itemsOf(body)) {
    const ips = addressesIn(item.text);
    if (ips.length === 0) { skipped++; continue; }
    for (const ip of ips) {
      const details: Record<string, string | number> = {};
      if (item.title) details.title = clipText(item.title);
      if (item.link) details.link = clipText(item.link, 500);
      indicators.push({ ip, details });
    }
  }
  return { indicators, skipped };
};

/** The explicit registry of feed formats: one line per `feedFormat:` name. */
export const FEED_FORMATS: Readonly<Record<string, FeedFormat>> = {
  iplist,
  csv,
  'abusech-json': abusechJson,
  rss,
};
