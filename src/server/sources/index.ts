/** The explicit registry of source types: one line per transport. */
import type { SourceType } from './types.js';
import { demoSourceType } from './demo/source.js';
import { fileSourceType } from './file/source.js';
import { syslogSourceType } from './syslog/source.js';
import { intelFeedSourceType } from './intel-feed/source.js';
import { redisSourceType } from './redis/source.js';

export const SOURCE_TYPES: readonly SourceType[] = [
  demoSourceType,
  fileSourceType,
  syslogSourceType,
  intelFeedSourceType,
  redisSourceType,
];

export function sourceType(type: string): SourceType | undefined {
  return SOURCE_TYPES.find((s) => s.type === type);
}
