/**
 * Snort 2.9 and Snort 3 alert_fast. The line layout is shared with Suricata's fast.log
 * (common/fast.ts); Snort prints no year, so it is inferred from the context clock.
 */
import type { Parser } from '../types.js';
import { guard, parseFastLine } from '../common/index.js';

export const snortFast: Parser = {
  name: 'snort-fast',
  description: 'Snort 2 and Snort 3 alert_fast lines (year inferred from the clock, time read in the source timezone)',
  framing: 'line',
  parse: (record, ctx) => guard(() => parseFastLine(record, ctx, 'snort')),
};
