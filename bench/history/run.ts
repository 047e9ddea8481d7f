/**
 * Benchmark of the SQLite event log and the history routes (not part of CI).
 *
 *   npx tsx bench/history/run.ts [--events=10000000] [--dir=/tmp/attackmap-bench-history]
 *                                [--reuse] [--export=1000000] [--append=200000]
 *
 * Fills a real events.db through the log's append path (batches of 5,000, so one commit per
 * batch) with 30 days of events drawn from skewed distributions (9 categories, ~50 countries,
 * ~500 AS, 20,000 source addresses, 300 rules, 20 ports, 12 sensors), then measures through a
 * real HTTP server on 127.0.0.1: /api/stats for 24 h and 30 d, the first page of /api/events for
 * several filters, a CSV export of about `--export` events (time, peak RSS), the file size per
 * million events, and append throughput under group commit (synchronous=FULL) on a fresh file.
 * `--reuse` skips the fill when the directory already holds a filled log. Exports run in the
 * routes' export worker thread (its RSS is counted in this process's). Ingest latency while
 * exports stream: bench/history/export-under-ingest.ts.
 */
import Fastify from 'fastify';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, type Category, type EnrichedEvent, type Severity } from '../../src/event/schema.js';
import { openSqliteLog } from '../../src/server/store/sqlite/index.js';
import { rng } from '../../src/server/store/sqlite/testkit.js';
import { registerHistoryRoutes } from '../../src/server/http/history.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const N = Number(args.events ?? 10_000_000);
const DIR = args.dir ?? '/tmp/attackmap-bench-history';
const EXPORT = Number(args.export ?? 1_000_000);
const APPEND = Number(args.append ?? 200_000);
const DAY = 86_400_000;
const END = Date.parse('2026-11-25T00:00:00Z');
const START = END - 30 * DAY;

const r = rng(2026);
/** Zipf-like pick of 0..n-1: a few keys take most of the events, as with real attack sources. */
function zipf(n: number, s = 1.1): () => number {
  const w = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  const total = w.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const x of w) { acc += x / total; cdf.push(acc); }
  return () => {
    const u = r();
    let lo = 0, hi = n - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
    return lo;
  };
}
function weighted<T>(items: [T, number][]): () => T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  return () => { let u = r() * total; for (const [v, w] of items) { u -= w; if (u <= 0) return v; } return items[0][0]; };
}

const COUNTRY_CODES = 'CN US RU BR IN DE NL VN KR FR GB ID TW UA IR TR TH SG HK JP CA PL RO BG IT ES AR MX CO EG ZA NG PK BD PH MY SE FI NO CH AT BE CZ HU LT IL SA AE KZ CL'.split(' ');
const pickCategory = weighted<Category>([['scan', 40], ['bruteforce', 25], ['exploit', 10], ['recon', 8], ['malware', 5], ['dos', 3], ['policy', 4], ['intel', 3], ['other', 2]]);
const pickSeverity = weighted<Severity>([['low', 55], ['medium', 30], ['high', 13], ['critical', 2]]);
const PORTS = [22, 23, 80, 443, 445, 3389, 8080, 21, 25, 53, 1433, 3306, 5900, 6379, 9200, 2222, 8443, 5060, 11211, 27017];
const pickPort = zipf(PORTS.length, 1.0);
const pickRule = zipf(300, 1.0);
const SENSORS = Array.from({ length: 12 }, (_, i) => ({ name: `sensor-${i + 1}`, site: ['fra', 'nyc', 'sgp', 'gru'][i % 4], product: ['suricata', 'snort', 'cowrie', 'iptables'][i % 4] }));
const pickSensor = zipf(SENSORS.length, 0.7);
// 20,000 attacker addresses, each with a fixed country and AS (10% not located).
const pickCountry = zipf(COUNTRY_CODES.length, 1.2);
const pickAsn = zipf(500, 1.05);
const IPS = Array.from({ length: 20_000 }, (_, i) => {
  const located = r() > 0.1;
  return {
    ip: `${1 + (i % 223)}.${(i * 7) % 256}.${(i * 13) % 256}.${(i * 29) % 254 + 1}`,
    country: located ? COUNTRY_CODES[pickCountry()] : null,
    asn: 1000 + pickAsn() * 37,
  };
});
const pickIp = zipf(IPS.length, 0.9);

