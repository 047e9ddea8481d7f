/**
 * The source contract. A source knows a transport only (a file, a socket, a polled URL, a Redis
 * key, a generator) and hands framed records to the pipeline with where they came from.
 */
import type { IngestEvent } from '../../event/schema.js';
import type { EventLog } from '../store/types.js';
import type { FramedRecord } from './framing.js';

export interface Origin {
  /** Source name from the config. */
  source: string;
  /** A file path and byte offset, a peer address, a URL: for dead-letter entries. */
  position?: string;
}

export interface SubmitResult {
  accepted: number;
  rejected: number;
  skipped: number;
}

export interface SourceContext {
  /**
   * Parses records with the source's format, enriches and stores them. Resolves once every
   * accepted event is durable, so a file source may then save its read position.
   */
  submitRecords(records: FramedRecord[], origin: Origin): Promise<SubmitResult>;
  /** Stores events that a source produced itself (demo, intel feeds). */
  submitEvents(events: IngestEvent[], origin: Origin): Promise<SubmitResult>;
  /** Durable small state (read positions, ETags). */
  state: Pick<EventLog, 'getState' | 'setState'>;
  /** Structured log line. */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** The clock. */
  now(): Date;
}

export interface Source {
  readonly name: string;
  start(): Promise<void>;
  /** Stops reading and resolves once everything read has been submitted. */
  stop(): Promise<void>;
  /** Counters for /metrics and the health panel. */
  stats(): { received: number; lastRecordAt: string | null; errors: number };
  /**
   * What keeps the source from reading right now, in a few words ("no file matches
   * /var/log/x*.log"), or null while it works. Shown by /healthz and the page's health panel.
   */
  problem?(): string | null;
}

/** Common keys of every source entry in the config. */
export interface SourceConfigBase {
  type: string;
  name: string;
  /** observer.name of its events; defaults to `name`. */
  sensor?: string;
  site?: string;
  format?: string;
  /** IANA zone for zone-less timestamps; default UTC. */
  timezone?: string;
  /** Format options (CSV columns, JSON mapping). */
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SourceType {
  type: string;
  /** The format used when the entry names none (Redis carries Suricata EVE by default). */
  defaultFormat?: string;
  /** Validates the type-specific keys; returns `key: problem` or null. */
  check(config: SourceConfigBase): string | null;
  create(config: SourceConfigBase, ctx: SourceContext): Source;
}
