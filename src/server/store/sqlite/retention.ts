/**
 * Retention: raw events (and their per-minute id bounds and minute totals) older than
 * rawRetentionDays, hour and day rollups older than rollupRetentionDays. Deletes run in steps of
 * STEP_ROWS rows, each its own short transaction, with a turn of the event loop between steps so
 * the group-commit writer is never held up for more than one step.
 */
import type Database from 'better-sqlite3';
import { DAY, DIMS, HOUR, LEVELS, MINUTE } from './schema.js';
import { seenRetentionSteps } from './trends.js';

/**
 * Source addresses are the one dimension whose keys number about as many as the events. Once an
 * hour (day) is over, its srcIp rollup keeps only its `keep` busiest addresses, so a 24-hour or
 * 30-day top list reads a few thousand rows. The cost: srcIp top lists over whole past hours are
 * approximate (an address below the cut in every hour is missed; counts are lower bounds).
 */
export const PRUNE = [{ level: HOUR, keep: 500 }, { level: DAY, keep: 2_000 }];
const SRC_IP = DIMS.indexOf('srcIp');

/** Rows deleted per step. */
export const STEP_ROWS = 5_000;
const DAY_MS = 86_400_000;

export interface RetentionOptions {
  now: () => number;
  rawRetentionDays: number;
  rollupRetentionDays: number;
  onEventsDeleted: (n: number) => void;
}

const yieldTurn = () => new Promise<void>((r) => setImmediate(r));

export class Retention {
  private running: Promise<{ events: number; rollups: number }> | null = null;
  private stopped = false;
  /** Steps that threw since open, and the last message (shown by health()). */
  errors = 0;
  lastError: string | null = null;
  private readonly steps: { name: string; run: () => number; more?: (n: number) => boolean }[];

  constructor(private readonly db: Database.Database, private readonly opts: RetentionOptions) {
    const rawCut = () => this.opts.now() - this.opts.rawRetentionDays * DAY_MS;
    const rollCut = () => this.opts.now() - this.opts.rollupRetentionDays * DAY_MS;
    const oldIds = db.prepare(`SELECT id FROM events WHERE t < ? LIMIT ${STEP_ROWS}`).pluck();
    const delEvent = db.prepare('DELETE FROM events WHERE id = ?');
    const delJson = db.prepare('DELETE FROM event_json WHERE id = ?');
    const metaSub = db.prepare("UPDATE meta SET n = n - ? WHERE key = 'events'");
    const delIds = db.prepare(`DELETE FROM r_ids WHERE minute IN (SELECT minute FROM r_ids WHERE minute < ? LIMIT ${STEP_ROWS})`);
    const delTot = db.prepare(`DELETE FROM r_tot WHERE (level, bucket, category, sev) IN
      (SELECT level, bucket, category, sev FROM r_tot WHERE level = ? AND bucket < ? LIMIT ${STEP_ROWS})`);
    const delDim = db.prepare(`DELETE FROM r_dim WHERE (level, dim, bucket, key) IN
      (SELECT level, dim, bucket, key FROM r_dim WHERE level = ? AND dim = ? AND bucket < ? LIMIT ${STEP_ROWS})`);
    // A bucket goes once all of it is older than the cut-off.
    const bucketCut = (level: number, cut: number) => Math.floor(cut / LEVELS[level]) * LEVELS[level] - LEVELS[level] + 1;
    this.steps = [
      {
        name: 'events',
        run: () => {
          let n = 0;
          db.transaction(() => {
            const ids = oldIds.all(rawCut()) as number[];
            for (const id of ids) { delEvent.run(id); delJson.run(id); }
            n = ids.length;
            if (n > 0) metaSub.run(n);
          }).immediate();
          if (n > 0) this.opts.onEventsDeleted(n);
          return n;
        },
      },
      { name: 'r_ids', run: () => delIds.run(Math.floor(rawCut() / 60_000)).changes },
      // Minute totals only feed fine-grained series, kept as long as the raw events.
      { name: 'r_tot minute', run: () => delTot.run(MINUTE, bucketCut(MINUTE, rawCut())).changes },
      // First sightings of sources unseen for the whole raw retention: such a source is new again.
      ...seenRetentionSteps(db, rawCut, STEP_ROWS),
      ...PRUNE.map(({ level, keep }) => {
        const key = level === HOUR ? 'pruned_hour' : 'pruned_day';
        const width = LEVELS[level];
        const watermark = db.prepare('SELECT n FROM meta WHERE key = ?').pluck();
        const setMark = db.prepare('UPDATE meta SET n = ? WHERE key = ?');
        const next = db.prepare('SELECT bucket FROM r_dim WHERE level = ? AND dim = ? AND bucket >= ? AND bucket < ? ORDER BY bucket LIMIT 1').pluck();
        const prune = db.prepare(`DELETE FROM r_dim WHERE level = ? AND dim = ? AND bucket = ? AND key NOT IN
          (SELECT key FROM r_dim WHERE level = ? AND dim = ? AND bucket = ? ORDER BY cnt DESC LIMIT ?)`);
        let more = false;
        return {
          name: `prune ${level}`,
          // One bucket per step; a bucket is pruned once it ended over an hour ago.
          run: () => {
            let n = 0;
            db.transaction(() => {
              const from = watermark.get(key) as number;
              const limit = Math.floor((this.opts.now() - 3_600_000) / width) * width - width + 1;
              const b = next.get(level, SRC_IP, from, limit) as number | undefined;
              more = b !== undefined;
              if (b === undefined) return;
              n = prune.run(level, SRC_IP, b, level, SRC_IP, b, keep).changes;
              setMark.run(b + width, key);
            }).immediate();
            return n;
          },
          more: () => more,
        };
      }),
      ...[HOUR, DAY].flatMap((level) => [
        { name: `r_tot ${level}`, run: () => delTot.run(level, bucketCut(level, rollCut())).changes },
        ...DIMS.map((_, dim) => ({ name: `r_dim ${level}/${dim}`, run: () => delDim.run(level, dim, bucketCut(level, rollCut())).changes })),
      ]),
    ];
  }

  /** One full pass; a second call while one runs shares it. */
  sweep(): Promise<{ events: number; rollups: number }> {
    if (!this.running) {
      this.running = this.pass().finally(() => { this.running = null; });
    }
    return this.running;
  }

  private async pass(): Promise<{ events: number; rollups: number }> {
    const done = { events: 0, rollups: 0 };
    for (const step of this.steps) {
      for (;;) {
        if (this.stopped) return done;
        let n: number;
        try {
          n = step.run();
        } catch (err) {
          // A busy or failing disk: try again on the next sweep rather than spin here.
          this.errors++;
          this.lastError = `${step.name}: ${(err as Error).message}`;
          return done;
        }
        if (step.name === 'events') done.events += n; else done.rollups += n;
        if (step.more ? !step.more(n) : n < STEP_ROWS) break;
        await yieldTurn();
      }
      await yieldTurn();
    }
    return done;
  }

  /** Ends a running sweep after its current step. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.running) await this.running;
  }
}
