/**
 * The `intel-feed` source: polls a threat-intel URL and turns each NEW indicator into an
 * `intel` event (source = the indicator, destination 0.0.0.0 = no target: the map draws a
 * marker, not an arc).
 *
 * Politeness and bounds: conditional requests (ETag / Last-Modified; 304 costs nothing), a
 * minimum interval of 60 s, a request timeout, a body size limit, at most maxNewPerPoll events
 * per poll (the rest come on the next polls, so a first poll of a 100k-line feed does not
 * flood the map), and a bounded seen-set (seenMax addresses, oldest evicted first) persisted
 * in the durable state so a restart does not announce the whole feed again.
 */
import { createHash } from 'node:crypto';
import type { IngestEvent, Severity } from '../../../event/schema.js';
import { SEVERITIES } from '../../../event/schema.js';
import type { Source, SourceConfigBase, SourceContext, SourceType } from '../types.js';
import { FEED_FORMATS, severityFromCount, type FeedOptions, type Indicator } from './formats.js';

// Kept here too: callers of the source import it from this module.
export { severityFromCount };

export const DEFAULT_INTERVAL_S = 3600;
export const MIN_INTERVAL_S = 60;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_SEEN_MAX = 100_000;
export const DEFAULT_MAX_NEW_PER_POLL = 5000;
const SUBMIT_BATCH = 1000;

export interface IntelFeedOptions {
  url: string;
  feedFormat: string;
  /** Seconds between polls. */
  interval: number;
  timeoutMs: number;
  maxBodyBytes: number;
  seenMax: number;
  maxNewPerPoll: number;
  /** Fixed severity; otherwise from the feed's count (IPsum lists), else `medium`. */
  severity?: Severity;
  /** iplist/csv with counts: indicators named by fewer lists are ignored. */
  minCount: number;
  feed: FeedOptions;
}

function readOptions(config: SourceConfigBase): IntelFeedOptions {
  return {
    url: config.url as string,
    feedFormat: (config.feedFormat as string | undefined) ?? 'iplist',
    interval: Math.max(MIN_INTERVAL_S, (config.interval as number | undefined) ?? DEFAULT_INTERVAL_S),
    timeoutMs: (config.timeoutMs as number | undefined) ?? DEFAULT_TIMEOUT_MS,
    maxBodyBytes: (config.maxBodyBytes as number | undefined) ?? DEFAULT_MAX_BODY_BYTES,
    seenMax: (config.seenMax as number | undefined) ?? DEFAULT_SEEN_MAX,
    maxNewPerPoll: (config.maxNewPerPoll as number | undefined) ?? DEFAULT_MAX_NEW_PER_POLL,
    severity: config.severity as Severity | undefined,
    minCount: (config.minCount as number | undefined) ?? 0,
    feed: { columns: config.columns as FeedOptions['columns'], delimiter: config.delimiter as string | undefined },
  };
}

/** 12 hex digits (48 bits) of SHA-1: 100k entries collide with odds of about 1 in 50 million. */
function hashOf(ip: string): string {
  return createHash('sha1').update(ip).digest('hex').slice(0, 12);
}

export interface PollResult {
  status: number | 'error';
  indicators: number;
  emitted: number;
  skipped: number;
}

export class IntelFeedSource implements Source {
  readonly opts: IntelFeedOptions;
  private seen: Set<string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PollResult> | null = null;
  private abort: AbortController | null = null;
  private received = 0;
  private errors = 0;
  private lastRecordAt: string | null = null;
  /** Why the last poll failed, for problem(); cleared by the next good one. */
  private trouble: string | null = null;

  constructor(readonly name: string, private readonly config: SourceConfigBase, private readonly ctx: SourceContext) {
    this.opts = readOptions(config);
  }

  private key(what: string): string {
    return `intel:${this.name}:${what}`;
  }

