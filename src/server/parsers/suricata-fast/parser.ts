/**
 * Suricata fast.log: the alert_fast layout (common/fast.ts) with a 4-digit year, no zone
 * (sensor local time: the source's `timezone`), expanded IPv6 with the port glued after the
 * last colon, and `[Drop]`/`[wDrop]` in IPS mode.
 */
import type { Parser } from '../types.js';
import { guard, parseFastLine } from '../common/index.js';

export const suricataFast: Parser = {
  name: 'suricata-fast',
  description: 'Suricata fast.log lines (time read in the source timezone)',
  framing: 'line',
  parse: (record, ctx) => guard(() => parseFastLine(record, ctx, 'suricata')),
};
