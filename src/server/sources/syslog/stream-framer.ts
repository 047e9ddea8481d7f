/**
 * Syslog over a byte stream (TCP): RFC 6587 allows two framings on the same port, and senders
 * differ (rsyslog's omfwd uses newlines, syslog-ng's `syslog()` driver octet counting), so each
 * message is detected on its own: a run of digits and a space at a message start is an octet
 * count (`57 <34>1 2026-...`), anything else ends at the next LF.
 *
 * Memory is bounded by maxMessageBytes per connection: a longer message is cut, flagged
 * truncated when it ends, and the rest of it is not kept.
 */

/** Default bound of one syslog message, bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** An octet count has at most this many digits (a 1 GB message is already absurd). */
const MAX_COUNT_DIGITS = 9;

export interface SyslogMessage {
  text: string;
  truncated: boolean;
}

/** Decodes `buf` as UTF-8 after cutting it to `max` bytes without splitting a character. */
export function cutUtf8(buf: Buffer, max: number): string {
  if (buf.length <= max) return buf.toString('utf8');
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c === 13 || c === 10 || c === 0) end--;
    else break;
  }
  return end === text.length ? text : text.slice(0, end);
}

type Mode = { kind: 'start' } | { kind: 'line' } | { kind: 'count'; remaining: number };

export class SyslogStreamFramer {
  private parts: Buffer[] = [];
  private held = 0;
  private mode: Mode = { kind: 'start' };
  /** Bytes of a possible octet count seen at a message start (digits only). */
  private digits = '';
  /** The current message passed the bound: the rest of it is not kept. */
  private overflowed = false;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held for an incomplete message (at most maxMessageBytes). */
  get pendingBytes(): number {
    return this.held;
  }

  push(chunk: Buffer): SyslogMessage[] {
    const out: SyslogMessage[] = [];
    let i = 0;
    while (i < chunk.length) {
      const m = this.mode;
      if (m.kind === 'start') {
        const c = chunk[i];
        if (c >= 0x30 && c <= 0x39 && this.digits.length < MAX_COUNT_DIGITS) {
          this.digits += String.fromCharCode(c);
          i++;
          continue;
        }
        if (c === 0x20 && this.digits.length > 0) {
          const n = Number(this.digits);
          this.digits = '';
          i++;
          this.mode = n > 0 ? { kind: 'count', remaining: n } : { kind: 'start' };
          continue;
        }
        // Not an octet count: the digits belong to a newline-framed message.
        if (c === 0x0a && this.digits.length === 0) { i++; continue; } // empty line
        if (this.digits.length > 0) this.hold(Buffer.from(this.digits, 'latin1'));
        this.digits = '';
        this.mode = { kind: 'line' };
        continue;
      }
      if (m.kind === 'line') {
        const nl = chunk.indexOf(0x0a, i);
        const end = nl === -1 ? chunk.length : nl;
        this.holdBounded(chunk.subarray(i, end));
        i = end;
        if (nl !== -1) {
          i++;
          this.emit(out);
          this.mode = { kind: 'start' };
        }
        continue;
      }
      const take = Math.min(m.remaining, chunk.length - i);
      this.holdBounded(chunk.subarray(i, i + take));
      m.remaining -= take;
      i += take;
      if (m.remaining === 0) {
        this.emit(out);
        this.mode = { kind: 'start' };
      }
    }
    return out;
  }

  /** The peer closed: a last newline-framed message without LF is complete. */
  end(): SyslogMessage[] {
    const out: SyslogMessage[] = [];
    if (this.digits.length > 0) this.hold(Buffer.from(this.digits, 'latin1'));
    this.digits = '';
    if (this.held > 0 && this.mode.kind !== 'count') this.emit(out);
    this.parts = [];
    this.held = 0;
    this.mode = { kind: 'start' };
    return out;
  }

  private hold(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.held += b.length;
  }

  /** Holds bytes of the current message; past the bound, emits the cut message and skips the rest. */
  private holdBounded(b: Buffer): void {
    if (this.overflowed || b.length === 0) return;
    const room = this.maxMessageBytes - this.held;
    if (b.length <= room) {
      // Copy: the socket may reuse its buffer.
      this.hold(Buffer.from(b));
      return;
    }
    // Keep a few bytes past the bound so cutUtf8 can find a character boundary.
    this.hold(Buffer.from(b.subarray(0, room + 4)));
    this.overflowed = true;
  }

  private emit(out: SyslogMessage[]): void {
    const all = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.held);
    const truncated = this.overflowed || all.length > this.maxMessageBytes;
    const text = trimEnd(cutUtf8(all, this.maxMessageBytes));
    this.parts = [];
    this.held = 0;
    this.overflowed = false;
    if (text.length > 0 || truncated) out.push({ text, truncated });
  }
}
