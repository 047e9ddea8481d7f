/**
 * The `file` source: follows growing log files by polling (inotify misses events on NFS and in
 * some containers; a poll every 250 ms costs one stat per file).
 *
 * Position rule: the saved position is the byte offset just after the last COMPLETE record,
 * and it is saved only after submitRecords has resolved (the events are durable). A restart
 * re-reads from there, so a line is neither lost nor doubled on a clean stop; after a crash
 * between commit and save, the records of that one batch are read again (at-least-once).
 *
 * Rotation: by rename (logrotate's default) the old inode keeps its descriptor and is followed
 * until it has not grown for `rotateWaitMs` (the writer may go on appending to it until it is
 * told to reopen its log), then closed; the new file at the path is read from byte 0 meanwhile.
 * By copy-truncate the size drops below our offset and reading restarts at 0. A truncated file
 * that grows past the old offset between two polls cannot be told from an appended one: keep
 * the poll interval short.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { DEFAULT_MAX_RECORD_CHARS, Framer, type FramedRecord, type Framing } from '../framing.js';
import { parserFor } from '../../parsers/index.js';
import type { Source, SourceConfigBase, SourceContext, SourceType } from '../types.js';
import { checkPattern, parsePattern, type FilePattern } from './glob.js';

/** Bytes read per read() call. */
export const CHUNK_BYTES = 256 * 1024;
/** Default bytes read from one file in one poll before yielding to the others. */
export const DEFAULT_MAX_BYTES_PER_POLL = 8 * 1024 * 1024;
/** Records collected before one submitRecords call (fewer when the file has no more). */
export const SUBMIT_RECORDS = 2000;
/** Default batches of one file in the pipeline at once (bounds memory to about 4 x 2000 records). */
export const MAX_INFLIGHT = 4;
/** Default poll interval, ms. */
export const DEFAULT_POLL_MS = 250;
/** Most files one pattern may follow at once (each holds a descriptor and a record buffer). */
export const MAX_FILES = 256;
/** Default time a rotated-away file is still followed after it last grew, ms. */
export const DEFAULT_ROTATE_WAIT_MS = 30_000;

export interface FileSourceOptions {
  path: string;
  startAt: 'end' | 'beginning';
  pollMs: number;
  maxBytesPerPoll: number;
  /** Longest record kept, in characters; longer ones are cut and flagged truncated. */
  maxRecordChars: number;
  framing: Framing;
  /** Batches of one file in the pipeline at once. */
  maxInflight: number;
  /** A file renamed or deleted away is followed until it has not grown for this long, ms. */
  rotateWaitMs: number;
}

interface SavedPosition {
  dev: string;
  ino: string;
  offset: number;
  /** The offset is inside a line that began before we first looked: skip to its newline. */
  skip?: boolean;
}

interface Tracked {
  path: string;
  fh: FileHandle;
  dev: string;
  ino: string;
  /** Next byte to read. */
  offset: number;
  /** Byte just after the last complete record handed on. */
  safe: number;
  /** The safe offset last written to state. */
  saved: number;
  decoder: StringDecoder;
  framer: Framer;
  /** Set once the path points to another inode or is gone: followed until idle, then closed. */
  draining: boolean;
  /** While draining: when it last grew (epoch ms). */
  grewAt: number;
  /** Started at the end of a file in the middle of a line: drop text up to the first newline. */
  skipPartial: boolean;
}

function inodeKey(x: { dev: string; ino: string }): string {
  return `${x.dev}:${x.ino}`;
}

export function stateKey(path: string): string {
  return `file:${path}`;
}

