/**
 * Ingest benchmark: events/s through POST /api/events into the durable log (WAL,
 * synchronous=FULL, group commit), and the delay from POST to a single SSE client.
 *
 *   npx tsx bench/ingest/run.ts [--seconds 10] [--batch 100] [--concurrency 8] [--latency-rate 50]
 *
 * Phase 1 posts batches as fast as the server acknowledges them (bounded concurrency) for
 * `--seconds`; phase 2 posts one event at a time at `--latency-rate`/s for the same time while a
 * real EventSource reads the stream, and reports POST-to-client latency percentiles.
 * Targets 127.0.0.1 only; stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventSource } from 'eventsource';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer } from '../../src/server/main.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    'latency-rate': { type: 'string', default: '50' },
  },
});
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
const latencyRate = Number(values['latency-rate']);
const TOKEN = 'bench-ingest-token';

const ips = Array.from({ length: 2000 }, (_, i) => `${(i % 200) + 20}.${(i * 7) % 250}.${(i * 13) % 250}.${(i % 250) + 1}`);
function event(seq: number, marker = `ingest-${seq}`) {
  return {
    time: new Date().toISOString(),
    category: 'scan',
    severity: 'low',
    rule: { name: marker },
    source: { ip: ips[seq % ips.length], port: 1024 + (seq % 60000) },
    destination: { ip: '81.2.69.142', port: [22, 23, 80, 443, 445, 3389][seq % 6] },
    observer: { name: 'bench' },
  };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const dataDir = mkdtempSync(join(tmpdir(), 'am-bench-ingest-'));
const server = await startServer(buildConfig({
  cli: { server: { port: 0, dataDir }, ingest: { token: TOKEN, maxBodyBytes: 64 * 1024 * 1024 } },
}), { logLine: () => {} });
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

// Phase 1: throughput.
let seq = 0;
let accepted = 0;
const postLatencies: number[] = [];
const t0 = performance.now();
const until = t0 + seconds * 1000;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < until) {
    const body = JSON.stringify(Array.from({ length: batchSize }, () => event(seq++)));
    const started = performance.now();
    const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers, body });
    const answer = await res.json() as { accepted: number };
    postLatencies.push(performance.now() - started);
    accepted += answer.accepted;
  }
}));
const elapsed = (performance.now() - t0) / 1000;
postLatencies.sort((a, b) => a - b);
const throughput = {
  accepted, seconds: Number(elapsed.toFixed(2)), eventsPerSecond: Math.round(accepted / elapsed),
  batch: batchSize, concurrency,
  postMs: { p50: +pct(postLatencies, 50).toFixed(1), p99: +pct(postLatencies, 99).toFixed(1) },
};
console.log(JSON.stringify({ phase: 'throughput', ...throughput }));

// Phase 2: one SSE client, latency from POST issued to the event parsed by the client.
const sent = new Map<string, number>();
const latencies: number[] = [];
const es = new EventSource(`${server.url}/api/stream`);
await new Promise<void>((resolve) => es.addEventListener('hello', () => resolve(), { once: true }));
es.addEventListener('attack', (e: MessageEvent) => {
  const now = performance.now();
  for (const ev of JSON.parse(e.data).events as { rule: { name: string } }[]) {
    const t = sent.get(ev.rule.name);
    if (t !== undefined) {
      latencies.push(now - t);
      sent.delete(ev.rule.name);
    }
  }
});
const interval = 1000 / latencyRate;
const stopAt = performance.now() + seconds * 1000;
let n = 0;
while (performance.now() < stopAt) {
  const marker = `latency-${n}`;
  sent.set(marker, performance.now());
  await fetch(`${server.url}/api/events`, { method: 'POST', headers, body: JSON.stringify(event(n, marker)) });
  n += 1;
  const wait = interval - ((performance.now() - stopAt + seconds * 1000) % interval);
  await new Promise((r) => setTimeout(r, Math.max(0, wait)));
}
await new Promise((r) => setTimeout(r, 1000));
es.close();
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  phase: 'sse-latency', posted: n, delivered: latencies.length, lost: sent.size,
  ms: { p50: +pct(latencies, 50).toFixed(1), p90: +pct(latencies, 90).toFixed(1), p99: +pct(latencies, 99).toFixed(1), max: +(latencies.at(-1) ?? NaN).toFixed(1) },
}));

await server.close();
rmSync(dataDir, { recursive: true, force: true });
