/**
 * The event log interface. The SQLite log is the default; a Redis-Streams log for several nodes
 * implements the same interface. Ids are opaque strings that only the log compares.
 */
import type { AttackEvent, EnrichedEvent } from '../../event/schema.js';
import type { EventFilter } from '../stream/filter.js';

export interface HistoryQuery {
  /** Window on event `time`, epoch ms; inclusive from, exclusive to. */
  from: number;
  to: number;
  filter: EventFilter;
  /** Page size; the log caps it (see MAX_PAGE in the implementation). */
  limit: number;
  /** Opaque cursor from a previous page, or null for the first page. */
  cursor: string | null;
  /** Only events with an id greater than this (recovering a stream gap); ids stay in order. */
  afterId?: string;
}

export interface HistoryPage {
  events: AttackEvent[];
  nextCursor: string | null;
}

export interface StatsQuery {
  from: number;
  to: number;
  filter: EventFilter;
  /** Bucket width of `series` in ms (60_000 minimum). */
  bucketMs: number;
  /** Length of each top-N list. */
  top: number;
}

export interface TopEntry { key: string; count: number; label?: string }

export interface StatsResult {
  from: string;
  to: string;
  /** Width of the `series` buckets actually used, ms (a too-fine bucket is widened). */
  bucketMs?: number;
  total: number;
  unlocated: number;
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  top: { srcCountry: TopEntry[]; asn: TopEntry[]; srcIp: TopEntry[]; rule: TopEntry[]; port: TopEntry[]; sensor: TopEntry[] };
  series: { t: string; total: number; byCategory: Record<string, number> }[];
}

export interface TrendsQuery {
  /** Window on event time, epoch ms; inclusive from, exclusive to. */
  from: number;
  to: number;
  filter?: EventFilter;
  /** Length of the new-AS and new-network lists. */
  top: number;
}

/** Attacks (sums of event count) in one window. */
export interface TrendsWindow { from: string; to: string; total: number; byCategory: Record<string, number> }

export interface TrendsResult {
  window: TrendsWindow;
  /** The same span just before the window; this and the next two are null when they start before the oldest stored data. */
  previous: TrendsWindow | null;
  dayAgo: TrendsWindow | null;
  weekAgo: TrendsWindow | null;
  /** Source AS / networks (/24, /48) first seen in the window (not seen before within raw retention), most attacks first. */
  newAsns: { asn: number; org: string | null; firstSeen: string; count: number }[];
  newNetworks: { prefix: string; firstSeen: string; count: number }[];
  /** How many new AS / networks there are in all (the lists hold at most `top`). */
  newAsnTotal: number;
  newNetworkTotal: number;
  /** True when network counts are lower bounds (the raw scan for them hit its budget). */
  countsPartial: boolean;
}

export interface DeadLetter {
  id?: number;
  time: string;
  source: string;
  format: string;
  code: string;
  message: string;
  /** The raw record, cut to a bounded length. */
  raw: string;
  /** Where it came from: file path and byte offset, peer address, or HTTP. */
  position?: string;
}

export interface EventLog {
  /**
   * Assigns ids (monotonic, never reused) and `received`, stores the events durably, and resolves
   * with the stored events in id order only after the commit that covers them reached the disk.
   * Many concurrent appends share one commit (group commit).
   */
  append(events: EnrichedEvent[]): Promise<AttackEvent[]>;
  /** Events with an id greater than `afterId`, oldest first, at most `limit`. */
  readAfter(afterId: string, limit: number): AttackEvent[];
  /** The newest `limit` events, oldest first. */
  recent(limit: number): AttackEvent[];
  /** The newest stored id, or null when the log is empty. */
  lastId(): string | null;
  /** The oldest id still retained, or null when the log is empty. */
  firstId(): string | null;
  /** Negative, zero or positive as a is older than, equal to or newer than b. */
  compareIds(a: string, b: string): number;
  /** True when `id` could have been issued by this log (well-formed). */
  isValidId(id: string): boolean;
  /** Number of stored events with ids in (afterId, toId]. */
  countBetween(afterId: string, toId: string): number;
  query(q: HistoryQuery): HistoryPage;
  /** Optional: the same page as JSON text per event (exports skip a parse and re-serialisation). */
  queryJson?(q: HistoryQuery): { lines: string[]; nextCursor: string | null };
  stats(q: StatsQuery): StatsResult;
  /** Optional: the same answer computed in steps that yield to the event loop (long filtered scans). */
  statsAsync?(q: StatsQuery): Promise<StatsResult>;
  /** Optional: the window against earlier ones, and sources new in it (see TrendsResult). */
  trends?(q: TrendsQuery): Promise<TrendsResult>;
  /** Stores dead letters (the oldest beyond the cap go); resolves once committed. */
  addDeadLetters(entries: DeadLetter[]): Promise<void>;
  deadLetters(limit: number, beforeId?: number): { entries: DeadLetter[]; total: number };
  /** Small durable key/value state (file read positions); a set value is read back at once and committed with the next write. */
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
  /** For /healthz: whether commits succeed, the write backlog, the last commit (epoch ms), events stored. */
  health?(): { writable: boolean; pendingWrites: number; lastCommitMs: number; events: number };
  /** Flushes pending writes and closes. */
  close(): Promise<void>;
}
