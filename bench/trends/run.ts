/**
 * Write-path cost of the first-seen tables, and trends() latency (not part of CI).
 *
 *   npx tsx bench/trends/run.ts [--events=100000] [--store=../../src/server/store/sqlite/index.js]
 *
 * Appends `--events` generated events (testkit's makeEvent: ~30 AS, ~50,000 source /24s, a
 * worst case for net_seen) over 24 hours of event time in appends of 5,000 (one commit each) to
 * a fresh file, and prints CPU and wall time per 1,000 events. `--store` points at another copy
 * of the store module (e.g. one extracted from an older commit) to compare the same workload.
 * Then the same events 30 minutes later (the steady state: known keys). Then, when the store has trends(), times it for the last hour and the last 24 hours.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeEvent, rng, tempDir } from '../../src/server/store/sqlite/testkit.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const N = Number(args.events ?? 100_000);
const storePath = args.store ? pathToFileURL(resolve(args.store)).href : '../../src/server/store/sqlite/index.js';
const { openSqliteLog } = await import(storePath);
const END = Date.parse('2026-11-25T12:00:00Z');
const SPAN = 86_400_000;
const BATCH = 5_000;

const t = tempDir('attackmap-bench-trends-');
const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, now: () => END });
const r = rng(11);
const batches = Array.from({ length: Math.ceil(N / BATCH) }, (_, b) =>
  Array.from({ length: Math.min(BATCH, N - b * BATCH) }, (_, i) => makeEvent(r, END - SPAN + Math.floor(((b * BATCH + i) / N) * SPAN))));
const c0 = process.cpuUsage();
const w0 = performance.now();
for (const b of batches) await log.append(b);
const cpu = process.cpuUsage(c0);
const wall = performance.now() - w0;
console.log(`store ${args.store ?? '(this tree)'}: ${N} events, ${batches.length} commits`);
console.log(`append: ${((cpu.user + cpu.system) / 1000 / (N / 1000)).toFixed(2)} ms cpu and ${(wall / (N / 1000)).toFixed(2)} ms wall per 1,000 events (${Math.round(N / (wall / 1000))} events/s wall)`);
// Steady state: the same events again 30 minutes later (known AS and networks within the slack:
// a probe each, no row rewritten).
const again = batches.map((b) => b.map((e) => ({ ...e, time: new Date(Date.parse(e.time) + 1_800_000).toISOString() })));
const c1 = process.cpuUsage();
const w1 = performance.now();
for (const b of again) await log.append(b);
const cpu1 = process.cpuUsage(c1);
const wall1 = performance.now() - w1;
console.log(`append, known sources: ${((cpu1.user + cpu1.system) / 1000 / (N / 1000)).toFixed(2)} ms cpu and ${(wall1 / (N / 1000)).toFixed(2)} ms wall per 1,000 events`);
if (typeof log.trends === 'function') {
  for (const [name, from] of [['1h', END - 3_600_000], ['24h', END - SPAN]] as const) {
    const s0 = performance.now();
    await log.statsAsync({ from, to: END, filter: {}, bucketMs: END - from, top: 1 });
    const statsMs = performance.now() - s0;
    const c = process.cpuUsage();
    const w = performance.now();
    const tr = await log.trends({ from, to: END, top: 10 });
    const tc = process.cpuUsage(c);
    console.log(`trends ${name}: ${(performance.now() - w).toFixed(0)} ms wall, ${((tc.user + tc.system) / 1000).toFixed(0)} ms cpu (one stats call alone: ${statsMs.toFixed(0)} ms wall); total ${tr.window.total}, new AS ${tr.newAsnTotal}, new networks ${tr.newNetworkTotal}, partial ${tr.countsPartial}`);
  }
}
console.log(`machine: ${cpus().length} cores`);
await log.close();
t.remove();
