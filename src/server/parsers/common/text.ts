/**
 * Text helpers for attacker-controlled strings in events.
 */
import { clip } from '../../../event/validate.js';
import type { ParseResult } from '../types.js';
import type { ErrorCode } from '../../../event/errors.js';

export { clip };

/** Bound of one free-text detail such as a payload excerpt or URL: 1024 UTF-16 units. */
export const DETAIL_MAX = 1024;

/** Bound of an error message: 300 units, so a hostile line cannot bloat the dead-letter store. */
export const ERROR_MESSAGE_MAX = 300;

/** An error ParseResult with its message clipped to ERROR_MESSAGE_MAX. */
export function fail(code: ErrorCode, message: string): ParseResult {
  return { kind: 'error', code, message: clip(message, ERROR_MESSAGE_MAX) };
}

/** A skip ParseResult. */
export function skip(reason: string): ParseResult {
  return { kind: 'skip', reason: clip(reason, ERROR_MESSAGE_MAX) };
}

/** Short quoted excerpt of a bad value for an error message (60 units). */
export function excerpt(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return JSON.stringify(clip(s, 60));
}

/**
 * Runs a parser body and turns any exception into a PARSE_BAD_VALUE error, so a bug on a hostile
 * record never escapes into the pipeline.
 */
export function guard(body: () => ParseResult): ParseResult {
  try {
    return body();
  } catch (e) {
    return fail('PARSE_BAD_VALUE', `internal parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
