/**
 * Snort 3 `action` words (alert_json, alert_csv) to event actions. `would_*` verdicts come from
 * IPS policies in detection-only mode: nothing was stopped, so they are plain alerts.
 */
import type { IngestEvent } from '../../../event/schema.js';
import { own } from './table.js';

const MAP: Readonly<Record<string, NonNullable<IngestEvent['action']>>> = {
  allow: 'allowed', pass: 'allowed', allowed: 'allowed', alert: 'alert',
  block: 'blocked', drop: 'blocked', reject: 'blocked', sdrop: 'blocked', reset: 'blocked', blocked: 'blocked',
  would_drop: 'alert', would_block: 'alert', would_reject: 'alert', would_reset: 'alert', wdrop: 'alert',
};

/** The event action for a Snort action word (any case); `alert` for an unknown or absent word. */
export function actionFromSnort(word: unknown): NonNullable<IngestEvent['action']> {
  if (typeof word !== 'string' || word.length > 20) return 'alert';
  return own(MAP, word.trim().toLowerCase()) ?? 'alert';
}