function makeEvent(t: number): EnrichedEvent {
  const src = IPS[pickIp()];
  const s = SENSORS[pickSensor()];
  const port = PORTS[pickPort()];
  const rule = pickRule();
  return {
    time: new Date(t).toISOString(),
    observer: { name: s.name, product: s.product, site: s.site },
    category: pickCategory(),
    severity: pickSeverity(),
    action: 'alert',
    rule: { id: String(2_000_000 + rule), name: `ET ${CATEGORIES[rule % 9].toUpperCase()} example signature number ${rule}`, rev: 3 },
    transport: 'tcp',
    service: port === 22 ? 'ssh' : port === 80 ? 'http' : undefined,
    source: {
      ip: src.ip,
      port: 1024 + Math.floor(r() * 64000),
      ...(src.country ? { geo: { lat: 10 + r() * 40, lon: 20 + r() * 80, country: src.country, city: 'Somewhere' } } : { geo: null, geoReason: 'unknown' as const }),
      as: { number: src.asn, org: `Example Networks ${src.asn}` },
    },
    destination: { ip: '198.51.100.7', port, geo: { lat: 50.1, lon: 8.7, country: 'DE', site: s.site } },
    count: r() < 0.05 ? 2 + Math.floor(r() * 10) : 1,
    ...(r() < 0.2 ? { details: { user: 'root', password: '123456' } } : {}),
  };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const lines: string[] = [];
function report(line: string) { console.log(line); lines.push(line); }

async function fill(): Promise<void> {
  if (args.reuse && existsSync(join(DIR, 'events.db'))) { report(`reusing ${DIR}`); return; }
  rmSync(DIR, { recursive: true, force: true });
  const log = openSqliteLog({ dataDir: DIR, retentionIntervalMs: 0, now: () => END });
  const started = Date.now();
  const c0 = process.cpuUsage();
  const step = (END - START) / N;
  let inflight: Promise<unknown>[] = [];
  for (let i = 0; i < N; i += 5000) {
    const batch: EnrichedEvent[] = [];
    for (let j = i; j < Math.min(N, i + 5000); j++) {
      // Roughly in time order, a few minutes late or early, as sensors report.
      batch.push(makeEvent(Math.min(END - 1, Math.max(START, START + j * step + (r() - 0.7) * 300_000))));
    }
    inflight.push(log.append(batch));
    if (inflight.length >= 4) { await Promise.all(inflight); inflight = []; }
    if (i % 1_000_000 === 0 && i > 0) console.log(`  filled ${fmt(i)} in ${fmt((Date.now() - started) / 1000)} s`);
  }
  await Promise.all(inflight);
  await log.close();
  const s = (Date.now() - started) / 1000;
  report(`fill: ${fmt(N)} events in ${fmt(s)} s (${fmt(N / s)} events/s wall, cpu ${fmt(cpuMs(c0) / 1000)} s, batches of 5,000, generation included)`);
}

async function appendThroughput(): Promise<void> {
  const dir = `${DIR}-append`;
  rmSync(dir, { recursive: true, force: true });
  const log = openSqliteLog({ dataDir: dir, retentionIntervalMs: 0 });
  const events = Array.from({ length: 1000 }, (_, i) => makeEvent(END - 1000 + i));
  for (const [callers, perCall] of [[200, 10], [1000, 1]] as const) {
    const commits0 = log.health().commits;
    const started = performance.now();
    const c0 = process.cpuUsage();
    let done = 0;
    const total = callers === 1000 ? APPEND / 4 : APPEND;
    await Promise.all(Array.from({ length: callers }, async (_, c) => {
      while (done < total) {
        done += perCall;
        await log.append(events.slice((c * perCall) % 990, (c * perCall) % 990 + perCall));
      }
    }));
    const ms = performance.now() - started;
    const commits = log.health().commits - commits0;
    const cpu = cpuMs(c0);
    report(`append: ${callers} concurrent callers x ${perCall} event(s): ${fmt(done / (ms / 1000))} events/s wall, ${fmt(done / (cpu / 1000))} events per cpu-second, ${fmt(commits)} commits (${fmt(done / commits)} events/commit, ${fmt(ms / commits)} ms/commit)`);
  }
  await log.close();
  rmSync(dir, { recursive: true, force: true });
}

/** CPU ms (user + system) of this process since `c0`: on a shared machine, wall time mostly measures the neighbours. */
const cpuMs = (c0: NodeJS.CpuUsage) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };

async function timed(base: string, path: string, runs = 3): Promise<{ first: number; best: number; cpu: number; bytes: number; status: number }> {
  const times: number[] = [];
  const cpus: number[] = [];
  let bytes = 0, status = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c0 = process.cpuUsage();
    const res = await fetch(base + path);
    const body = await res.arrayBuffer();
    cpus.push(cpuMs(c0));
    times.push(performance.now() - t);
    bytes = body.byteLength;
    status = res.status;
  }
  return { first: times[0], best: Math.min(...times), cpu: Math.min(...cpus), bytes, status };
}

