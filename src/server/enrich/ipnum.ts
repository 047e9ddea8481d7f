/**
 * Addresses as numbers, for range tables (reserved ranges, the ASN table) that compare by value.
 * IPv4 is one unsigned 32-bit number; IPv6 is four unsigned 32-bit words, most significant first,
 * so that both families sort and binary-search without BigInt on the hot path.
 */

export type ParsedIp =
  | { family: 4; v4: number }
  | { family: 6; w: [number, number, number, number] };

/** Parses dotted-quad IPv4 strictly (no leading zeros, 0..255): an unsigned 32-bit number or -1. */
export function parseIpv4(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // a virtual '.' closes the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero: octal or decimal is ambiguous
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value >>> 0 : -1;
}

function parseHexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Hex groups of one side of '::' (an IPv4 tail allowed last when `allowV4`), or null. */
function toGroups(part: string, allowV4: boolean): number[] | null {
  if (part === '') return [];
  const items = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (allowV4 && i === items.length - 1 && it.includes('.')) {
      const v4 = parseIpv4(it);
      if (v4 < 0) return null;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else {
      const g = parseHexGroup(it);
      if (g < 0) return null;
      out.push(g);
    }
  }
  return out;
}

/** Parses IPv6 text (compressed or full, optional dotted IPv4 tail, no zone id) into 8 groups, or null. */
function parseIpv6Groups(s: string): number[] | null {
  if (s.length < 2 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const a = toGroups(head, dbl < 0);
  const b = toGroups(tail, true);
  if (!a || !b) return null;
  if (dbl < 0) return a.length === 8 ? a : null;
  if (a.length + b.length > 7) return null;
  while (a.length + b.length < 8) a.push(0);
  for (let i = 0; i < b.length; i++) a.push(b[i]);
  return a;
}

/**
 * Parses an address (IPv4 dotted quad or IPv6 without zone id) into numbers, or null.
 * IPv4-mapped IPv6 stays IPv6 here: callers canonicalise first when they want it as IPv4.
 */
export function parseIp(s: string): ParsedIp | null {
  if (s.includes(':')) {
    const g = parseIpv6Groups(s);
    if (!g) return null;
    return {
      family: 6,
      w: [
        ((g[0] << 16) | g[1]) >>> 0,
        ((g[2] << 16) | g[3]) >>> 0,
        ((g[4] << 16) | g[5]) >>> 0,
        ((g[6] << 16) | g[7]) >>> 0,
      ],
    };
  }
  const v4 = parseIpv4(s);
  return v4 < 0 ? null : { family: 4, v4 };
}

/** Compares two IPv6 word arrays at offsets: -1, 0 or 1. */
export function cmp6(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Text of an IPv4 number (for tests and tools). */
export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Uncompressed IPv6 text of four words (for tests and tools; not RFC 5952). */
export function formatIpv6(w: ArrayLike<number>): string {
  const g: string[] = [];
  for (let k = 0; k < 4; k++) g.push((w[k] >>> 16).toString(16), (w[k] & 0xffff).toString(16));
  return g.join(':');
}
