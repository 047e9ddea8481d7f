/**
 * Framing: bytes to records, separate from the format. `line` frames one record per newline
 * (CRLF tolerated); `blank-line` frames blocks separated by one or more empty lines (Snort
 * alert_full). A record longer than `maxRecordChars` is cut and reported, so a stream with no
 * newline cannot grow a buffer without bound.
 */

export type Framing = 'line' | 'blank-line';

/** Default bound of one record: 1 MiB of text. */
export const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;

export interface FramedRecord {
  text: string;
  /** True when the record was longer than the bound and `text` is its cut beginning. */
  truncated: boolean;
  /** 1-based number of the record's first line in the stream. */
  line: number;
}

export class Framer {
  private buf = '';
  private block: string[] = [];
  private blockChars = 0;
  private overflow = false;
  private lineNo = 0;
  private blockStart = 0;

  constructor(private readonly framing: Framing, private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS) {}

  /** Adds a chunk of text; returns the records it completed. */
  push(chunk: string): FramedRecord[] {
    const out: FramedRecord[] = [];
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      this.appendPartial(chunk.slice(start, nl));
      this.completeLine(out);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    this.appendPartial(chunk.slice(start));
    return out;
  }

  /** Ends the stream: a last line without newline, or a last block without blank line, is a record. */
  end(): FramedRecord[] {
    const out: FramedRecord[] = [];
    if (this.buf.length > 0 || this.overflow) this.completeLine(out);
    this.flushBlock(out);
    return out;
  }

  /** Characters held waiting for a newline or a blank line (bounded by maxRecordChars). */
  get pendingChars(): number {
    return this.buf.length + this.blockChars;
  }

  private appendPartial(s: string): void {
    if (s.length === 0) return;
    const room = this.maxRecordChars - this.buf.length;
    if (s.length > room) {
      this.buf += s.slice(0, Math.max(0, room));
      this.overflow = true;
    } else {
      this.buf += s;
    }
  }

  private completeLine(out: FramedRecord[]): void {
    let line = this.buf;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const truncated = this.overflow;
    this.buf = '';
    this.overflow = false;
    this.lineNo += 1;
    if (this.framing === 'line') {
      if (line.trim().length > 0 || truncated) out.push({ text: line, truncated, line: this.lineNo });
      return;
    }
    if (line.trim().length === 0) {
      this.flushBlock(out);
      return;
    }
    if (this.blockChars + line.length + 1 > this.maxRecordChars) {
      this.flushBlock(out, true);
    }
    if (this.block.length === 0) this.blockStart = this.lineNo;
    this.block.push(line);
    this.blockChars += line.length + 1;
  }

  private flushBlock(out: FramedRecord[], truncated = false): void {
    if (this.block.length === 0) return;
    out.push({ text: this.block.join('\n'), truncated, line: this.blockStart });
    this.block = [];
    this.blockChars = 0;
  }
}

/** Frames a whole text at once. */
export function frameAll(text: string, framing: Framing, maxRecordChars = DEFAULT_MAX_RECORD_CHARS): FramedRecord[] {
  const f = new Framer(framing, maxRecordChars);
  return [...f.push(text), ...f.end()];
}
