/**
 * Address canonicalisation. Sensors print addresses in many forms (Suricata expands IPv6 in
 * full, some tools write IPv4-mapped IPv6, link-local addresses carry zone ids); geo lookup,
 * de-duplication and filters need one form.
 */
import { isIP } from 'node:net';

/** Longest text accepted as an address candidate; longer input is rejected without parsing. */
const MAX_ADDRESS_TEXT = 64;

/**
 * Returns the canonical text of an IP address (IPv4 dotted quad; IPv6 compressed per RFC 5952,
 * lower case, no zone id; IPv4-mapped IPv6 as plain IPv4), or null when `text` is not an address.
 * IPv4 with leading zeros ("010.1.1.1") is rejected: its meaning (octal or decimal) is ambiguous.
 */
export function canonicalIp(text: string): string | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_TEXT) return null;
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const family = isIP(s);
  if (family === 4) return s;
  if (family !== 6) return null;
  const host = new URL(`http://[${s}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/** 4 or 6 for a canonical address, 0 otherwise. */
export function ipFamily(ip: string): 0 | 4 | 6 {
  return isIP(ip) as 0 | 4 | 6;
}
