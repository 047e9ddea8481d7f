/**
 * The ingest pipeline: validate (or parse, then validate), enrich, store durably, then publish.
 * Every path into the event log goes through here, so every stage counts what it received,
 * accepted, skipped and rejected, and every unreadable record reaches the dead-letter store.
 */
import type { AttackEvent, EnrichedEvent } from '../event/schema.js';
import { validateIngest, clip, type ValidateDefaults } from '../event/validate.js';
import { toIso } from '../event/time.js';
import type { ErrorCode } from '../event/errors.js';
import type { Correlator, ParseContext, Parser } from './parsers/types.js';
import type { FramedRecord } from './sources/framing.js';
import type { Enricher } from './enrich/types.js';
import type { DeadLetter, EventLog } from './store/types.js';
import type { Bus } from './bus/types.js';

/** Most per-item errors returned in one answer; the counts stay exact. */
export const MAX_REPORTED_ERRORS = 100;
/** Raw text kept of a dead-letter record. */
export const DEAD_LETTER_RAW_CHARS = 2048;
/** At most one "older than retention" warning per source in this long, ms. */
export const RETENTION_WARN_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface ItemError { index: number; code: ErrorCode; message: string; line?: number }

export interface IngestResult {
  accepted: number;
  rejected: number;
  skipped: number;
  errors: ItemError[];
  /** The stored events, in id order. */
  stored: AttackEvent[];
}

export interface RecordBatch {
  parser: Parser;
  ctx: ParseContext;
  /** The source's correlator, when its format needs one (kept by the caller per source). */
  correlator?: Correlator;
  source: string;
  /** Where the batch came from (file path, peer), for dead letters. */
  position?: string;
}

export interface PipelineCounters {
  received: number;
  accepted: number;
  rejected: number;
  skipped: number;
  /** Key `source|format|code`. */
  errors: Map<string, number>;
  /** Key `source`. */
  acceptedBySource: Map<string, number>;
  lastEventAt: Map<string, string>;
  /**
   * Events stored with an event time older than now − retention.rawDays: retention deletes them
   * within minutes (an imported archive, a sensor with a wrong clock).
   */
  beyondRetention: number;
  /** Key `source`. */
  beyondRetentionBySource: Map<string, number>;
}

export interface Pipeline {
  /** Validates untrusted event objects (HTTP JSON, Redis) and stores the good ones. */
  submitEvents(values: unknown[], defaults: ValidateDefaults & { source: string }): Promise<IngestResult>;
  /** Parses framed records with a format and stores the events they yield. */
  submitRecords(records: FramedRecord[], batch: RecordBatch): Promise<IngestResult>;
  counters: PipelineCounters;
}

export interface PipelineDeps {
  log: EventLog;
  enricher: Enricher;
  bus: Bus;
  now: () => Date;
  /** retention.rawDays: events older than this are counted as beyondRetention. */
  rawDays?: number;
  /** Where the beyond-retention warning goes. */
  logLine?: (level: 'warn', message: string, fields?: Record<string, unknown>) => void;
}

/** Most distinct error keys counted; further keys fold into one overflow key. */
const MAX_ERROR_KEYS = 2000;

