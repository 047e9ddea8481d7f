/**
 * The public view: what a wall screen or an anonymous visitor may see. Addresses are cut to a
 * network prefix (the map only needs the location), attacker-controlled free text in `details`
 * (user names tried, commands, URLs, which can carry credentials) is removed, and so is the
 * source port. Done on copies: the stored event and the analyst view are untouched.
 */
import { isIP } from 'node:net';
import type { AttackEvent, Endpoint } from '../../event/schema.js';

export interface RedactOptions {
  /** Prefix length kept of IPv4 addresses (default 24). */
  prefixV4: number;
  /** Prefix length kept of IPv6 addresses (default 48). */
  prefixV6: number;
}

/** Parses IPv6 text into 8 16-bit groups, or null. */
function v6Groups(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    s = s.slice(0, quad.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...new Array(halves.length > 1 ? fill : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** RFC 5952 text of 8 groups (longest run of two or more zero groups compressed). */
function v6Text(g: number[]): string {
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * The network of `ip` cut to the configured prefix, in CIDR form: 203.0.113.77 -> 203.0.113.0/24,
 * 2001:db8:1:2::5 -> 2001:db8:1::/48. Text that is not an address becomes "redacted".
 */
export function truncateIp(ip: string, opts: RedactOptions): string {
  const fam = isIP(ip);
  if (fam === 4) {
    const bits = Math.max(0, Math.min(32, opts.prefixV4));
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const m = (n & mask) >>> 0;
    return `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}/${bits}`;
  }
  const g = fam === 6 ? v6Groups(ip) : null;
  if (!g) return 'redacted';
  const bits = Math.max(0, Math.min(128, opts.prefixV6));
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    g[i] = keep === 0 ? 0 : g[i] & ((0xffff << (16 - keep)) & 0xffff);
  }
  return `${v6Text(g)}/${bits}`;
}

function redactEndpoint(ep: Endpoint, opts: RedactOptions, keepPort: boolean): Endpoint {
  const out: Endpoint = { ip: truncateIp(ep.ip, opts) };
  if (keepPort && ep.port !== undefined) out.port = ep.port;
  if (ep.geo !== undefined) out.geo = ep.geo;
  if (ep.geoReason !== undefined) out.geoReason = ep.geoReason;
  if (ep.range !== undefined) out.range = ep.range;
  if (ep.as !== undefined) out.as = ep.as;
  return out;
}

/**
 * A public copy of `e`: both addresses cut to their prefix (the destination is one of our own
 * sensors), source port and `details` removed. Fields are copied by allow-list, so a field added
 * to the schema later stays out of the public view until someone decides it is safe.
 */
export function redactPublic(e: AttackEvent, opts: RedactOptions): AttackEvent {
  const out: AttackEvent = {
    id: e.id,
    time: e.time,
    received: e.received,
    observer: { name: e.observer.name, product: e.observer.product, ...(e.observer.site !== undefined ? { site: e.observer.site } : {}) },
    category: e.category,
    severity: e.severity,
    rule: { name: e.rule.name, ...(e.rule.id !== undefined ? { id: e.rule.id } : {}), ...(e.rule.rev !== undefined ? { rev: e.rule.rev } : {}) },
    source: redactEndpoint(e.source, opts, false),
    destination: redactEndpoint(e.destination, opts, true),
    count: e.count,
  };
  if (e.action !== undefined) out.action = e.action;
  if (e.transport !== undefined) out.transport = e.transport;
  if (e.service !== undefined) out.service = e.service;
  return out;
}
