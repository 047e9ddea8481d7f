/** Ids and rows: how stored rows become events, and how id strings are checked. */
import type { AttackEvent } from '../../../event/schema.js';
import { CodedError } from '../../../event/errors.js';

const ID_RE = /^(0|[1-9][0-9]{0,15})$/;

/** True for a decimal id this log could have issued ("0" means "before the first"). */
export function isValidId(id: string): boolean {
  return typeof id === 'string' && ID_RE.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER;
}

/** The number of a decimal id; throws CodedError('QUERY_INVALID') for anything else. */
export function parseId(id: string): number {
  if (!isValidId(id)) throw new CodedError('QUERY_INVALID', `not an event id: ${JSON.stringify(String(id).slice(0, 40))}`);
  return Number(id);
}

/**
 * The stored JSON lacks the id (it is only known once the row exists); splicing it in as the
 * first key keeps `id` first in every answer without re-serialising the event.
 */
export function rowJson(row: { id: number; json: string }): string {
  return `{"id":"${row.id}",${row.json.slice(1)}`;
}

export function rowToEvent(row: { id: number; json: string }): AttackEvent {
  return JSON.parse(rowJson(row)) as AttackEvent;
}
