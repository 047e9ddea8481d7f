/**
 * Attribution of long frames on the map page: the same set-up as run.mts (real server, feeder child,
 * headless Chromium 1920×1080, software raster) with a Chromium trace recorded over the window.
 * Every renderer main-thread task longer than 50 ms is broken down by what ran inside it (script,
 * style, layout, paint, GC, canvas, ...), with wall time against thread CPU time (a task whose CPU
 * time is far below its wall time was descheduled, not busy). Also sums the same categories over
 * the whole window, and lists long tasks on the compositor and raster threads.
 *   npx tsx bench/render/trace.mts [--rate 1000] [--seconds 20] [--warmup 8] [--out /tmp/am-trace.json] [--query ?x=y]
 *   npx tsx bench/render/trace.mts --analyze /tmp/am-trace.json   (summarise a recorded trace only)
 * Prints one JSON summary line (not appended to results.jsonl).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureBuilt, pageBase, ROOT, startReal, TOKEN } from './setup.mjs';

const arg = (k: string, d: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const WEB = arg('web', '');
const RATE = Number(arg('rate', '1000'));
const SECONDS = Number(arg('seconds', '20'));
const WARMUP = Number(arg('warmup', '8'));
const OUT = arg('out', '/tmp/am-trace.json');
const QUERY = arg('query', '');

const CATEGORIES = [
  'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame',
  'v8', 'v8.execute', 'blink', 'cc', 'v8.gc', 'disabled-by-default-v8.gc', 'gpu', 'viz', 'loading', 'blink.user_timing',
];

interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; tdur?: number; tts?: number; pid: number; tid: number; args?: Record<string, any> }

/** Which bucket a nested trace event belongs to (first match wins; exclusive time is summed). */
function bucket(e: TraceEvent): string {
  const n = e.name;
  if (/GC|Scavenge|Sweep|Mark|Compact/i.test(n) && /v8\.gc|devtools|v8/.test(e.cat)) return 'gc';
  if (n === 'FunctionCall' || n === 'EvaluateScript' || n === 'v8.compile' || n === 'V8.Execute' || n === 'FireAnimationFrame' || n === 'TimerFire' || n === 'EventDispatch' || n === 'v8.callFunction' || n === 'RunMicrotasks' || n === 'V8.RunMicrotasks') return 'script';
  if (n === 'UpdateLayoutTree' || n === 'RecalculateStyles' || n === 'ParseAuthorStyleSheet') return 'style';
  if (n === 'Layout' || n === 'LocalFrameView::layout' || n === 'UpdateLayerTree' || n === 'Layerize') return 'layout';
  if (n === 'Paint' || n === 'PaintImage' || n === 'PrePaint' || n === 'Decode Image' || n === 'PaintArtifactCompositor::Update') return 'paint';
  if (/Canvas|GetImageData|Path2D|Skia|Raster/i.test(n)) return 'canvas/raster';
  if (n === 'ParseHTML' || n === 'ResourceReceivedData' || n === 'ResourceFinish' || n === 'ResourceReceiveResponse') return 'loading';
  if (n === 'Commit' || n === 'BeginMainThreadFrame' || n === 'ProxyMain::BeginMainFrame::commit' || n === 'UpdateLayer') return 'commit';
  return '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ANALYZE = arg('analyze', '');
let pageState: any;
const load0 = loadavg()[0];
if (!ANALYZE) await record();

async function record(): Promise<void> {
ensureBuilt();
const server = await startReal();
// --web DIR: serve another build of the page (an A/B comparison) from a loopback static server
// that forwards /api to the real server.
const base = await pageBase(server.url, WEB);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
] });
let feeder: ReturnType<typeof spawn> | null = null;
try {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(`${base.url}/${QUERY}`);
  feeder = spawn(process.execPath, [join(ROOT, 'bench/render/feeder.mjs'), '--url', server.url, '--token', TOKEN, '--rate', String(RATE), '--seconds', String(WARMUP + SECONDS + 5)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await sleep(WARMUP * 1000);
  await browser.startTracing(page, { path: OUT, categories: CATEGORIES });
  await sleep(SECONDS * 1000);
  await browser.stopTracing();
  pageState = await page.evaluate(() => (window as any).__attackmap?.state);
} finally {
  feeder?.kill('SIGTERM');
  await browser.close();
  await base.close();
  await server.close();
}
}

const raw = JSON.parse(readFileSync(ANALYZE || OUT, 'utf8'));
const events: TraceEvent[] = Array.isArray(raw) ? raw : raw.traceEvents;
const threadName = new Map<string, string>();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name);
// The page's renderer: the process whose main thread ran the most FireAnimationFrame events.
const rafBy = new Map<string, number>();
for (const e of events) if (e.name === 'FireAnimationFrame') rafBy.set(`${e.pid}:${e.tid}`, (rafBy.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
const mainKey = [...rafBy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
const mainPid = Number(mainKey.split(':')[0]);
const complete = events.filter((e) => e.ph === 'X' && typeof e.dur === 'number');
const byThread = new Map<string, TraceEvent[]>();
for (const e of complete) {
  const k = `${e.pid}:${e.tid}`;
  let l = byThread.get(k);
  if (!l) byThread.set(k, (l = []));
  l.push(e);
}

// Chromium wraps each task in both of these; count the outer one only.
const isTask = (e: TraceEvent) => e.name === 'ThreadControllerImpl::RunTask';

/** Exclusive time by bucket for the events nested inside [start, end) on one thread (µs). */
function attribute(list: TraceEvent[], start: number, end: number, field: 'dur' | 'tdur' = 'dur'): Record<string, number> {
  const inside = list.filter((e) => e.ts >= start && e.ts + (e.dur as number) <= end && !isTask(e)).sort((a, b) => a.ts - b.ts || (b.dur as number) - (a.dur as number));
  const out: Record<string, number> = {};
  // Walk the nesting: a bucketed event's time counts for its bucket minus bucketed children.
  const stack: { end: number; b: string; child: number; dur: number }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1].end <= upTo) {
      const s = stack.pop()!;
      if (s.b) out[s.b] = (out[s.b] ?? 0) + (s.dur - s.child);
      // Pass the bucketed time up to the nearest bucketed ancestor as "child" time.
      const tracked = s.b ? s.dur : s.child;
      for (let i = stack.length - 1; i >= 0; i--) if (stack[i].b || i === 0) { stack[i].child += tracked; break; }
    }
  };
  for (const e of inside) {
    close(e.ts);
    stack.push({ end: e.ts + (e.dur as number), b: bucket(e), child: 0, dur: (field === 'tdur' ? e.tdur ?? e.dur : e.dur) as number });
  }
  close(Infinity);
  return out;
}

