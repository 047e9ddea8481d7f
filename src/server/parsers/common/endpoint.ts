/**
 * Addresses and ports: splitting the `addr:port` text that Snort and Suricata print, reading
 * JSON address/port values, the placeholder destination, and the event's endpoint object.
 */
import { canonicalIp } from '../../../event/ip.js';
import type { IngestEvent } from '../../../event/schema.js';
import { excerpt } from './text.js';

/** A port from text: an integer 0-65535 written in decimal digits only, else null. */
export function parsePort(text: string | number | undefined | null): number | null {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 && text <= 65535 ? text : null;
  if (typeof text !== 'string' || !/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

export type HostPort =
  | { ok: true; ip: string; port?: number }
  | { ok: false; code: 'PARSE_BAD_IP' | 'PARSE_BAD_PORT'; message: string };

/**
 * Splits `addr[:port]` and canonicalises the address. Accepts `1.2.3.4`, `1.2.3.4:80`,
 * `[2001:db8::1]:80`, a bare IPv6 address, and Suricata's expanded IPv6 with the port glued on
 * after the last colon (`2001:0db8:0000:0000:0000:0000:0000:0001:80`). When `withPort` is false
 * (ICMP and other port-less protocols) a trailing `:n` on an expanded IPv6 or IPv4 address is
 * still removed and ignored (Suricata prints ICMP type there). For a compressed IPv6 text the
 * last group is taken as the port only when `withPort` is true and the rest is still an address:
 * `2001:db8::1:80` is ambiguous by nature and is read as address 2001:db8::1, port 80.
 */
export function splitHostPort(text: string, withPort: boolean): HostPort {
  const t = text.trim();
  if (t.length === 0 || t.length > 80) return { ok: false, code: 'PARSE_BAD_IP', message: `bad address: ${JSON.stringify(t.slice(0, 80))}` };
  let host = t;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return { ok: false, code: 'PARSE_BAD_IP', message: `bad address: ${JSON.stringify(t)}` };
    host = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest.startsWith(':')) portText = rest.slice(1);
    else if (rest.length > 0) return { ok: false, code: 'PARSE_BAD_IP', message: `bad address: ${JSON.stringify(t)}` };
  } else {
    const colons = countColons(t);
    if (colons === 1) {
      const i = t.indexOf(':');
      host = t.slice(0, i);
      portText = t.slice(i + 1);
    } else if (colons === 8 && !t.includes('::')) {
      // Expanded IPv6 (8 groups) plus a glued port.
      const i = t.lastIndexOf(':');
      host = t.slice(0, i);
      portText = t.slice(i + 1);
    } else if (colons >= 2 && withPort && canonicalIp(t) !== null) {
      const i = t.lastIndexOf(':');
      const head = t.slice(0, i);
      const tail = t.slice(i + 1);
      if (/^\d{1,5}$/.test(tail) && canonicalIp(head.endsWith(':') ? head + ':' : head) !== null) {
        host = head.endsWith(':') ? head + ':' : head;
        portText = tail;
      }
    }
  }
  const ip = canonicalIp(host);
  if (ip === null) return { ok: false, code: 'PARSE_BAD_IP', message: `not an IP address: ${JSON.stringify(host.slice(0, 80))}` };
  if (portText === undefined || !withPort) return { ok: true, ip };
  const port = parsePort(portText);
  if (port === null) return { ok: false, code: 'PARSE_BAD_PORT', message: `bad port: ${JSON.stringify(portText.slice(0, 20))}` };
  return { ok: true, ip, port };
}

function countColons(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 58) n++;
  return n;
}

/** Transport protocols whose packets carry ports. */
const PORTED = new Set(['tcp', 'udp', 'sctp', 'dccp']);

/** True when `proto` (any case, e.g. "TCP", "udp") carries ports. */
export function hasPorts(proto: string): boolean {
  return PORTED.has(proto.toLowerCase());
}

/**
 * Transport name as events carry it: lower case; Snort/Suricata's "IPV6-ICMP" and "ICMPv6"
 * become "ipv6-icmp"; numeric or unknown protocols are kept as given, cut to 20 characters.
 */
export function normTransport(proto: string): string {
  const p = proto.trim().toLowerCase();
  if (p === 'icmpv6' || p === 'ipv6-icmp') return 'ipv6-icmp';
  return p.slice(0, 20);
}

/**
 * A port from a JSON number or numeric string: the port, `undefined` when absent (null, "", "-",
 * -1 as OpenCanary writes for unknown), or `false` when present but not 0..65535.
 */
export function port(v: unknown): number | undefined | false {
  if (v === undefined || v === null || v === '' || v === -1 || v === '-1' || v === '-') return undefined;
  if (typeof v !== 'number' && typeof v !== 'string') return false;
  return parsePort(v) ?? false;
}

/** The canonical address of a JSON value (event/ip.canonicalIp), or null when it is not an address text. */
export function ip(v: unknown): string | null {
  return typeof v === 'string' ? canonicalIp(v) : null;
}

/**
 * The destination for sensors that log attacks on themselves without their own address (sshd,
 * fail2ban, a Cowrie event whose session is unknown): the unspecified address of the source's
 * family. Enrichment treats it as "at the sensor's site" (a reserved address takes the
 * sensor's configured location), so the arc ends at the sensor.
 */
export function unspecifiedFor(sourceIp: string): string {
  return sourceIp.includes(':') ? '::' : '0.0.0.0';
}

/** True for `0.0.0.0` and `::`, the placeholder destinations above. */
export function isUnspecified(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::';
}

/** An event endpoint: the port is left out when it is null or undefined (ICMP, unknown). */
export function endpoint(address: string, p?: number | null): IngestEvent['source'] {
  return p === undefined || p === null ? { ip: address } : { ip: address, port: p };
}

/**
 * The address at `o[addrKey]` (which must be present) and, when `withPort` and present, the
 * port at `o[portKey]` (a number or numeric text; null is a bad port); errors name the key.
 */
export function addressAt(o: Readonly<Record<string, unknown>>, addrKey: string, portKey: string, withPort = true): HostPort {
  const address = ip(o[addrKey]);
  if (address === null) return { ok: false, code: 'PARSE_BAD_IP', message: `bad ${addrKey}: ${excerpt(o[addrKey])}` };
  const p = o[portKey];
  if (!withPort || p === undefined) return { ok: true, ip: address };
  const n = parsePort(p as number | string);
  if (n === null) return { ok: false, code: 'PARSE_BAD_PORT', message: `bad ${portKey}: ${excerpt(p)}` };
  return { ok: true, ip: address, port: n };
}
