/**
 * A Server-Sent Events text parser (the WHATWG event-stream grammar), pure and incremental, so
 * the page can read the stream with fetch: unlike EventSource that lets it see `: ping` comments
 * (for the stale-data banner), send `Last-Event-ID` on its own reconnects, and bound its buffer.
 */

export interface SseMessage { event: string; data: string; id: string | undefined }

export interface SseSink {
  message(m: SseMessage): void;
  /** A comment line (`: ping`); the text after the colon. */
  comment(text: string): void;
  /** The server's `retry:` advice, milliseconds. */
  retry(ms: number): void;
}

/** Default bound on one unfinished line or event, in characters (a hello snapshot can be large). */
export const MAX_PENDING_CHARS = 16 * 1024 * 1024;

export class SseParser {
  private buf = '';
  private data: string[] = [];
  private dataChars = 0;
  private event = '';
  private id: string | undefined;
  private sawCr = false;
  /** The last id the stream set (persists across events, as in EventSource). */
  lastId: string | undefined;

  constructor(private sink: SseSink, private maxPending = MAX_PENDING_CHARS) {}

  /** Feeds decoded text; throws RangeError when an event outgrows `maxPending` (the caller reconnects). */
  push(text: string): void {
    let start = 0;
    let s = text;
    // A CRLF split across chunks: drop the LF that completes a CR already handled.
    if (this.sawCr && s.startsWith('\n')) s = s.slice(1);
    this.sawCr = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buf + s.slice(start, i);
      this.buf = '';
      this.line(line);
      if (c === 13) {
        if (i + 1 < s.length) { if (s.charCodeAt(i + 1) === 10) i++; } else this.sawCr = true;
      }
      start = i + 1;
    }
    if (start < s.length) this.buf += s.slice(start);
    if (this.buf.length + this.dataChars > this.maxPending) throw new RangeError('event stream: event too large');
  }

  private line(line: string): void {
    if (line === '') { this.dispatch(); return; }
    const colon = line.indexOf(':');
    if (colon === 0) { this.sink.comment(line.slice(1).trim()); return; }
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') { this.data.push(value); this.dataChars += value.length; }
    else if (field === 'event') this.event = value;
    else if (field === 'id') { if (!value.includes('\0')) { this.id = value; this.lastId = value; } }
    else if (field === 'retry') { if (/^\d+$/.test(value)) this.sink.retry(Number(value)); }
  }

  private dispatch(): void {
    const id = this.id;
    this.id = undefined;
    if (this.data.length === 0) { this.event = ''; return; }
    const m = { event: this.event || 'message', data: this.data.join('\n'), id };
    this.data = [];
    this.dataChars = 0;
    this.event = '';
    this.sink.message(m);
  }
}