function readOptions(config: SourceConfigBase): FileSourceOptions {
  const framing = (config.framing as Framing | undefined)
    ?? (config.format ? parserFor(config.format)?.framing : undefined)
    ?? 'line';
  return {
    path: config.path as string,
    startAt: (config.startAt as 'end' | 'beginning' | undefined) ?? 'end',
    pollMs: (config.pollMs as number | undefined) ?? DEFAULT_POLL_MS,
    maxBytesPerPoll: (config.maxBytesPerPoll as number | undefined) ?? DEFAULT_MAX_BYTES_PER_POLL,
    maxRecordChars: (config.maxRecordChars as number | undefined) ?? DEFAULT_MAX_RECORD_CHARS,
    framing,
    maxInflight: (config.maxInflight as number | undefined) ?? MAX_INFLIGHT,
    rotateWaitMs: (config.rotateWaitMs as number | undefined) ?? DEFAULT_ROTATE_WAIT_MS,
  };
}

export class FileSource implements Source {
  private readonly opts: FileSourceOptions;
  private readonly pattern: FilePattern;
  private readonly files = new Map<string, Tracked>();
  /** Old inodes still being read after a rotation, keyed by dev:ino. */
  private readonly draining = new Map<string, Tracked>();
  private readonly buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private firstPoll = true;
  private received = 0;
  private errors = 0;
  private lastRecordAt: string | null = null;
  private warned = new Set<string>();
  /** What the last poll could not do, for problem(); rebuilt by every poll. */
  private trouble: string | null = null;

  constructor(readonly name: string, config: SourceConfigBase, private readonly ctx: SourceContext) {
    this.opts = readOptions(config);
    this.pattern = parsePattern(this.opts.path);
  }

  async start(): Promise<void> {
    this.stopped = false;
    // The first poll runs in the background: a large backlog must not hold up the server's start.
    this.schedule(0);
  }