const ms = (us: number) => Math.round(us / 100) / 10;
const main = byThread.get(mainKey) ?? [];
const tasks = main.filter(isTask);
const long = tasks.filter((t) => (t.dur as number) > 50_000).sort((a, b) => a.ts - b.ts);
const t0 = Math.min(...main.map((e) => e.ts)), t1 = Math.max(...main.map((e) => e.ts + (e.dur as number)));
const topNames = (start: number, end: number) => {
  const m = new Map<string, number>();
  for (const e of main) if (e.ts >= start && e.ts + (e.dur as number) <= end && !isTask(e)) m.set(e.name, (m.get(e.name) ?? 0) + (e.dur as number));
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, d]) => `${n} ${ms(d)}`);
};
const longTasks = long.map((t) => {
  const a = attribute(main, t.ts, t.ts + (t.dur as number));
  const known = Object.values(a).reduce((x, y) => x + y, 0);
  return {
    at_s: Math.round((t.ts - t0) / 1e5) / 10, wall_ms: ms(t.dur as number), cpu_ms: t.tdur !== undefined ? ms(t.tdur) : null,
    src: t.args?.src_func ?? t.args?.src_file ?? '',
    by: Object.fromEntries(Object.entries(a).map(([k, v]) => [k, ms(v)])), other_ms: ms((t.dur as number) - known),
    cpu_by: Object.fromEntries(Object.entries(attribute(main, t.ts, t.ts + (t.dur as number), 'tdur')).map(([k, v]) => [k, ms(v)])),
    top: topNames(t.ts, t.ts + (t.dur as number)),
  };
});
const whole = attribute(main, t0, t1);
const wholeCpu = attribute(main, t0, t1, 'tdur');
// Tasks whose own CPU time passed 50 ms: work the page made, whatever the neighbours did.
const cpuLong = tasks.filter((t) => (t.tdur ?? 0) > 50_000).map((t) => ({ at_s: Math.round((t.ts - t0) / 1e5) / 10, wall_ms: ms(t.dur as number), cpu_ms: ms(t.tdur as number), top: topNames(t.ts, t.ts + (t.dur as number)) }));
const cpuHist = [10, 20, 30, 50, 100].map((lim) => [`cpu>${lim}ms`, tasks.filter((t) => (t.tdur ?? 0) > lim * 1000).length]);
const wallHist = [50, 100, 200].map((lim) => [`wall>${lim}ms`, tasks.filter((t) => (t.dur as number) > lim * 1000).length]);
const otherThreads = [...byThread.entries()].filter(([k]) => Number(k.split(':')[0]) === mainPid && k !== mainKey || /Compositor|Raster|VizCompositor|CrGpuMain/.test(threadName.get(k) ?? ''))
  .map(([k, l]) => ({ thread: `${threadName.get(k) ?? k}`, tasks_over_50ms: l.filter((e) => isTask(e) && (e.dur as number) > 50_000).map((e) => `${ms(e.dur as number)}/${e.tdur !== undefined ? ms(e.tdur) : '?'} cpu`).slice(0, 10), busy_ms: ms(l.filter(isTask).reduce((s, e) => s + (e.dur as number), 0)) }))
  .filter((x) => x.busy_ms > 10);
console.log(JSON.stringify({
  date: new Date().toISOString(), rate: RATE, seconds: SECONDS, load_avg_1m_start: Math.round(load0 * 10) / 10, load_avg_1m_end: Math.round(loadavg()[0] * 10) / 10,
  main_thread: threadName.get(mainKey), page_received: pageState?.received, page_stream: pageState?.stream, window_ms: ms(t1 - t0), main_busy_ms: ms(tasks.reduce((s, e) => s + (e.dur as number), 0)),
  main_cpu_ms: ms(tasks.reduce((s, e) => s + (e.tdur ?? 0), 0)), frames: main.filter((e) => e.name === 'FireAnimationFrame').length,
  main_by_bucket_ms: Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, ms(v)])),
  main_by_bucket_cpu_ms: Object.fromEntries(Object.entries(wholeCpu).map(([k, v]) => [k, ms(v)])),
  task_counts: Object.fromEntries([...cpuHist, ...wallHist]), cpu_long_tasks: cpuLong,
  long_tasks: longTasks, other_threads: otherThreads,
}, null, 1));
process.exit(0);
