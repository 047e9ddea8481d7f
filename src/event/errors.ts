/**
 * Stable error codes with a how-to-fix line each. Every failure a user can see (an ingest
 * rejection, a dead-letter line, a config error) carries one of these codes; docs/errors.md is
 * written from this table, and a test checks that the two agree.
 */
export const ERRORS = {
  // Events at the ingest boundary
  EVENT_NOT_OBJECT: 'The item is not a JSON object. Send one event object, an array of objects, or one object per NDJSON line.',
  EVENT_SCHEMA: 'A field is missing or has the wrong type. The message names the field; see docs/event.md for the contract.',
  EVENT_BAD_TIME: '`time` is not ISO-8601 with an offset or `Z` (e.g. 2026-01-02T03:04:05Z).',
  EVENT_BAD_IP: 'An address is not a valid IPv4 or IPv6 address (hostnames are not accepted).',
  // Ingest HTTP
  INGEST_NO_TOKEN_CONFIGURED: 'No ingest token is configured; set ingest.token in the config or ATTACKMAP_INGEST_TOKEN.',
  INGEST_UNAUTHORIZED: 'Missing or wrong bearer token; send `Authorization: Bearer <ingest.token>`.',
  INGEST_BODY_TOO_LARGE: 'The body exceeds ingest.maxBodyBytes; split it into smaller batches.',
  INGEST_BAD_BODY: 'The body could not be decoded as JSON or NDJSON, or its content type is not supported.',
  INGEST_UNKNOWN_FORMAT: 'The `format` query parameter names no known format; `attackmap formats` lists them.',
  INGEST_STORE_FAILED: 'The event log could not store the batch; check the data directory (disk full, permissions). Nothing was acknowledged.',
  INGEST_RATE_LIMITED: 'Too many events for this token; slow down or raise ingest.ratePerSecond.',
  // Parsers (a line that no parser could read goes to the dead-letter store with one of these)
  PARSE_EMPTY: 'The line is empty or only whitespace.',
  PARSE_TOO_LONG: 'The line is longer than the framing limit; it was cut and not parsed.',
  PARSE_NOT_JSON: 'The line is not valid JSON, though the format expects JSON.',
  PARSE_NO_MATCH: 'The line does not have the layout of this format; check the source\'s `format:`.',
  PARSE_MISSING_FIELD: 'A field the format requires is missing; the message names it.',
  PARSE_BAD_TIME: 'The timestamp could not be read; check the source\'s `timezone:` and the sensor\'s time format.',
  PARSE_BAD_IP: 'An address in the line is not a valid IP address.',
  PARSE_BAD_PORT: 'A port is not an integer from 0 to 65535.',
  PARSE_BAD_VALUE: 'A field has a value outside what the format allows; the message names it.',
  // Streams and queries
  FILTER_INVALID: 'A filter query parameter is invalid; the message names it and the allowed values.',
  QUERY_INVALID: 'A query parameter (from, to, limit, cursor, bucket, format) is invalid; the message names it.',
  AUTH_REQUIRED: 'This view needs the analyst token or a session; log in or send `Authorization: Bearer <access.analystToken>`.',
  EXPORT_BUSY: 'The most history exports allowed at once are running; retry after the Retry-After delay, or narrow the window.',
  TOO_MANY_CLIENTS: 'The server or your address has reached its stream client limit; retry after the Retry-After delay.',
  // Configuration and startup
  CONFIG_INVALID: 'A configuration value is invalid; the message names the key and what it must be.',
  CONFIG_UNREADABLE: 'The configuration file could not be read or parsed as YAML/JSON.',
  STORE_OPEN_FAILED: 'The SQLite event log could not be opened in the data directory; check the path and permissions.',
  GEO_DB_MISSING: 'A GeoIP database file named in the config does not exist.',
  GEO_DB_CORRUPT: 'A GeoIP database file could not be read as MaxMind DB (.mmdb).',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code, for failures that cross module boundaries. */
export class CodedError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'CodedError';
  }
}