async function measure(): Promise<void> {
  const log = openSqliteLog({ dataDir: DIR, retentionIntervalMs: 0, now: () => END });
  // The retention sweep also prunes finished hours of the srcIp rollup: run it as a server would.
  const s0 = performance.now();
  const swept = await log.sweep();
  report(`retention sweep after fill: ${fmt((performance.now() - s0) / 1000)} s, ${fmt(swept.rollups)} rollup rows pruned`);
  const stored = log.health().events;
  const app = Fastify();
  registerHistoryRoutes(app, { log, now: () => END });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const iso = (t: number) => new Date(t).toISOString();
  const q = (from: number, to: number, rest = '') => `from=${iso(from)}&to=${iso(to)}${rest}`;

  const db = statSync(join(DIR, 'events.db')).size + (existsSync(join(DIR, 'events.db-wal')) ? statSync(join(DIR, 'events.db-wal')).size : 0);
  report(`db size: ${fmt(db / 1e6)} MB for ${fmt(stored)} events = ${fmt(db / 1e6 / (stored / 1e6))} MB per million events`);

  const statsCases: [string, string][] = [
    ['stats 24 h (auto bucket 5m)', `/api/stats?${q(END - DAY, END)}`],
    ['stats 24 h, unaligned window', `/api/stats?${q(END - DAY - 1234567, END - 987654)}`],
    ['stats 30 d (auto bucket 1h)', `/api/stats?${q(START, END)}`],
    ['stats 30 d, unaligned window', `/api/stats?${q(START + 1234567, END - 987654)}`],
    ['stats 1 h, filter srcCountry=CN (raw scan)', `/api/stats?${q(END - 3_600_000, END, '&srcCountry=CN')}`],
    ['stats 24 h, filter srcCountry=KZ (raw scan, index)', `/api/stats?${q(END - DAY, END, '&srcCountry=KZ')}`],
    ['stats 24 h, filter category=exploit (raw scan)', `/api/stats?${q(END - DAY, END, '&category=exploit')}`],
  ];
  for (const [name, path] of statsCases) {
    const t = await timed(base, path);
    report(`${name}: first ${fmt(t.first)} ms, best of 3 ${fmt(t.best)} ms, cpu ${fmt(t.cpu)} ms (${t.status}, ${fmt(t.bytes / 1024)} KiB)`);
  }

  const pageCases: [string, string][] = [
    ['events first page, last 1 h, no filter', `/api/events?${q(END - 3_600_000, END, '&limit=1000')}`],
    ['events first page, last 1 h, category=exploit', `/api/events?${q(END - 3_600_000, END, '&category=exploit&limit=1000')}`],
    ['events first page, last 1 h, srcCountry=KZ', `/api/events?${q(END - 3_600_000, END, '&srcCountry=KZ&limit=1000')}`],
    ['events first page, 30 d, no filter', `/api/events?${q(START, END, '&limit=1000')}`],
    ['events first page, 30 d, srcCountry=KZ (rare)', `/api/events?${q(START, END, '&srcCountry=KZ&limit=1000')}`],
    ['events first page, 30 d, asn=<rarest>', `/api/events?${q(START, END, `&asn=${1000 + 499 * 37}&limit=1000`)}`],
    ['events first page, 30 d, port=22,445 + minSeverity=critical', `/api/events?${q(START, END, '&port=22,445&minSeverity=critical&limit=1000')}`],
    ['events first page, 30 d, category=dos + srcCountry=CL,KZ', `/api/events?${q(START, END, '&category=dos&srcCountry=CL,KZ&limit=1000')}`],
    ['events first page, 30 d, service=ssh + sensor=sensor-12', `/api/events?${q(START, END, '&service=ssh&sensor=sensor-12&limit=1000')}`],
  ];
  for (const [name, path] of pageCases) {
    const t = await timed(base, path);
    report(`${name}: first ${fmt(t.first)} ms, best of 3 ${fmt(t.best)} ms, cpu ${fmt(t.cpu)} ms (${fmt(t.bytes / 1024)} KiB)`);
  }

  if (EXPORT <= 0) { await app.close(); await log.close(); return; }
  // CSV export of about EXPORT events: the last EXPORT/N of the 30 days.
  const span = Math.min(30 * DAY, (EXPORT / Math.max(1, stored)) * 30 * DAY);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t = performance.now();
  const c0 = process.cpuUsage();
  const res = await fetch(`${base}/api/events?format=csv&${q(END - span, END)}`);
  let bytes = 0, rows = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) rows++;
  }
  const ms = performance.now() - t;
  const cpu = cpuMs(c0);
  clearInterval(sampler);
  report(`csv export: ${fmt(rows - 1)} rows (lines), ${fmt(bytes / 1e6)} MB in ${fmt(ms / 1000)} s (${fmt((rows - 1) / (ms / 1000))} rows/s), cpu ${fmt(cpu / 1000)} s; RSS before ${fmt(rss0 / 1e6)} MB, peak ${fmt(peak / 1e6)} MB (server and client in one process)`);

  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const res2 = await fetch(`${base}/api/events?format=ndjson&${q(END - span, END)}`);
  let lines2 = 0;
  for await (const chunk of res2.body as unknown as AsyncIterable<Uint8Array>) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines2++;
  const ms2 = performance.now() - t2;
  report(`ndjson export: ${fmt(lines2)} lines in ${fmt(ms2 / 1000)} s (${fmt(lines2 / (ms2 / 1000))} lines/s), cpu ${fmt(cpuMs(c2) / 1000)} s`);

  await app.close();
  await log.close();
}

async function main(): Promise<void> {
  report(`# history bench ${new Date().toISOString()} node ${process.version}, events=${fmt(N)}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
  await fill();
  await measure();
  if (args.append !== '0') await appendThroughput();
}

main().catch((err) => { console.error(err); process.exit(1); });