  /** One poll over every matching file; exposed for tests and benchmarks. */
  async pollOnce(): Promise<boolean> {
    if (this.loop) {
      await this.loop;
      return false;
    }
    let more = false;
    this.loop = (async () => {
      more = await this.poll();
    })().finally(() => { this.loop = null; });
    await this.loop;
    return more;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.loop) await this.loop;
    for (const t of [...this.files.values(), ...this.draining.values()]) await t.fh.close().catch(() => undefined);
    this.files.clear();
    this.draining.clear();
  }

  stats() {
    return { received: this.received, lastRecordAt: this.lastRecordAt, errors: this.errors };
  }

  /** "no file matches <path>" while the path or pattern names nothing, "cannot read <path>: …". */
  problem(): string | null {
    return this.trouble;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pollOnce().then(
        (more) => this.schedule(more ? 0 : this.opts.pollMs),
        (err) => {
          this.errors += 1;
          this.trouble = `poll failed: ${reasonOf(err)}`;
          this.ctx.log('error', 'file poll failed', { error: String(err) });
          this.schedule(this.opts.pollMs);
        },
      );
    }, ms);
  }

  private async listPaths(troubles: string[]): Promise<string[]> {
    if (!this.pattern.match) return [this.opts.path];
    let names: string[];
    try {
      names = await readdir(this.pattern.dir);
    } catch (err) {
      this.warnOnce(`dir:${this.pattern.dir}`, 'cannot list directory', err);
      troubles.push(`no file matches ${this.opts.path} (cannot list ${this.pattern.dir}: ${reasonOf(err)})`);
      return [];
    }
    const re = this.pattern.match;
    return names.filter((n) => re.test(n)).sort().map((n) => join(this.pattern.dir, n));
  }

  /** Returns true when some file has more bytes waiting than one poll may read. */
  private async poll(): Promise<boolean> {
    const first = this.firstPoll;
    this.firstPoll = false;
    let more = false;
    for (const [key, old] of this.draining) {
      if (this.stopped) return false;
      const state = await this.drain(old);
      if (state === 'closed') this.draining.delete(key);
      else if (state === 'more') more = true;
    }

    // Files are followed by inode, not by name: a rotated file renamed to another matching
    // name keeps its reader and position, and a new inode at an old name is a new file.
    const found = new Map<string, { path: string; size: number; dev: string; ino: string }>();
    const troubles: string[] = [];
    for (const path of await this.listPaths(troubles)) {
      try {
        const st = await stat(path, { bigint: true });
        if (!st.isFile()) continue;
        const id = { path, size: Number(st.size), dev: st.dev.toString(), ino: st.ino.toString() };
        if (!found.has(inodeKey(id))) found.set(inodeKey(id), id);
      } catch (err) {
        if (!this.files.has(path)) this.warnOnce(`stat:${path}`, 'cannot read file', err);
        // A name gone between listing and stat, or a plain path with no file yet: "no file matches" below.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') troubles.push(`cannot read ${path}: ${reasonOf(err)}`);
      }
    }
    const next = new Map<string, Tracked>();
    for (const t of this.files.values()) {
      const now = found.get(inodeKey(t));
      if (!now) {
        await this.retire(t);
        continue;
      }
      if (now.path !== t.path) t.saved = -1;
      t.path = now.path;
      next.set(t.path, t);
    }
    this.files.clear();
    for (const [p, t] of next) this.files.set(p, t);

    for (const id of found.values()) {
      if (this.stopped) return false;
      let t = this.files.get(id.path);
      if (!t) {
        if (this.draining.has(inodeKey(id))) continue;
        if (this.files.size >= MAX_FILES) {
          this.warnOnce('max-files', `following at most ${MAX_FILES} files; ${id.path} is ignored`);
          continue;
        }
        t = await this.openTracked(id.path, id.dev, id.ino, id.size, first, troubles);
        if (!t) continue;
        this.files.set(id.path, t);
      }
      if ((await this.readFile(t)) === 'more') more = true;
    }
    if (found.size === 0 && troubles.length === 0) troubles.push(`no file matches ${this.opts.path}`);
    this.trouble = troubles[0] ?? null;
    return more;
  }

  /**
   * Moves a file whose name now points elsewhere (or nowhere) to draining: the writer may still
   * append to it until it reopens its log, so it is followed until idle for rotateWaitMs.
   */
  private async retire(t: Tracked): Promise<void> {
    this.files.delete(t.path);
    t.draining = true;
    t.grewAt = this.ctx.now().getTime();
    if ((await this.drain(t)) !== 'closed') this.draining.set(inodeKey(t), t);
  }

  /**
   * Reads a draining file: 'more' when a poll's budget was not enough, 'waiting' while it has
   * grown within rotateWaitMs, 'closed' once it has been idle that long (its last line is then
   * complete).
   */
  private async drain(t: Tracked): Promise<'more' | 'waiting' | 'closed'> {
    const before = t.offset;
    const state = await this.readFile(t);
    const now = this.ctx.now().getTime();
    if (t.offset !== before) t.grewAt = now;
    if (state === 'more') return 'more';
    if (now - t.grewAt < this.opts.rotateWaitMs) return 'waiting';
    await this.finish(t);
    return 'closed';
  }

  /** Ends a file that will not grow any more: its last unterminated record is complete now. */
  private async finish(t: Tracked): Promise<void> {
    const tail = t.framer.push(t.decoder.end());
    tail.push(...t.framer.end());
    if (tail.length > 0) await this.submit(t, tail, t.offset);
    await t.fh.close().catch(() => undefined);
  }

  private async openTracked(path: string, dev: string, ino: string, size: number, first: boolean, troubles: string[]): Promise<Tracked | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      this.warnOnce(`open:${path}`, 'cannot open file', err);
      troubles.push(`cannot read ${path}: ${reasonOf(err)}`);
      return undefined;
    }
    let offset = 0;
    let skipPartial = false;
    const saved = this.loadPosition(path);
    if (saved && saved.dev === dev && saved.ino === ino && saved.offset <= size) {
      offset = saved.offset;
      skipPartial = saved.skip === true;
    } else if (!saved && first && this.opts.startAt === 'end' && size > 0) {
      offset = size;
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      skipPartial = last[0] !== 10;
    }
    // Otherwise: a file created (or rotated in) since we last looked is read from its start.
    const t: Tracked = {
      path, fh, dev, ino, offset, safe: offset, saved: -1, skipPartial,
      decoder: new StringDecoder('utf8'), framer: new Framer(this.opts.framing, this.opts.maxRecordChars), draining: false, grewAt: 0,
    };
    // Save the starting point at once, so lines written while we are down are not skipped by 'end'.
    this.savePosition(t);
    return t;
  }

  /** Saves `offset` (default: the current safe offset) as the durable position of `t`. */
  private savePosition(t: Tracked, offset = t.safe, skip = t.skipPartial): void {
    // A draining old inode shares its path's key with the new file; the new file owns it.
    if (offset === t.saved || t.draining) return;
    const pos: SavedPosition = { dev: t.dev, ino: t.ino, offset };
    if (skip) pos.skip = true;
    this.ctx.state.setState(stateKey(t.path), JSON.stringify(pos));
    t.saved = offset;
  }

  private loadPosition(path: string): SavedPosition | undefined {
    const raw = this.ctx.state.getState(stateKey(path));
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as SavedPosition;
      if (typeof v.offset === 'number' && typeof v.ino === 'string' && typeof v.dev === 'string') return v;
    } catch { /* a damaged position is treated as none */ }
    return undefined;
  }

  /**
   * Reads from t.offset up to the poll budget, frames complete records, submits them and then
   * saves the position. Returns 'eof' when everything present was read, 'more' otherwise.
   */
  private async readFile(t: Tracked): Promise<'eof' | 'more'> {
    const size = Number((await t.fh.stat({ bigint: true })).size);
    if (size < t.offset) {
      // Copy-truncate: the same inode got shorter. Start over from byte 0.
      this.ctx.log('info', 'file truncated; reading from the start', { path: t.path, size, offset: t.offset });
      t.offset = 0;
      t.safe = 0;
      t.decoder = new StringDecoder('utf8');
      t.framer = new Framer(this.opts.framing, this.opts.maxRecordChars);
    }
    let budget = this.opts.maxBytesPerPoll;
    // Records of several chunks go out together (the store commits a large batch more cheaply),
    // and up to MAX_INFLIGHT batches are in the pipeline at once, so one batch's commit wait
    // overlaps the next batch's parsing. Positions are saved strictly in order.
    const inflight: { done: Promise<unknown>; count: number; safeAfter: number; skip: boolean; start: number }[] = [];
    let failed = false;
    const settleOne = async () => {
      const e = inflight.shift()!;
      try {
        await e.done;
        this.received += e.count;
        if (e.count > 0) this.lastRecordAt = this.ctx.now().toISOString();
        if (!failed) this.savePosition(t, e.safeAfter, e.skip);
      } catch (err) {
        if (failed) return;
        failed = true;
        this.errors += 1;
        this.ctx.log('error', 'records not stored; will read them again', { path: t.path, offset: e.start, error: String(err) });
        this.rewind(t, e.start);
      }
    };
    const send = (records: FramedRecord[], start: number) => {
      const done = records.length > 0 ? this.ctx.submitRecords(records, { source: this.name, position: `${t.path}:${start}` }) : Promise.resolve();
      done.catch(() => undefined); // settled (and reported) in order by settleOne
      inflight.push({ done, count: records.length, safeAfter: t.safe, skip: t.skipPartial, start });
    };
    let batch: FramedRecord[] = [];
    let batchStart = t.safe;
    while (budget > 0 && !this.stopped && !failed) {
      const want = Math.min(CHUNK_BYTES, budget);
      const { bytesRead } = await t.fh.read(this.buf, 0, want, t.offset);
      if (bytesRead === 0) break;
      const records = this.frame(t, this.buf.subarray(0, bytesRead), t.offset);
      t.offset += bytesRead;
      budget -= bytesRead;
      for (const r of records) batch.push(r);
      if (batch.length >= SUBMIT_RECORDS) {
        send(batch, batchStart);
        batch = [];
        batchStart = t.safe;
        while (inflight.length >= this.opts.maxInflight) await settleOne();
      }
    }
    if (!failed && (batch.length > 0 || t.safe !== t.saved)) send(batch, batchStart);
    while (inflight.length > 0) await settleOne();
    if (failed) return 'more';
    if (t.offset < size && budget <= 0) return 'more';
    return t.offset >= size ? 'eof' : 'more';
  }

  /** Splits on newline bytes (0x0A never occurs inside a UTF-8 sequence) so offsets stay exact. */
  private frame(t: Tracked, chunk: Buffer, chunkStart: number): FramedRecord[] {
    const out: FramedRecord[] = [];
    let from = 0;
    let nl = chunk.indexOf(10, from);
    if (t.skipPartial) {
      if (nl === -1) return out;
      t.skipPartial = false;
      t.safe = chunkStart + nl + 1;
      from = nl + 1;
      nl = chunk.indexOf(10, from);
    }
    while (nl !== -1) {
      const recs = t.framer.push(t.decoder.write(chunk.subarray(from, nl + 1)));
      for (const r of recs) out.push(r);
      if (t.framer.pendingChars === 0) t.safe = chunkStart + nl + 1;
      from = nl + 1;
      nl = chunk.indexOf(10, from);
    }
    if (from < chunk.length) t.framer.push(t.decoder.write(chunk.subarray(from)));
    return out;
  }

  /**
   * Hands records to the pipeline and saves the position once they are durable. On failure the
   * file is rewound to the last saved position so the records are read again next poll.
   */
  private async submit(t: Tracked, records: FramedRecord[], fromOffset: number): Promise<boolean> {
    try {
      if (records.length > 0) {
        await this.ctx.submitRecords(records, { source: this.name, position: `${t.path}:${fromOffset}` });
        this.received += records.length;
        this.lastRecordAt = this.ctx.now().toISOString();
      }
      this.savePosition(t);
      return true;
    } catch (err) {
      this.errors += 1;
      this.ctx.log('error', 'records not stored; will read them again', { path: t.path, offset: fromOffset, error: String(err) });
      this.rewind(t, fromOffset);
      return false;
    }
  }

  /** Back to a record boundary after a failed store: the records from there are read again. */
  private rewind(t: Tracked, offset: number): void {
    t.offset = offset;
    t.safe = offset;
    t.decoder = new StringDecoder('utf8');
    t.framer = new Framer(this.opts.framing, this.opts.maxRecordChars);
  }

  private warnOnce(key: string, message: string, err?: unknown): void {
    if (this.warned.has(key)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(key);
    this.ctx.log('warn', message, { path: this.opts.path, ...(err ? { error: String(err) } : {}) });
  }
}

