#!/usr/bin/env node
// The fan-out benchmark: starts a fresh attackmap server (bench/fanout/server.ts, the real
// server from src/server/main.ts) and, in the same run, the seed replica, per point; drives each
// with an SSE load harness; writes one JSON line per point and prints a markdown table.
//
//   ulimit -n 20000; node bench/fanout/run.mjs [--harness lean | PATH/ssefan.mjs]
//       [--replica ../shared/bench/seed-flask/app.py] [--targets attackmap,replica]
//       [--points 1000x100,1000x1000,10000x100] [--replica-points 1000x100,1000x300,1000x1000]
//       [--seconds 20] [--warmup 0] [--stall-seconds 60] [--stall-warmup 20] [--no-stall] [--no-control]
//       [--server-args "--sqlite-cache-kib 16384"] [--out FILE]
//
// `--harness lean` (default) is bench/fanout/lean.mjs: clients spread over child processes,
// cheap counting, latency from sampled clients. A path runs the shared harness (ssefan.mjs, not
// copied here). Every harness run stops by itself; each server is started in its own process
// group and only that group is stopped. Loopback only.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const DEFAULTS = {
  harness: 'lean',
  replica: '../shared/bench/seed-flask/app.py',
  python: '/usr/bin/python3',
  targets: 'attackmap,replica',
  points: '1000x100,1000x1000,5000x100,10000x100',
  'replica-points': '1000x100,1000x300,1000x1000,5000x100',
  seconds: '20',
  'stall-seconds': '60',
  'stall-rate': '1000',
  'no-stall': false,
  'no-control': false,
  'stall-warmup': '20',
  warmup: '0',
  'stall-clients': '11',
  'server-args': '',
  procs: '',
  out: '',
  port: '5090',
  'replica-port': '5081',
  'tick-ms': '50',
  gap: '3',
};

