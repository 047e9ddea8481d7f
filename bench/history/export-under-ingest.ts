/**
 * "Reads never stall writes": ingest latency at a steady 5,000 events/s, first alone, then while
 * one and then two full exports stream; also each export's time and the server's peak RSS.
 *
 *   npx tsx bench/history/export-under-ingest.ts [--dir=/tmp/attackmap-bench-history]
 *       [--server=cli|built|source] [--rate=5000] [--batch=50] [--seconds=15] [--days=15.5]
 *       [--phases=alone,baseline,one,two]
 *
 * The server is a separate process (the attackmap CLI, `serve`), so the loader's timers and the
 * export clients never share its event loop: `cli` runs bin/attackmap.js (the build when fresh),
 * `built` runs dist/server/bin.js, `source` the TypeScript through tsx. It serves a copy-free,
 * already filled data directory (fill one with bench/history/run.ts); raw retention is set to
 * ten years so no sweep deletes the 30 days of generated events during the run, and ingested
 * events are added to it. The loader posts `--batch` events every batch/rate seconds to
 * POST /api/events on a fixed schedule (open loop: a slow answer does not delay the next post)
 * and records each POST's latency up to the 202, which the server sends only after the commit.
 * Exports are read by `curl` child processes into /dev/null (a client that reads as fast as it
 * can). The window is the last `--days` of the generated 30 days (15.5 of a 2M fill: ~1M rows). Targets 127.0.0.1 only;
 * every phase is bounded in time.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const DIR = args.dir ?? '/tmp/attackmap-bench-history';
const MODE = args.server ?? 'cli';
const RATE = Number(args.rate ?? 5000);
const BATCH = Number(args.batch ?? 50);
const SECONDS = Number(args.seconds ?? 15);
const DAYS = Number(args.days ?? 15.5);
const PHASES = (args.phases ?? 'alone,baseline,one,two').split(',');
const TOKEN = 'bench-history-ingest-token';
const END = Date.parse('2026-11-25T00:00:00Z');
const DAY = 86_400_000;
const root = join(import.meta.dirname, '..', '..');

const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

function startServer(): Promise<{ url: string; child: ChildProcess; tmp: string }> {
  if (!existsSync(join(DIR, 'events.db'))) throw new Error(`${DIR}/events.db missing: fill it with bench/history/run.ts --export=0`);
  const tmp = mkdtempSync(join(tmpdir(), 'am-bench-export-'));
  const cfg = join(tmp, 'config.json');
  writeFileSync(cfg, JSON.stringify({
    server: { host: '127.0.0.1', port: 0, dataDir: DIR },
    ingest: { token: TOKEN },
    retention: { rawDays: 3650 },
  }));
  const cmd = {
    cli: [join(root, 'bin', 'attackmap.js')],
    built: [join(root, 'dist', 'server', 'bin.js')],
    source: ['--import', 'tsx', join(root, 'src', 'server', 'bin.ts')],
  }[MODE];
  if (!cmd) throw new Error('--server: cli, built or source');
  const child = spawn(process.execPath, [...cmd, 'serve', '--config', cfg], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err.slice(-2000)}`)), 120_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(err);
      if (m) { clearTimeout(timer); resolve({ url: m[1], child, tmp }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${err.slice(-2000)}`)); });
  });
}

/** Peak resident memory of a process, sampled every 100 ms while `watch` runs. */
function rssSampler(pid: number) {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* the process ended */ }
  };
  read();
  const t = setInterval(read, 100);
  return { reset: () => { peak = 0; read(); }, peak: () => peak, stop: () => clearInterval(t) };
}

