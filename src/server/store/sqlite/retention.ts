/**
 * Retention: raw events (and their per-minute id bounds and minute totals) older than
 * rawRetentionDays, hour and day rollups older than rollupRetentionDays. Deletes run in steps of
 * STEP_ROWS rows, each its own short transaction, with a turn of the event loop between steps so
 * the group-commit writer is never held up for more than one step.
 */
import type Database from 'better-sqlite3';
import { DIMS, HOUR, LEVELS, MINUTE } from './schema.js';

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
  private readonly steps: { name: string; run: () => number }[];

  constructor(private readonly db: Database.Database, private readonly opts: RetentionOptions) {
    const rawCut = () => this.opts.now() - this.opts.rawRetentionDays * DAY_MS;
    const rollCut = () => this.opts.now() - this.opts.rollupRetentionDays * DAY_MS;
    const delEvents = db.prepare(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE t < ? LIMIT ${STEP_ROWS})`);
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
          db.transaction(() => { n = delEvents.run(rawCut()).changes; if (n > 0) metaSub.run(n); }).immediate();
          if (n > 0) this.opts.onEventsDeleted(n);
          return n;
        },
      },
      { name: 'r_ids', run: () => delIds.run(Math.floor(rawCut() / 60_000)).changes },
      // Minute totals only feed fine-grained series, kept as long as the raw events.
      { name: 'r_tot minute', run: () => delTot.run(MINUTE, bucketCut(MINUTE, rawCut())).changes },
      ...[HOUR, HOUR + 1].flatMap((level) => [
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
        } catch {
          // A busy or failing disk: try again on the next sweep rather than spin here.
          return done;
        }
        if (step.name === 'events') done.events += n; else done.rollups += n;
        if (n < STEP_ROWS) break;
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
