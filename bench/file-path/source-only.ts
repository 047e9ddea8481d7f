/**
 * The file source alone: read, UTF-8 decode and frame a large EVE file with a context that
 * discards records, to separate the source's own cost from the pipeline's.
 *
 *   npx tsx bench/file-path/source-only.ts [--lines 200000]
 */
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileSource } from '../../src/server/sources/file/source.js';
import type { SourceContext } from '../../src/server/sources/types.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' } } });
const n = Number(values.lines);
const dir = mkdtempSync(join(tmpdir(), 'am-bench-filesrc-'));
const file = join(dir, 'eve.json');
const line = (i: number) => JSON.stringify({ timestamp: '2026-11-25T10:00:00.000000+0000', flow_id: 1500000000000000 + i, event_type: 'alert', src_ip: '218.92.0.112', src_port: 1024 + (i % 60000), dest_ip: '10.0.0.5', dest_port: 22, proto: 'TCP', alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 } });
writeFileSync(file, Array.from({ length: n }, (_, i) => line(i)).join('\n') + '\n');
let records = 0;
const state = new Map<string, string>();
const ctx: SourceContext = {
  submitRecords: async (r) => { records += r.length; return { accepted: r.length, rejected: 0, skipped: 0 }; },
  submitEvents: async () => ({ accepted: 0, rejected: 0, skipped: 0 }),
  state: { getState: (k) => state.get(k), setState: (k, v) => { state.set(k, v); } },
  log: () => {},
  now: () => new Date(),
};
const src = new FileSource('eve', { type: 'file', name: 'eve', path: file, framing: 'line', startAt: 'beginning', maxBytesPerPoll: 1024 ** 3 }, ctx);
const t0 = performance.now();
await src.pollOnce();
const s = (performance.now() - t0) / 1000;
await src.stop();
console.log(JSON.stringify({ date: new Date().toISOString(), lines: n, records, bytes: statSync(file).size, seconds: +s.toFixed(3), linesPerSecond: Math.round(records / s), mbPerSecond: +(statSync(file).size / s / 1e6).toFixed(1) }));
rmSync(dir, { recursive: true, force: true });
