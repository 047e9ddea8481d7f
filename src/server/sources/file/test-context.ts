/**
 * A SourceContext for source tests: it stands for the pipeline, recording what a source submits,
 * with a Map for durable state. Used by tests only.
 */
import type { IngestEvent } from '../../../event/schema.js';
import type { FramedRecord } from '../framing.js';
import type { Origin, SourceContext } from '../types.js';

export interface RecordingContext extends SourceContext {
  records: { record: FramedRecord; origin: Origin }[];
  events: { event: IngestEvent; origin: Origin }[];
  stateMap: Map<string, string>;
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
  /** When set, the next submit calls reject with this error (once). */
  failNext: Error | null;
  texts(): string[];
}

export function recordingContext(stateMap = new Map<string, string>(), now: () => Date = () => new Date()): RecordingContext {
  const ctx: RecordingContext = {
    records: [],
    events: [],
    stateMap,
    logs: [],
    failNext: null,
    async submitRecords(records, origin) {
      if (ctx.failNext) { const e = ctx.failNext; ctx.failNext = null; throw e; }
      for (const record of records) ctx.records.push({ record, origin });
      return { accepted: records.length, rejected: 0, skipped: 0 };
    },
    async submitEvents(events, origin) {
      if (ctx.failNext) { const e = ctx.failNext; ctx.failNext = null; throw e; }
      for (const event of events) ctx.events.push({ event, origin });
      return { accepted: events.length, rejected: 0, skipped: 0 };
    },
    state: { getState: (k) => stateMap.get(k), setState: (k, v) => { stateMap.set(k, v); } },
    log(level, message, fields) { ctx.logs.push({ level, message, fields }); },
    now,
    texts: () => ctx.records.map((r) => r.record.text),
  };
  return ctx;
}