  async start(): Promise<void> {
    // First poll in the background: a slow feed must not hold up the server's start.
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = null;
    this.pollOnce().then((r) => {
      if (this.stopped) return;
      // A capped poll left indicators for later: come back soon rather than in an hour.
      const backlog = r.emitted >= this.opts.maxNewPerPoll;
      this.timer = setTimeout(() => this.tick(), (backlog ? MIN_INTERVAL_S : this.opts.interval) * 1000);
    });
  }

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    if (this.running) await this.running.catch(() => undefined);
  }

  stats() {
    return { received: this.received, lastRecordAt: this.lastRecordAt, errors: this.errors };
  }

  /** The last fetch's failure ("last fetch failed: HTTP 503"), null after a good one. The URL is left out: it may carry a key. */
  problem(): string | null {
    return this.trouble;
  }

  /** One fetch-and-diff; concurrent calls share the poll in flight. */
  pollOnce(): Promise<PollResult> {
    if (!this.running) this.running = this.poll().finally(() => { this.running = null; });
    return this.running;
  }

  private loadSeen(): Set<string> {
    if (this.seen) return this.seen;
    const raw = this.ctx.state.getState(this.key('seen'));
    const list = raw ? raw.split(',').filter((h) => /^[0-9a-f]{12}$/.test(h)) : [];
    this.seen = new Set(list.slice(-this.opts.seenMax));
    return this.seen;
  }

  private async poll(): Promise<PollResult> {
    const cache = this.loadCache();
    const headers: Record<string, string> = { 'user-agent': 'attackmap intel-feed', accept: '*/*' };
    if (cache.etag) headers['if-none-match'] = cache.etag;
    if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;
    this.abort = new AbortController();
    const timeout = setTimeout(() => this.abort?.abort(new Error(`timed out after ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    let body: string;
    let res: Response;
    try {
      res = await fetch(this.opts.url, { headers, signal: this.abort.signal, redirect: 'follow' });
      if (res.status === 304) {
        this.trouble = null;
        return { status: 304, indicators: 0, emitted: 0, skipped: 0 };
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await this.readBody(res);
    } catch (err) {
      this.errors += 1;
      const timedOut = this.abort.signal.reason instanceof Error ? this.abort.signal.reason.message : null;
      const reason = timedOut ?? String(err);
      const why = timedOut ?? (err instanceof Error ? err.message : reason);
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      if (!this.stopped) this.trouble = `last fetch failed: ${why}${typeof cause === 'string' ? ` (${cause})` : ''}`;
      this.ctx.log('warn', 'intel feed fetch failed', { url: this.opts.url, error: this.stopped ? 'stopped' : reason });
      return { status: 'error', indicators: 0, emitted: 0, skipped: 0 };
    } finally {
      clearTimeout(timeout);
    }

    const format = FEED_FORMATS[this.opts.feedFormat];
    let parsed;
    try {
      parsed = format(body, this.opts.feed);
    } catch (err) {
      this.errors += 1;
      this.trouble = `last body could not be read as ${this.opts.feedFormat}: ${(err as Error).message}`;
      this.ctx.log('warn', 'intel feed body could not be read', { url: this.opts.url, feedFormat: this.opts.feedFormat, error: String(err) });
      return { status: res.status, indicators: 0, emitted: 0, skipped: 0 };
    }
    this.trouble = null;
    const fresh = this.diff(parsed.indicators);
    const emitted = await this.emit(fresh);
    if (emitted === fresh.length) {
      // Only a fully processed body may be skipped next time by its validators.
      this.saveCache({ etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined, more: fresh.length >= this.opts.maxNewPerPoll });
    }
    return { status: res.status, indicators: parsed.indicators.length, emitted, skipped: parsed.skipped };
  }

  private loadCache(): { etag?: string; lastModified?: string } {
    const raw = this.ctx.state.getState(this.key('http'));
    if (!raw) return {};
    try {
      const c = JSON.parse(raw) as { etag?: string; lastModified?: string; more?: boolean };
      // The last body had more new indicators than one poll takes: fetch it whole again.
      return c.more ? {} : c;
    } catch {
      return {};
    }
  }

  private saveCache(c: { etag?: string; lastModified?: string; more: boolean }): void {
    this.ctx.state.setState(this.key('http'), JSON.stringify(c));
  }

  private async readBody(res: Response): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > this.opts.maxBodyBytes) throw new Error(`body of ${declared} bytes exceeds maxBodyBytes ${this.opts.maxBodyBytes}`);
    if (!res.body) return '';
    const parts: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > this.opts.maxBodyBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Error(`body exceeds maxBodyBytes ${this.opts.maxBodyBytes}`);
      }
      parts.push(value);
    }
    return Buffer.concat(parts, total).toString('utf8');
  }

  /** New indicators in feed order, at most maxNewPerPoll; refreshes the age of known ones. */
  private diff(indicators: Indicator[]): Indicator[] {
    const seen = this.loadSeen();
    const fresh: Indicator[] = [];
    const inBody = new Set<string>();
    for (const ind of indicators) {
      if (this.opts.minCount > 0 && (ind.count ?? 0) < this.opts.minCount) continue;
      const h = hashOf(ind.ip);
      if (inBody.has(h)) continue;
      inBody.add(h);
      if (seen.has(h)) {
        // Still listed: move to the young end so it is not evicted and announced again.
        seen.delete(h);
        seen.add(h);
      } else if (fresh.length < this.opts.maxNewPerPoll) fresh.push(ind);
    }
    return fresh;
  }

  private toEvent(ind: Indicator, time: string): IngestEvent {
    const severity = this.opts.severity ?? (ind.count !== undefined ? severityFromCount(ind.count) : 'medium');
    const details: Record<string, string | number> = { feed: this.name, ...ind.details };
    return {
      time,
      observer: { product: 'intel-feed' },
      category: 'intel',
      severity,
      rule: { name: (this.config.ruleName as string | undefined) ?? this.name },
      source: { ip: ind.ip, ...(ind.port !== undefined ? { port: ind.port } : {}) },
      destination: { ip: '0.0.0.0' },
      details,
    };
  }

  /** Submits in batches; marks indicators seen as their batch is stored. Returns how many were stored. */
  private async emit(fresh: Indicator[]): Promise<number> {
    const seen = this.loadSeen();
    const time = this.ctx.now().toISOString();
    let done = 0;
    for (let i = 0; i < fresh.length; i += SUBMIT_BATCH) {
      const part = fresh.slice(i, i + SUBMIT_BATCH);
      try {
        await this.ctx.submitEvents(part.map((ind) => this.toEvent(ind, time)), { source: this.name, position: this.opts.url });
      } catch (err) {
        this.errors += 1;
        this.ctx.log('error', 'intel events not stored; they will be tried again next poll', { error: String(err) });
        break;
      }
      for (const ind of part) seen.add(hashOf(ind.ip));
      done += part.length;
      this.received += part.length;
      this.lastRecordAt = time;
    }
    while (seen.size > this.opts.seenMax) seen.delete(seen.values().next().value as string);
    this.ctx.state.setState(this.key('seen'), [...seen].join(','));
    return done;
  }
}

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const intelFeedSourceType: SourceType = {
  type: 'intel-feed',
  check(config) {
    if (typeof config.url !== 'string') return 'url: required, the http(s) address of the feed';
    let u: URL;
    try { u = new URL(config.url); } catch { return 'url: not a valid URL'; }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'url: must be http:// or https://';
    const fmt = config.feedFormat ?? 'iplist';
    if (typeof fmt !== 'string' || !(fmt in FEED_FORMATS)) return `feedFormat: must be one of ${Object.keys(FEED_FORMATS).join(', ')}`;
    if (config.interval !== undefined && !intIn(config.interval, MIN_INTERVAL_S, 30 * 86400)) return `interval: seconds between polls, an integer from ${MIN_INTERVAL_S} to 2592000`;
    if (config.timeoutMs !== undefined && !intIn(config.timeoutMs, 100, 600_000)) return 'timeoutMs: must be an integer from 100 to 600000';
    if (config.maxBodyBytes !== undefined && !intIn(config.maxBodyBytes, 1024, 1024 ** 3)) return 'maxBodyBytes: must be an integer from 1024 to 1073741824';
    if (config.seenMax !== undefined && !intIn(config.seenMax, 100, 10_000_000)) return 'seenMax: must be an integer from 100 to 10000000';
    if (config.maxNewPerPoll !== undefined && !intIn(config.maxNewPerPoll, 1, 1_000_000)) return 'maxNewPerPoll: must be an integer from 1 to 1000000';
    if (config.minCount !== undefined && !intIn(config.minCount, 0, 1000)) return 'minCount: must be an integer from 0 to 1000';
    if (config.severity !== undefined && !(SEVERITIES as readonly unknown[]).includes(config.severity)) return `severity: must be one of ${SEVERITIES.join(', ')}`;
    if (config.ruleName !== undefined && (typeof config.ruleName !== 'string' || config.ruleName.length === 0)) return 'ruleName: must be a non-empty string';
    if (fmt === 'csv') {
      const cols = config.columns;
      if (!cols || typeof cols !== 'object' || Array.isArray(cols)) return 'columns: csv feeds need a mapping like {ip: "dst_ip", port: "dst_port", malware: "malware"}';
      const c = cols as Record<string, unknown>;
      if (c.ip === undefined) return 'columns.ip: required, the column name or 0-based index of the address';
      for (const [k, v] of Object.entries(c)) {
        if (!(typeof v === 'string' && v.length > 0) && !intIn(v, 0, 1000)) return `columns.${k}: must be a column name or a 0-based index`;
      }
      if (config.delimiter !== undefined && (typeof config.delimiter !== 'string' || config.delimiter.length !== 1)) return 'delimiter: must be one character';
    }
    return null;
  },
  create: (config, ctx) => new IntelFeedSource(config.name, config, ctx),
};