export function createPipeline(deps: PipelineDeps): Pipeline {
  const counters: PipelineCounters = {
    received: 0, accepted: 0, rejected: 0, skipped: 0,
    errors: new Map(), acceptedBySource: new Map(), lastEventAt: new Map(),
    beyondRetention: 0, beyondRetentionBySource: new Map(),
  };
  /** Per source: when it was last warned about (ms), and what it stored beyond retention since. */
  const retentionWarnedAt = new Map<string, number>();
  const retentionUnwarned = new Map<string, number>();

  function countError(source: string, format: string, code: string): void {
    let key = `${source}|${format}|${code}`;
    if (!counters.errors.has(key) && counters.errors.size >= MAX_ERROR_KEYS) key = 'other|other|other';
    counters.errors.set(key, (counters.errors.get(key) ?? 0) + 1);
  }

  async function store(events: EnrichedEvent[], source: string): Promise<AttackEvent[]> {
    if (events.length === 0) return [];
    const stored = await deps.log.append(events);
    counters.accepted += stored.length;
    counters.acceptedBySource.set(source, (counters.acceptedBySource.get(source) ?? 0) + stored.length);
    counters.lastEventAt.set(source, deps.now().toISOString());
    countBeyondRetention(stored, source);
    deps.bus.publish(stored);
    return stored;
  }

  /** Stored anyway (the sender was told so), but counted and warned about: retention will delete them. */
  function countBeyondRetention(stored: AttackEvent[], source: string): void {
    if (deps.rawDays === undefined) return;
    const now = deps.now().getTime();
    // Event times are canonical ISO-8601 UTC with four-digit years (toIso), so the text compares
    // in time order and no event's time needs parsing on this path.
    const cut = toIso(now - deps.rawDays * DAY_MS);
    if (cut === null) return;
    let n = 0;
    for (const e of stored) if (e.time < cut) n += 1;
    if (n === 0) return;
    counters.beyondRetention += n;
    counters.beyondRetentionBySource.set(source, (counters.beyondRetentionBySource.get(source) ?? 0) + n);
    const pending = (retentionUnwarned.get(source) ?? 0) + n;
    const last = retentionWarnedAt.get(source);
    if (last !== undefined && now - last < RETENTION_WARN_MS) {
      retentionUnwarned.set(source, pending);
      return;
    }
    retentionWarnedAt.set(source, now);
    retentionUnwarned.delete(source);
    deps.logLine?.('warn', `${pending} event${pending === 1 ? '' : 's'} older than retention.rawDays (${deps.rawDays} d) were stored and will be removed by retention; raise retention.rawDays to keep archives`, { source });
  }

  function pushError(errors: ItemError[], e: ItemError): void {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
  }

  return {
    counters,

    async submitEvents(values, defaults) {
      const errors: ItemError[] = [];
      const good: EnrichedEvent[] = [];
      let rejected = 0;
      counters.received += values.length;
      values.forEach((value, index) => {
        const v = validateIngest(value, defaults);
        if (v.ok) {
          good.push(deps.enricher.enrich(v.event));
        } else {
          rejected += 1;
          countError(defaults.source, 'json', v.code);
          pushError(errors, { index, code: v.code, message: v.message });
        }
      });
      counters.rejected += rejected;
      const stored = await store(good, defaults.source);
      return { accepted: stored.length, rejected, skipped: 0, errors, stored };
    },

    async submitRecords(records, batch) {
      const errors: ItemError[] = [];
      const dead: DeadLetter[] = [];
      const good: EnrichedEvent[] = [];
      let rejected = 0;
      let skipped = 0;
      const format = batch.parser.name;
      const defaults = { sensor: batch.ctx.sensor, site: batch.ctx.site };
      counters.received += records.length;

      const reject = (index: number, rec: FramedRecord, code: ErrorCode, message: string) => {
        rejected += 1;
        countError(batch.source, format, code);
        pushError(errors, { index, line: rec.line, code, message });
        dead.push({
          time: deps.now().toISOString(), source: batch.source, format, code, message: clip(message, 500),
          raw: clip(rec.text, DEAD_LETTER_RAW_CHARS),
          position: batch.position ? `${batch.position}:${rec.line}` : `line ${rec.line}`,
        });
      };

      records.forEach((rec, index) => {
        if (rec.truncated) return reject(index, rec, 'PARSE_TOO_LONG', `record longer than the framing limit (${rec.text.length} chars kept)`);
        let result;
        try {
          result = batch.parser.parse(rec.text, batch.ctx);
        } catch (err) {
          // Parsers must not throw; if one does, the record is dead-lettered, never the process.
          return reject(index, rec, 'PARSE_BAD_VALUE', `parser failed: ${(err as Error).message}`);
        }
        if (result.kind === 'skip') {
          skipped += 1;
          return;
        }
        if (result.kind === 'error') return reject(index, rec, result.code, result.message);
        const events = batch.correlator ? result.events.flatMap((e) => batch.correlator!.push(e)) : result.events;
        for (const e of events) {
          const v = validateIngest(e, defaults);
          if (v.ok) good.push(deps.enricher.enrich(v.event));
          else reject(index, rec, v.code, v.message);
        }
      });
      counters.rejected += rejected;
      counters.skipped += skipped;
      // The dead-letter table is best effort (the counts above still record the failures); it
      // is committed with or before the good events, so an answer sent after both shows them.
      const deadStored = dead.length > 0 ? deps.log.addDeadLetters(dead).catch(() => undefined) : undefined;
      const stored = await store(good, batch.source);
      await deadStored;
      return { accepted: stored.length, rejected, skipped, errors, stored };
    },
  };
}
