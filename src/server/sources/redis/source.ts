/**
 * The `redis` source: Suricata's EVE output to Redis (`filetype: redis` in suricata.yaml).
 *
 * `mode: list` (Suricata's `list`/`lpush` and `rpush`): read the oldest records with LRANGE,
 * submit them, and only after the pipeline has stored them remove them with LTRIM. Nothing is
 * lost across a Redis or attackmap outage; a crash between store and trim reads that one
 * batch again (at-least-once). One consumer per key: two attackmap nodes must not share a list.
 *
 * `mode: channel` (Suricata's `channel`/`publish`): SUBSCRIBE to the key. Pub/sub keeps
 * nothing for an absent subscriber, so messages sent during an outage are lost by design; a
 * bounded queue (maxQueued) drops and counts what arrives faster than the pipeline stores.
 *
 * Reconnection is ioredis's (back-off up to 5 s); the list loop also backs off on errors.
 */
import type { Redis } from 'ioredis';
import { DEFAULT_MAX_RECORD_CHARS, type FramedRecord } from '../framing.js';
import type { Source, SourceConfigBase, SourceContext, SourceType } from '../types.js';

export const DEFAULT_BATCH = 500;
export const DEFAULT_IDLE_MS = 100;
export const DEFAULT_MAX_QUEUED = 20_000;
const MAX_BACKOFF_MS = 5000;

export interface RedisSourceOptions {
  url: string;
  key: string;
  mode: 'list' | 'channel';
  /** How the producer adds to the list: Suricata's `list`/`lpush` push at the head, `rpush` at the tail. */
  push: 'lpush' | 'rpush';
  /** Records per LRANGE/submit. */
  batch: number;
  /** Wait between polls of an empty list, ms. */
  idleMs: number;
  maxQueued: number;
  maxRecordChars: number;
}

function readOptions(config: SourceConfigBase): RedisSourceOptions {
  return {
    url: (config.url as string | undefined) ?? 'redis://127.0.0.1:6379',
    key: (config.key as string | undefined) ?? 'suricata',
    mode: (config.mode as 'list' | 'channel' | undefined) ?? 'list',
    push: (config.push as 'lpush' | 'rpush' | undefined) ?? 'lpush',
    batch: (config.batch as number | undefined) ?? DEFAULT_BATCH,
    idleMs: (config.idleMs as number | undefined) ?? DEFAULT_IDLE_MS,
    maxQueued: (config.maxQueued as number | undefined) ?? DEFAULT_MAX_QUEUED,
    maxRecordChars: (config.maxRecordChars as number | undefined) ?? DEFAULT_MAX_RECORD_CHARS,
  };
}

export class RedisSource implements Source {
  readonly opts: RedisSourceOptions;
  private client: Redis | null = null;
  private loop: Promise<void> | null = null;
  private readonly flag = { stopped: false };
  private wake: (() => void) | null = null;
  private queue: FramedRecord[] = [];
  private flushing: Promise<void> | null = null;
  private seq = 0;
  private received = 0;
  private errors = 0;
  private dropped = 0;
  private lastRecordAt: string | null = null;
  private lastWarn = 0;
  /** Why Redis cannot be read right now, for problem(); cleared once it answers. */
  private trouble: string | null = null;

  constructor(readonly name: string, config: SourceConfigBase, private readonly ctx: SourceContext) {
    this.opts = readOptions(config);
  }

  private position(): string {
    const u = new URL(this.opts.url);
    return `redis://${u.host}/${this.opts.key}`;
  }

