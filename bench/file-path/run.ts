/**
 * File-path benchmark: a Suricata EVE file growing at `--rate` lines/s (a separate writer
 * process) is followed by the `file` source through the real server (suricata-eve parser,
 * GeoIP/AS enrichment, SQLite group commit, stream hub) while a real EventSource reads a
 * 1-in-`--marker-every` sample (destination port 2222) of the stream.
 *
 *   npx tsx bench/file-path/run.ts [--rate 20000] [--seconds 10] [--warmup 3] [--poll-ms 100] [--marker-every 100] [--timeline]
 *
 * The writer runs --warmup seconds longer than --seconds; the sustained rate and the latency
 * percentiles cover the window after the warm-up (the cold start is printed apart).
 *
 * Reports: lines written/s, events stored/s while the writer ran and until the log caught up,
 * and the delay from the line's timestamp (set when written) to the SSE client seeing it
 * (p50/p99/max over the sample), plus the server process's CPU time (the machine may be shared,
 * so events per CPU-second is the figure that does not depend on other load). Targets 127.0.0.1 only; bounded by --seconds (max 60) plus a
 * 30 s drain limit; stops by itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventSource } from 'eventsource';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer } from '../../src/server/main.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '10' },
    'poll-ms': { type: 'string', default: '100' },
    'marker-every': { type: 'string', default: '100' },
    timeline: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '3' },
  },
});
const rate = Number(values.rate);
const seconds = Math.min(60, Number(values.seconds));
const pollMs = Number(values['poll-ms']);
const markerEvery = Number(values['marker-every']);
/** Seconds of the same load before the measured window (a server runs warm; the cold start is reported apart). */
const warmup = Math.min(30, Math.max(0, Number(values.warmup)));

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const dir = mkdtempSync(join(tmpdir(), 'am-bench-file-'));
const eveFile = join(dir, 'eve.json');
writeFileSync(eveFile, '');
const server = await startServer(buildConfig({
  file: {
    server: { port: 0, dataDir: join(dir, 'data') },
    sites: [{ name: 'Frankfurt', lat: 50.11, lon: 8.68 }],
    sources: [{ type: 'file', name: 'eve', path: eveFile, format: 'suricata-eve', site: 'Frankfurt', startAt: 'beginning', pollMs }],
  },
}), { logLine: () => {} });

const latencies: number[] = [];
/** [receive time since start, latency] of each sample event, for --timeline. */
const seen: [number, number][] = [];
let gaps = 0;
const es = new EventSource(`${server.url}/api/stream?port=2222`);
es.addEventListener('attack', (e: MessageEvent) => {
  const now = Date.now();
  for (const ev of JSON.parse(e.data).events as { time: string }[]) {
    latencies.push(now - Date.parse(ev.time));
    seen.push([now, now - Date.parse(ev.time)]);
  }
});
es.addEventListener('gap', () => { gaps++; });
await new Promise<void>((resolve) => es.addEventListener('hello', () => resolve(), { once: true }));

const stored = () => Number(server.log.lastId() ?? 0);
const samples: { t: number; n: number }[] = [];
const t0 = Date.now();
const cpu0 = process.cpuUsage();
const sampler = setInterval(() => samples.push({ t: Date.now() - t0, n: stored() }), 250);

const writer = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'writer.mjs'), eveFile, String(rate), String(seconds + warmup), String(markerEvery)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
writer.stdout.on('data', (d) => { out += d; });
await new Promise((r) => writer.once('exit', r));
const writerDone = Date.now();
const { written, seconds: wroteFor } = JSON.parse(out) as { written: number; seconds: number };
const atWriterEnd = stored();

// Drain: wait until every line is stored (or 30 s).
while (stored() < written && Date.now() - writerDone < 30_000) await new Promise((r) => setTimeout(r, 50));
const drained = Date.now();
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await new Promise((r) => setTimeout(r, 1500)); // let the stream deliver the last sample
clearInterval(sampler);
es.close();

const total = stored();
// Steady state: from the end of the warm-up (at least 2 s after the start) to the writer's end.
const steady = samples.filter((s) => s.t >= Math.max(2000, warmup * 1000) && s.t <= writerDone - t0);
const warm = seen.filter(([at]) => at - t0 >= warmup * 1000).map(([, ms]) => ms).sort((a, b) => a - b);
const steadyRate = steady.length >= 2 ? (steady[steady.length - 1].n - steady[0].n) / ((steady[steady.length - 1].t - steady[0].t) / 1000) : NaN;
latencies.sort((a, b) => a - b);
const dl = await (await fetch(`${server.url}/api/deadletter`)).json().catch(() => null) as { total?: number } | null;
const result = {
  date: new Date().toISOString(),
  rate, seconds, pollMs,
  written, writtenPerSecond: Math.round(written / wroteFor),
  stored: total, notStoredWithinDrainLimit: written - total, deadLetters: dl?.total ?? null,
  storedAtWriterEnd: atWriterEnd,
  sustainedEventsPerSecond: Math.round(steadyRate),
  overallEventsPerSecond: Math.round(total / ((drained - t0) / 1000)),
  serverCpuSeconds: +cpuSeconds.toFixed(2),
  eventsPerServerCpuSecond: Math.round(total / cpuSeconds),
  loadAverage: (await import('node:os')).loadavg().map((l) => +l.toFixed(1)),
  catchUpSeconds: +((drained - writerDone) / 1000).toFixed(2),
  sseSample: { received: latencies.length, expected: Math.ceil(written / markerEvery), gaps },
  warmupSeconds: warmup,
  lineToSseMs: { p50: pct(warm, 50), p99: pct(warm, 99), max: warm[warm.length - 1] ?? NaN, samples: warm.length },
  lineToSseMsIncludingWarmup: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1] ?? NaN },
};
console.log(JSON.stringify(result, null, 2));
if (values.timeline) {
  // Latency by second of arrival: tells a backlog that builds from isolated stalls.
  const bySecond = new Map<number, number[]>();
  for (const [at, ms] of seen) {
    const k = Math.floor((at - t0) / 1000);
    bySecond.set(k, [...(bySecond.get(k) ?? []), ms]);
  }
  for (const [k, v] of [...bySecond].sort((a, b) => a[0] - b[0])) {
    v.sort((a, b) => a - b);
    console.log(`second ${k}: n ${v.length}, p50 ${pct(v, 50)} ms, max ${v[v.length - 1]} ms`);
  }
}
await server.close();
rmSync(dir, { recursive: true, force: true });