const ips = Array.from({ length: 2000 }, (_, i) => `${(i % 200) + 20}.${(i * 7) % 250}.${(i * 13) % 250}.${(i % 250) + 1}`);
let seq = 0;
function batchBody(): string {
  const events = [];
  for (let i = 0; i < BATCH; i++, seq++) {
    events.push({
      time: new Date().toISOString(),
      category: seq % 3 === 0 ? 'bruteforce' : 'scan',
      severity: 'low',
      rule: { name: `bench rule ${seq % 50}` },
      source: { ip: ips[seq % ips.length], port: 1024 + (seq % 60000) },
      destination: { ip: '81.2.69.142', port: [22, 23, 80, 443, 445, 3389][seq % 6] },
      observer: { name: 'bench-loader' },
    });
  }
  return JSON.stringify(events);
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, body: string): Promise<{ ms: number; status: number }> {
  const t = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/api/events`, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t, status: res.statusCode ?? 0 }));
    });
    req.on('error', () => resolve({ ms: performance.now() - t, status: 0 }));
    req.end(body);
  });
}

/**
 * Posts BATCH events every BATCH/RATE s until `until()` is true (or `maxMs`); latencies in ms.
 * The schedule is absolute, so a stall shows as latency, not as a lower rate.
 */
async function ingest(url: string, until: () => boolean, maxMs: number): Promise<{ lat: number[]; failed: number; events: number; ms: number }> {
  const period = (BATCH / RATE) * 1000;
  const lat: number[] = [];
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  let n = 0;
  while (!until() && performance.now() - start < maxMs) {
    const due = start + n * period;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    n++;
    const p = post(url, batchBody()).then((r) => { if (r.status === 202) lat.push(r.ms); else failed++; });
    inflight.add(p);
    void p.then(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  return { lat, failed, events: n * BATCH, ms: performance.now() - start };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const latLine = (r: { lat: number[]; failed: number; events: number; ms: number }) =>
  `${fmt(r.lat.length, 0)} POSTs (${fmt(r.events / (r.ms / 1000), 0)} events/s offered, ${r.failed} failed): p50 ${fmt(pct(r.lat, 50))} ms, p99 ${fmt(pct(r.lat, 99))} ms, max ${fmt(Math.max(...r.lat))} ms`;

interface ExportRun { done: boolean; result: Promise<{ seconds: number; bytes: number; rows: number; status: string }> }
function exportWith(url: string, format: 'csv' | 'ndjson', from: number, to: number): ExportRun {
  const run = { done: false } as ExportRun;
  run.result = new Promise((resolve, reject) => {
    // curl counts the bytes; the rows are counted by a pass of wc -l over the same stream.
    const sh = `curl -sS -w '%{http_code} %{time_total} %{size_download}\\n' '${url}/api/events?format=${format}&from=${from}&to=${to}' -o >(wc -l >&2)`;
    const child = spawn('bash', ['-c', sh], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', async () => {
      run.done = true;
      await new Promise((r) => setTimeout(r, 200));
      const [status, secs, bytes] = out.trim().split(' ');
      const lines = Number(/(\d+)/.exec(err)?.[1] ?? NaN);
      if (!secs) reject(new Error(`curl failed: ${err}`));
      else resolve({ status, seconds: Number(secs), bytes: Number(bytes), rows: format === 'csv' ? lines - 1 : lines });
    });
  });
  return run;
}

async function main(): Promise<void> {
  console.log(`# export under ingest ${new Date().toISOString()} node ${process.version}, server=${MODE}, rate=${RATE}/s in batches of ${BATCH}, load average ${load()}`);
  const { url, child, tmp } = await startServer();
  const rss = rssSampler(child.pid!);
  try {
    const health = await (await fetch(`${url}/healthz`).catch(() => fetch(`${url}/api/health`))).text().catch(() => '');
    const stored = Number(/"events":(\d+)/.exec(health)?.[1] ?? NaN);
    const from = Math.round(END - Math.min(30, DAYS) * DAY), to = END;
    console.log(`server ${url} (pid ${child.pid}), ${fmt(stored, 0)} events stored; export window ${new Date(from).toISOString()} .. ${new Date(to).toISOString()}; server RSS at start ${fmt(rss.peak() / 1e6, 0)} MB`);
    // Warm the page cache and the export worker once, as a running server would be.
    await exportWith(url, 'ndjson', to - 3_600_000, to).result;

    if (PHASES.includes('alone')) {
      for (const format of ['csv', 'ndjson'] as const) {
        rss.reset();
        const base = rss.peak();
        const c0 = cpuOf(child.pid!);
        const r = await exportWith(url, format, from, to).result;
        console.log(`alone: ${format} export ${fmt(r.rows, 0)} rows, ${fmt(r.bytes / 1e6, 0)} MB in ${fmt(r.seconds, 2)} s (${fmt(r.rows / r.seconds, 0)} rows/s, HTTP ${r.status}); server cpu ${fmt(cpuOf(child.pid!) - c0, 1)} s; server RSS ${fmt(base / 1e6, 0)} MB before, peak ${fmt(rss.peak() / 1e6, 0)} MB; load ${load()}`);
      }
    }
    // Warm ingest too (connections, JIT, the writer), unrecorded.
    await ingest(url, () => false, 3000);

    if (PHASES.includes('baseline')) {
      const r = await ingest(url, () => false, SECONDS * 1000);
      console.log(`baseline: ingest alone for ${SECONDS} s: ${latLine(r)}; load ${load()}`);
    }
    for (const [phase, formats] of [['one', ['csv']], ['two', ['csv', 'ndjson']]] as const) {
      if (!PHASES.includes(phase)) continue;
      rss.reset();
      const runs = formats.map((f) => exportWith(url, f, from, to));
      const r = await ingest(url, () => runs.every((x) => x.done), 300_000);
      const results = await Promise.all(runs.map((x) => x.result));
      console.log(`${phase}: ingest during ${formats.length} export(s): ${latLine(r)}; load ${load()}`);
      results.forEach((x, i) => console.log(`  ${formats[i]} export ${fmt(x.rows, 0)} rows, ${fmt(x.bytes / 1e6, 0)} MB in ${fmt(x.seconds, 2)} s (HTTP ${x.status})`));
      console.log(`  server peak RSS ${fmt(rss.peak() / 1e6, 0)} MB`);
    }
  } finally {
    rss.stop();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(tmp, { recursive: true, force: true });
    agent.destroy();
  }
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const tick = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
    return (Number(f[11]) + Number(f[12])) / tick;
  } catch { return NaN; }
}

main().catch((err) => { console.error(err); process.exit(1); });