function parseArgs(argv) {
  const o = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in DEFAULTS)) { console.error(`unknown option ${argv[i]}`); process.exit(2); }
    if (typeof DEFAULTS[key] === 'boolean') o[key] = true; else o[key] = argv[++i];
  }
  return o;
}
const opt = parseArgs(process.argv.slice(2));
const lean = opt.harness === 'lean';
const harness = lean ? join(HERE, 'lean.mjs') : resolve(ROOT, opt.harness);
const replica = resolve(ROOT, opt.replica);
if (!existsSync(harness)) { console.error(`harness not found: ${harness} (pass --harness PATH)`); process.exit(2); }
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const out = opt.out || join(HERE, 'results', `fanout-${stamp}.ndjson`);
mkdirSync(dirname(out), { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const batchFor = (rate) => (rate <= 100 ? 1 : Math.max(1, Math.round(rate / 50)));
const parsePoints = (s) => s.split(',').filter(Boolean).map((p) => { const [c, r] = p.split('x').map(Number); return { clients: c, rate: r }; });

function portOpen(port) {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

/** Starts a server in its own process group; resolves when its port accepts connections. */
async function startTarget(target) {
  const port = Number(target === 'attackmap' ? opt.port : opt['replica-port']);
  if (await portOpen(port)) throw new Error(`port ${port} is already in use`);
  const [cmd, args] = target === 'attackmap'
    ? [process.execPath, ['--import', 'tsx', join(HERE, 'server.ts'), '--port', String(port), '--tick-ms', opt['tick-ms'], ...opt['server-args'].split(/\s+/).filter(Boolean)]]
    : [opt.python, [replica, '--port', String(port)]];
  const child = spawn(cmd, args, { cwd: target === 'attackmap' ? ROOT : dirname(replica), detached: true, stdio: ['ignore', 'ignore', 'inherit'] });
  const t0 = Date.now();
  while (Date.now() - t0 < 90_000) {
    if (child.exitCode !== null) throw new Error(`${target} exited with ${child.exitCode}`);
    if (await portOpen(port)) return { child, port, startS: (Date.now() - t0) / 1000 };
    await sleep(200);
  }
  stopTarget(child);
  throw new Error(`${target} did not open port ${port} within 90 s`);
}

async function stopTarget(child) {
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 60 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

function runHarness(args) {
  return new Promise((res) => {
    const h = spawn(process.execPath, [harness, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    h.stdout.on('data', (d) => { text += d; });
    h.on('close', () => {
      const line = text.trim().split('\n').pop() ?? '';
      try { res(JSON.parse(line)); } catch { res({ ended: 'no-result', raw: line.slice(0, 500) }); }
    });
  });
}

async function point(target, { clients, rate, seconds, stall = 0, timeline = false, warmup = 0, control = false }) {
  const label = `${target} c=${clients} r=${rate}${stall ? ` stall=${stall}` : ''}${control ? ' control' : ''}`;
  console.error(`== ${label}`);
  let srv;
  try { srv = await startTarget(target); } catch (err) {
    const rec = { label, target, clients, rate, ended: `start-failed: ${err.message}`, date: new Date().toISOString() };
    appendFileSync(out, JSON.stringify(rec) + '\n');
    return rec;
  }
  const batch = batchFor(rate);
  const args = ['--url', `http://127.0.0.1:${srv.port}`, '--clients', String(clients), '--rate', String(rate), '--batch', String(batch),
    '--seconds', String(seconds), '--token', 'bench-token', '--pid', String(srv.child.pid), '--label', label];
  if (stall) args.push('--stall', String(stall));
  if (timeline) args.push('--timeline');
  if (lean) {
    if (warmup) args.push('--warmup', String(warmup));
    // Few clients: every one parses and times its events.
    if (clients <= 50) args.push('--sample-every', '1');
    if (opt.procs) args.push('--procs', opt.procs);
  } else if (clients >= 5000) args.push('--ramp', '500');
  const r = await runHarness(args);
  await stopTarget(srv.child);
  const rec = { target, control, server_start_s: srv.startS, tick_ms: target === 'attackmap' ? Number(opt['tick-ms']) : undefined,
    server_args: target === 'attackmap' ? opt['server-args'] : undefined, ...r };
  appendFileSync(out, JSON.stringify(rec) + '\n');
  console.error(summaryLine(rec));
  await sleep(Number(opt.gap) * 1000);
  return rec;
}

function summaryLine(r) {
  const l = r.latency_ms ?? {};
  const s = r.server ?? {};
  const h = r.harness ?? {};
  // Lean: total harness CPU and the worst loop delay of its processes; shared: its one process.
  const loop = h.workers ? Math.max(h.poster_loop_p99_ms ?? 0, ...h.workers.map((w) => w.loop_p99_ms)) : h.loop_delay_p99_ms;
  const minRatio = r.min_client_ratio ?? '-';
  return `| ${r.target}${r.control ? ' (control)' : ''} | ${r.clients} | ${r.rate} (${r.batch}) | ${r.stalled_clients || 0} | ${r.delivery_ratio ?? '-'} / ${minRatio} | ` +
    `${l.p50 ?? '-'} / ${l.p99 ?? '-'} / ${l.max ?? '-'} | ${r.post_ms_avg ?? '-'} | ${s.cpu_pct ?? '-'} | ${s.rss_start_mb ?? '-'}→${s.rss_max_mb ?? '-'} | ` +
    `${h.cpu_pct ?? '-'} / ${loop ?? '-'} | ${r.machine?.other_pct ?? '-'} | ${(r.date ?? '').slice(11, 16)} | ${r.ended ?? '-'} |`;
}

const results = [];
const targets = opt.targets.split(',');
const seconds = Number(opt.seconds);
if (targets.includes('replica') && !existsSync(replica)) console.error(`replica not found at ${replica}; skipping it`);
// --warmup (lean only): seconds of the same load before each point's measurement, e.g. so that
// the writer thread has started and compiled before the first measured event.
const warmup = lean ? Number(opt.warmup) : 0;
for (const p of parsePoints(opt.points)) if (targets.includes('attackmap')) results.push(await point('attackmap', { ...p, seconds, warmup }));
if (targets.includes('replica') && existsSync(replica)) {
  for (const p of parsePoints(opt['replica-points'])) results.push(await point('replica', { ...p, seconds, warmup }));
}
if (!opt['no-stall']) {
  // One client that stops reading while the others stream (after a warm-up, with the lean
  // harness, so caches and heap are at working size): RSS over time (timeline) must stay flat.
  // The control is the same run without the stalled client.
  const base = { rate: Number(opt['stall-rate']), seconds: Number(opt['stall-seconds']), timeline: true, warmup: lean ? Number(opt['stall-warmup']) : 0 };
  const n = Number(opt['stall-clients']);
  for (const t of targets.filter((x) => x === 'attackmap' || (!lean && existsSync(replica)))) {
    results.push(await point(t, { ...base, clients: n, stall: 1 }));
    if (!opt['no-control'] && t === 'attackmap') results.push(await point(t, { ...base, clients: n - 1, control: true }));
  }
}

console.log('| target | clients | ev/s (batch) | stalled | delivered total / min client | p50 / p99 / max ms | POST ms avg | server CPU % | server RSS start→max MB | harness CPU % / worst loop p99 ms | machine other % | UTC | ended |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(summaryLine(r));
console.error(`results: ${out}`);