  async start(): Promise<void> {
    this.flag.stopped = false;
    // Loaded here, so that commands and servers without a redis source do not load the client.
    const { Redis: RedisClient } = await import('ioredis');
    if (this.flag.stopped) return;
    this.client = new RedisClient(this.opts.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, MAX_BACKOFF_MS),
      // Keep the source quiet about each retry; the loop logs outages once per 10 s.
      reconnectOnError: () => true,
    });
    this.client.on('error', (err) => {
      this.trouble = `not reachable: ${err.message}`;
      this.warnLimited('redis connection error', { error: String(err) });
    });
    this.client.on('ready', () => { this.trouble = null; });
    // Connect in the background: an unreachable Redis must not hold up the server's start.
    this.client.connect().catch((err) => {
      this.trouble = `not reachable: ${(err as Error).message}`;
      this.warnLimited('redis not reachable yet', { error: String(err) });
    });
    if (this.opts.mode === 'list') this.loop = this.listLoop();
    else await this.subscribe();
  }

  async stop(): Promise<void> {
    this.flag.stopped = true;
    this.wake?.();
    if (this.loop) await this.loop;
    if (this.flushing) await this.flushing;
    if (this.queue.length > 0) await this.flushQueue();
    this.client?.disconnect();
    this.client = null;
  }

  stats() {
    return { received: this.received, lastRecordAt: this.lastRecordAt, errors: this.errors };
  }

  counters() {
    return { dropped: this.dropped };
  }

  /** "not reachable: …" while the connection is down, "cannot read list …" while reads fail. */
  problem(): string | null {
    return this.trouble;
  }

  /** Waits `ms`, or less when stop() is called. */
  private sleep(ms: number): Promise<void> {
    if (this.flag.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); this.wake = null; resolve(); };
    });
  }

  private record(text: string): FramedRecord {
    const truncated = text.length > this.opts.maxRecordChars;
    return { text: truncated ? text.slice(0, this.opts.maxRecordChars) : text, truncated, line: ++this.seq };
  }

  /** LRANGE the oldest `batch`, submit, then LTRIM exactly those away. */
  private async listLoop(): Promise<void> {
    const { key, batch, push } = this.opts;
    let backoff = 100;
    while (!this.flag.stopped) {
      const client = this.client!;
      try {
        const items = push === 'lpush' ? (await client.lrange(key, -batch, -1)).reverse() : await client.lrange(key, 0, batch - 1);
        backoff = 100;
        this.trouble = null;
        if (items.length === 0) {
          await this.sleep(this.opts.idleMs);
          continue;
        }
        const records = items.map((t) => this.record(t));
        await this.ctx.submitRecords(records, { source: this.name, position: this.position() });
        // Stored: remove exactly the items read. Producers only add at the other end.
        if (push === 'lpush') await client.ltrim(key, 0, -items.length - 1);
        else await client.ltrim(key, items.length, -1);
        this.received += items.length;
        this.lastRecordAt = this.ctx.now().toISOString();
      } catch (err) {
        this.errors += 1;
        // An outage is already described by the connection's own error.
        this.trouble ??= `cannot read list ${key}: ${(err as Error).message}`;
        this.warnLimited('redis list read failed; retrying', { key, error: String(err) });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async subscribe(): Promise<void> {
    const client = this.client!;
    client.on('message', (_channel: string, message: string) => {
      if (this.queue.length >= this.opts.maxQueued) {
        this.dropped += 1;
        this.warnLimited('redis channel messages dropped: the pipeline is behind', {});
        return;
      }
      this.queue.push(this.record(message));
      this.received += 1;
      if (!this.flushing) this.flushing = this.flushSoon();
    });
    // ioredis re-subscribes after a reconnect by itself.
    client.subscribe(this.opts.key).catch((err) => {
      this.trouble ??= `cannot subscribe to ${this.opts.key}: ${(err as Error).message}`;
      this.warnLimited('redis subscribe failed', { error: String(err) });
    });
  }

  private async flushSoon(): Promise<void> {
    await new Promise((r) => setTimeout(r, 5));
    try {
      while (this.queue.length > 0) await this.flushQueue();
    } finally {
      this.flushing = null;
    }
  }

  private async flushQueue(): Promise<void> {
    const part = this.queue.splice(0, this.opts.batch);
    try {
      await this.ctx.submitRecords(part, { source: this.name, position: this.position() });
      this.lastRecordAt = this.ctx.now().toISOString();
    } catch (err) {
      this.errors += 1;
      this.warnLimited('redis channel records not stored', { count: part.length, error: String(err) });
    }
  }

  private warnLimited(message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastWarn < 10_000) return;
    this.lastWarn = now;
    this.ctx.log('warn', message, { dropped: this.dropped, ...fields });
  }
}

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const redisSourceType: SourceType = {
  type: 'redis',
  defaultFormat: 'suricata-eve',
  check(config) {
    if (config.url !== undefined) {
      if (typeof config.url !== 'string') return 'url: must be a redis:// or rediss:// URL';
      try {
        const u = new URL(config.url);
        if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return 'url: must be a redis:// or rediss:// URL';
      } catch {
        return 'url: not a valid URL';
      }
    }
    if (config.key !== undefined && (typeof config.key !== 'string' || config.key.length === 0)) return 'key: must be a non-empty string (the list or channel Suricata writes to)';
    if (config.mode !== undefined && config.mode !== 'list' && config.mode !== 'channel') return "mode: must be 'list' or 'channel'";
    if (config.push !== undefined && config.push !== 'lpush' && config.push !== 'rpush') return "push: must be 'lpush' (Suricata's list default) or 'rpush'";
    if (config.batch !== undefined && !intIn(config.batch, 1, 100_000)) return 'batch: must be an integer from 1 to 100000';
    if (config.idleMs !== undefined && !intIn(config.idleMs, 1, 60_000)) return 'idleMs: must be an integer from 1 to 60000';
    if (config.maxQueued !== undefined && !intIn(config.maxQueued, 100, 10_000_000)) return 'maxQueued: must be an integer from 100 to 10000000';
    return null;
  },
  create: (config, ctx) => new RedisSource(config.name, { format: 'suricata-eve', ...config }, ctx),
};
