// Measures the stream hub alone (no disk, no HTTP ingest): N raw clients in a child process,
// made-up events at RATE ev/s for 10 s; prints CPU %, tick cost and microseconds per client write.
//   node --import tsx bench/fanout/hub-micro.ts 10000 100
import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { buildConfig } from '../../src/server/config/load.js';
import { openSqliteLog } from '../../src/server/store/sqlite/index.js';
import { tempDir } from '../../src/server/store/sqlite/testkit.js';
import { createRegistry } from '../../src/server/telemetry/metrics.js';
import { createCounters } from '../../src/server/telemetry/counters.js';
import { createHub } from '../../src/server/stream/hub.js';
import { registerStreamRoutes } from '../../src/server/http/stream.js';
import { makeEvent } from '../../src/server/stream/testing/events.js';
const N = Number(process.argv[2] ?? 5000), RATE = Number(process.argv[3] ?? 100);
const cfg = buildConfig({ cli: { stream: { maxClients: 20000, maxClientsPerAddress: 20000 } } });
const tmp = tempDir(); const log = openSqliteLog({ dataDir: tmp.dir, retentionIntervalMs: 0 });
const metrics = createRegistry(); const counters = createCounters();
const hub = createHub({ log, metrics, counters, config: { ...cfg.stream, ...cfg.access } });
const app = Fastify(); registerStreamRoutes(app, { hub, access: cfg.access, isAnalyst: () => true });
await app.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
const port = (app.server.address() as any).port;
const kid = spawn(process.execPath, [new URL('./sink-clients.mjs', import.meta.url).pathname, String(port), String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
let last = '';
kid.stdout!.on('data', (d) => { last = String(d).trim().split('\n').pop()!; });
for (let i = 0; hub.clientCount() < N; i++) { await new Promise((r) => setTimeout(r, 200)); if (i % 25 === 0) console.error('clients', hub.clientCount(), last); if (i > 300) throw new Error('clients did not connect'); }
console.log('connected', N);
const tick = metrics.histogram({ name: 'attackmap_stream_tick_seconds', help: '', buckets: [1] });
const c0 = process.cpuUsage(); const t0 = Date.now(); const h0 = tick.get();
let seq = 0;
// Events are made up here rather than stored: this measures the hub alone, not the disk.
const received = () => new Date().toISOString();
const timer = setInterval(() => {
  const batch = Array.from({ length: Math.max(1, Math.round(RATE / 20)) }, () => ({ ...makeEvent(), id: String(++seq), received: received() }));
  hub.publish(batch);
}, 50);
await new Promise((r) => setTimeout(r, 10_000));
clearInterval(timer);
const c1 = process.cpuUsage(c0); const h1 = tick.get();
console.log(JSON.stringify({ N, RATE, secs: (Date.now() - t0) / 1000, cpu_pct: Math.round((c1.user + c1.system) / 1e4 / ((Date.now() - t0) / 1000)), ticks: h1.count - h0.count, tick_ms_avg: ((h1.sum - h0.sum) / (h1.count - h0.count) * 1000).toFixed(2), us_per_write: (((h1.sum - h0.sum) * 1e6) / ((h1.count - h0.count) * N)).toFixed(2), clients: last, rss_mb: Math.round(process.memoryUsage.rss() / 1e6) }));
kid.kill(); await hub.close(); await app.close(); await log.close(); tmp.remove(); process.exit(0);
