/**
 * The stream connection: reads /api/stream with fetch and the SSE parser, resumes with the last
 * event id after any drop (header and `lastEventId` query parameter), and backs off with jitter.
 * Handlers never throw into the reader: each message is decoded at the boundary and a bad one is
 * counted (`malformed`).
 */
import { SseParser, type SseMessage } from './sse-parser.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  /** A named message (`hello`, `attack`, `stats`, `gap`); returns false when it could not be decoded. */
  message(m: SseMessage): boolean;
  /** Anything arrived (bytes, pings): feeds the stale-data timer. `now` is Date.now(). */
  activity(now: number): void;
  state(s: StreamState, detail: { attempt: number; nextInMs?: number; error?: string }): void;
}

export interface StreamOptions {
  /** Path and query of the stream without lastEventId, e.g. `/api/stream?view=public`. */
  url: string;
  /** No byte for this long (ms) means a dead connection: abort and reconnect. Default 45 000. */
  idleTimeoutMs?: number | (() => number);
  /** First backoff step (ms); doubles per failed attempt up to maxBackoffMs. Default 1000. */
  baseBackoffMs?: number;
  /** Default 30 000. */
  maxBackoffMs?: number;
  /** Injected for tests; default Math.random. */
  random?: () => number;
}

/**
 * Why the server refused the stream: `HTTP 400 FILTER_INVALID: srcCountry: ...` from its JSON
 * error body (cut to 200 characters; shown as text), else just the status.
 */
export async function refusal(res: Response): Promise<string> {
  let detail = '';
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } } | null;
    const code = typeof body?.error?.code === 'string' ? body.error.code : '';
    const message = typeof body?.error?.message === 'string' ? body.error.message : '';
    detail = (code && message ? `${code}: ${message}` : code || message).slice(0, 200);
  } catch { /* not JSON */ }
  return detail ? `HTTP ${res.status} ${detail}` : `HTTP ${res.status}`;
}

/**
 * Backoff delay for attempt n (0-based), ms: exponential with "equal jitter", so a crowd of wall
 * screens does not reconnect in lockstep after a server restart. Never below `retryMs` advice.
 */
export function backoffMs(attempt: number, base: number, max: number, retryMs: number, random: () => number): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 20));
  return Math.max(Math.min(retryMs, max), Math.round(cap / 2 + random() * (cap / 2)));
}

export class StreamClient {
  lastId: string | undefined;
  malformed = 0;
  attempt = 0;
  private ctl: AbortController | null = null;
  private retryMs = 3000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private lastByte = 0;
  private stopped = false;

  constructor(private opts: StreamOptions, private h: StreamHandlers) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** Closes for good (filter change makes a new client). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.idleTimer);
    this.ctl?.abort();
    this.ctl = null;
    this.h.state('closed', { attempt: this.attempt });
  }

  private url(): string {
    if (this.lastId === undefined) return this.opts.url;
    const sep = this.opts.url.includes('?') ? '&' : '?';
    return `${this.opts.url}${sep}lastEventId=${encodeURIComponent(this.lastId)}`;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.h.state(this.attempt === 0 && this.lastId === undefined ? 'connecting' : 'reconnecting', { attempt: this.attempt });
    const ctl = new AbortController();
    this.ctl = ctl;
    this.lastByte = Date.now();
    clearInterval(this.idleTimer);
    const opt = this.opts.idleTimeoutMs ?? 45_000;
    const idle = () => (typeof opt === 'function' ? opt() : opt);
    this.idleTimer = setInterval(() => {
      if (Date.now() - this.lastByte > idle()) ctl.abort(new Error('idle'));
    }, Math.min(1000, idle() / 4));
    let error = 'closed by server';
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.lastId !== undefined) headers['last-event-id'] = this.lastId;
      const res = await fetch(this.url(), { headers, signal: ctl.signal, cache: 'no-store', credentials: 'same-origin' });
      if (!res.ok || !res.body) throw new Error(await refusal(res));
      const parser = new SseParser({
        message: (m) => this.onMessage(m, parser),
        comment: () => undefined,
        retry: (ms) => { this.retryMs = Math.min(ms, 60_000); },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.lastByte = Date.now();
        this.h.activity(this.lastByte);
        parser.push(value);
      }
    } catch (e) {
      error = ctl.signal.aborted ? String(ctl.signal.reason ?? 'aborted') : String(e instanceof Error ? e.message : e);
    } finally {
      clearInterval(this.idleTimer);
    }
    if (this.stopped || this.ctl !== ctl) return;
    const wait = backoffMs(this.attempt, this.opts.baseBackoffMs ?? 1000, this.opts.maxBackoffMs ?? 30_000, this.attempt === 0 ? this.retryMs : 0, this.opts.random ?? Math.random);
    this.attempt++;
    this.h.state('reconnecting', { attempt: this.attempt, nextInMs: wait, error });
    this.timer = setTimeout(() => void this.connect(), wait);
  }

  private onMessage(m: SseMessage, parser: SseParser): void {
    let ok = false;
    try { ok = this.h.message(m); } catch { ok = false; }
    if (!ok) { this.malformed++; return; }
    if (m.event === 'hello') {
      this.attempt = 0;
      this.h.state('live', { attempt: 0 });
    }
    // Only a message that was handled moves the resume point.
    if (parser.lastId !== undefined) this.lastId = parser.lastId;
  }
}
