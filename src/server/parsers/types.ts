/**
 * The parser contract. A parser is a pure function of one framed record and its context: no I/O,
 * no clock of its own, no globals. It is the only code that turns sensor text into events.
 */
import type { IngestEvent } from '../../event/schema.js';
import type { ErrorCode } from '../../event/errors.js';

export interface ParseContext {
  /** The injected clock: year inference for year-less timestamps and nothing else. */
  now: Date;
  /** IANA zone for timestamps that carry none (default "UTC"). */
  timezone: string;
  /** Sensor name for observer.name when the record names none (or always, with sensorFixed). */
  sensor: string;
  /**
   * The user named the sensor (a source's `sensor:`, `parse --sensor`): ctx.sensor wins over the
   * record's own name (Cowrie `sensor`, OpenCanary `node_id`, a syslog host...). Unset, the
   * record's name wins, so one log of many honeypots keeps their names.
   */
  sensorFixed?: boolean;
  /** Site of the sensor, copied to observer.site. */
  site?: string;
  /** Per-format settings from the source config (a CSV field list, a JSON field mapping...). */
  options?: Record<string, unknown>;
}

/**
 * The sensor of a ParseContext. A name the user gave (a source's `sensor:`, `parse --sensor`,
 * `?sensor=` on ingest) is fixed: it wins over the records' own names. Without one, or with a
 * blank one, `fallback` names only the records that carry no name.
 */
export function sensorContext(given: string | undefined, fallback: string): Pick<ParseContext, 'sensor' | 'sensorFixed'> {
  return given?.trim() ? { sensor: given, sensorFixed: true } : { sensor: fallback, sensorFixed: false };
}

export type ParseResult =
  /** One or more events (a record may describe several attacks, e.g. IPsum-style lists). */
  | { kind: 'events'; events: IngestEvent[] }
  /** A well-formed record that is not an attack (Suricata stats, Cowrie log.open): counted. */
  | { kind: 'skip'; reason: string }
  /** A record this format cannot read: counted and kept in the dead-letter store. */
  | { kind: 'error'; code: ErrorCode; message: string };

/** Stateful join after parsing (Cowrie's session carries the destination only on connect). */
export interface Correlator {
  /** Completes or holds an event; returns the events to pass on (possibly none). */
  push(event: IngestEvent): IngestEvent[];
}

export interface Parser {
  /** The format name used by `--format`, `?format=` and a source's `format:`. */
  name: string;
  /** One line for `attackmap formats`. */
  description: string;
  /** How records are framed in a byte stream: one per line, or blank-line-separated blocks. */
  framing: 'line' | 'blank-line';
  /** Validates the format's `options` from the config; returns an error message or null. */
  checkOptions?(options: Record<string, unknown>): string | null;
  parse(record: string, ctx: ParseContext): ParseResult;
  /** A new correlator for one source, when the format needs state across records. Bounded. */
  correlator?(): Correlator;
}