/** "permission denied" from "EACCES: permission denied, open '/x'"; other messages as they are. */
function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

function positiveInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const fileSourceType: SourceType = {
  type: 'file',
  check(config) {
    if (typeof config.path !== 'string') return 'path: required, a file path or a pattern like /var/log/*.log';
    const p = checkPattern(config.path);
    if (p) return `path: ${p}`;
    if (config.format === undefined && config.framing === undefined) return 'format: a file source needs the format of its lines';
    if (config.startAt !== undefined && config.startAt !== 'end' && config.startAt !== 'beginning') return "startAt: must be 'end' or 'beginning'";
    if (config.pollMs !== undefined && !positiveInt(config.pollMs, 10, 600_000)) return 'pollMs: must be an integer from 10 to 600000';
    if (config.maxBytesPerPoll !== undefined && !positiveInt(config.maxBytesPerPoll, 4096, 1024 ** 3)) return 'maxBytesPerPoll: must be an integer from 4096 to 1073741824';
    if (config.maxRecordChars !== undefined && !positiveInt(config.maxRecordChars, 256, 64 * 1024 * 1024)) return 'maxRecordChars: must be an integer from 256 to 67108864';
    if (config.maxInflight !== undefined && !positiveInt(config.maxInflight, 1, 16)) return 'maxInflight: must be an integer from 1 to 16';
    if (config.rotateWaitMs !== undefined && !positiveInt(config.rotateWaitMs, 0, 86_400_000)) return 'rotateWaitMs: must be an integer from 0 to 86400000';
    if (config.framing !== undefined && config.framing !== 'line' && config.framing !== 'blank-line') return "framing: must be 'line' or 'blank-line'";
    return null;
  },
  create: (config, ctx) => new FileSource(config.name, config, ctx),
};
