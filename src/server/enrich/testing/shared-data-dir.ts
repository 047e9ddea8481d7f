/**
 * A data directory shared by test files that only need the embedded databases, so the ASN
 * table is built once per machine rather than once per test file (the cache file is written
 * by rename, so parallel test files never read half a file).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function sharedGeoDataDir(): string {
  const dir = join(tmpdir(), 'attackmap-test-geo-data');
  mkdirSync(dir, { recursive: true });
  return dir;
}
