/**
 * Threat-intel address lists (IPsum, blocklist.de, FireHOL-style plain lists) read line by line,
 * as `attackmap parse` and a file source see them. Each listed address becomes an `intel`
 * event with no target. Lines are read by the intel-feed source's `readListLine`, so a list
 * reads the same whether it is polled over HTTP or tailed from disk. See README.md.
 */
import type { IngestEvent } from '../../../event/schema.js';
import { toIso } from '../../../event/time.js';
import { clip } from '../../../event/validate.js';
import { readListLine, severityFromCount } from '../../sources/intel-feed/formats.js';
import { excerpt, fail, guard, skip } from '../common/index.js';
import { observer } from '../json/fields.js';
import type { ParseContext, ParseResult, Parser } from '../types.js';

/** rule.name when options.feed is not set. */
export const DEFAULT_FEED_NAME = 'threat-intel list';

/** Longest options.feed, in UTF-16 units (it becomes rule.name and details.feed). */
const FEED_NAME_MAX = 200;

const OPTION_KEYS = new Set(['feed', 'minCount']);

function checkOptions(options: Record<string, unknown>): string | null {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) return `unknown option ${JSON.stringify(clip(key, 40))} (known: feed, minCount)`;
  }
  const { feed, minCount } = options;
  if (feed !== undefined && (typeof feed !== 'string' || feed.trim().length === 0 || feed.length > FEED_NAME_MAX)) {
    return `feed: must be a non-empty string of at most ${FEED_NAME_MAX} characters`;
  }
  if (minCount !== undefined && (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 0 || minCount > 1_000_000_000)) {
    return 'minCount: must be an integer from 0 to 1000000000';
  }
  return null;
}

function parse(record: string, ctx: ParseContext): ParseResult {
  const entry = readListLine(record);
  switch (entry.kind) {
    case 'blank': return skip('comment or empty line');
    case 'range': return skip(`network range ${excerpt(entry.text)}: a list entry for many addresses, not one attacker`);
    case 'not-global': return skip(`${entry.ip} is a private, reserved or documentation address`);
    case 'bad': return fail('PARSE_BAD_IP', `the first field is not an IP address: ${excerpt(entry.text)}`);
    case 'ip': break;
  }
  const opts = ctx.options ?? {};
  const minCount = typeof opts.minCount === 'number' ? opts.minCount : 0;
  if (minCount > 0 && (entry.count ?? 0) < minCount) {
    return skip(`named by ${entry.count ?? 0} list(s), fewer than minCount ${minCount}`);
  }
  // The list says nothing about when: the event is "listed as of now" (the injected clock).
  const time = toIso(ctx.now.getTime());
  if (!time) return fail('PARSE_BAD_TIME', 'the clock is outside the years 0000-9999');
  const feed = typeof opts.feed === 'string' && opts.feed.trim() ? clip(opts.feed.trim(), FEED_NAME_MAX) : DEFAULT_FEED_NAME;
  const details: Record<string, string | number> = { feed };
  if (entry.count !== undefined) details.lists = entry.count;
  const event: IngestEvent = {
    time,
    observer: observer(undefined, 'intel-list', ctx),
    category: 'intel',
    severity: entry.count !== undefined ? severityFromCount(entry.count) : 'medium',
    rule: { name: feed },
    source: { ip: entry.ip },
    // No target: the map draws a marker; enrichment places 0.0.0.0 at the sensor's site.
    destination: { ip: '0.0.0.0' },
    details,
  };
  return { kind: 'events', events: [event] };
}

export const intelListParser: Parser = {
  name: 'intel-list',
  description: 'Threat-intel address lists, one address per line with an optional list count (IPsum); time is the clock, no target',
  framing: 'line',
  checkOptions,
  parse: (record, ctx) => guard(() => parse(record, ctx)),
};
