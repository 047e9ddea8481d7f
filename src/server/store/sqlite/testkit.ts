/** Test and benchmark helpers: temp data directories and generated enriched events. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, SEVERITIES, type EnrichedEvent } from '../../../event/schema.js';

export function tempDir(prefix = 'attackmap-log-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The seeded PRNG, so generated data is the same on every run. */
export { mulberry32 as rng } from '../../random.js';

const COUNTRIES = ['CN', 'US', 'RU', 'BR', 'IN', 'DE', 'NL', 'VN', 'KR', 'FR'];

/** An enriched event with fields drawn from `r`; `over` replaces any of them. */
export function makeEvent(r: () => number, time: number, over: Partial<EnrichedEvent> = {}): EnrichedEvent {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const located = r() > 0.1;
  const a = 1 + Math.floor(r() * 200);
  const b = Math.floor(r() * 250);
  return {
    time: new Date(time).toISOString(),
    observer: { name: pick(['edge-1', 'edge-2', 'honey-1']), product: 'suricata', site: pick(['fra', 'nyc']) },
    category: pick(CATEGORIES),
    severity: pick(SEVERITIES),
    rule: { id: String(2000000 + Math.floor(r() * 20)), name: `ET SCAN rule ${Math.floor(r() * 20)}` },
    transport: 'tcp',
    service: pick(['ssh', 'http', 'smb']),
    source: {
      ip: `${a}.${b}.${Math.floor(r() * 4)}.${Math.floor(r() * 250)}`,
      port: 1024 + Math.floor(r() * 60000),
      ...(located ? { geo: { lat: 10, lon: 20, country: pick(COUNTRIES) } } : { geo: null, geoReason: 'unknown' as const }),
      ...(r() > 0.05 ? { as: { number: 64500 + Math.floor(r() * 30), org: `Net ${a}` } } : {}),
    },
    destination: { ip: '203.0.113.10', port: pick([22, 80, 443, 445, 3389]) },
    count: r() > 0.9 ? 1 + Math.floor(r() * 5) : 1,
    ...over,
  };
}
