/**
 * Render benchmark of the map page against the real server, in headless Chromium at 1920×1080:
 *  - cold load: first contentful paint, first basemap paint, stream live (navigation → ms);
 *  - under a steady ingest rate: frames per one-second window (avg, 5th percentile, min), long tasks
 *    (count, longest), events received per second by the page, arcs drawn per second, JS heap;
 *  - the page's JS size, raw and gzipped.
 * Prints one JSON line and appends it to bench/render/results.jsonl.
 *   npx tsx bench/render/run.mts [--rate 1000] [--seconds 30] [--warmup 10] [--label x] [--screenshot out.png]
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ensureBuilt, openCold, pageBase, ROOT, startReal, TOKEN, WEB_DIST } from './setup.mjs';

const arg = (k: string, d: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const WEB = arg('web', '');
const RATE = Number(arg('rate', '1000'));
const SECONDS = Number(arg('seconds', '30'));
const WARMUP = Number(arg('warmup', '10'));
const LABEL = arg('label', `rate ${RATE}`);
const SHOT = arg('screenshot', '');

// Installed before the page's own scripts: a frame clock and long-task / paint observers. Plain
// JS text: a function here would be rewritten by the TypeScript loader with helpers the page lacks.
const INIT = `(() => {
  const b = (window.__bench = { frames: [], longtasks: [], fcp: 0 });
  const tick = (t) => { b.frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longtasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true }); } catch (e) {}
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime; }).observe({ type: 'paint', buffered: true }); } catch (e) {}
  b.loafs = [];
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.duration > 100) b.loafs.push({ start: e.startTime, dur: Math.round(e.duration), block: Math.round(e.blockingDuration || 0), render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0), style: Math.round(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0), scripts: (e.scripts || []).map((x) => (x.invoker || '') + ' ' + Math.round(x.duration)).slice(0, 4) }); }).observe({ type: 'long-animation-frame', buffered: true }); } catch (e) {}
})();`;

function jsSize(): { raw: number; gzip: number } {
  const dir = join(WEB_DIST, 'assets');
  let raw = 0, gzip = 0;
  for (const f of readdirSync(dir)) if (f.endsWith('.js')) { const b = readFileSync(join(dir, f)); raw += b.length; gzip += gzipSync(b, { level: 9 }).length; }
  return { raw, gzip };
}

/** CPU seconds (user + system) used so far by the Chromium processes this script started (Linux /proc). */
function chromiumCpuSeconds(): number {
  const kids = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const pid = Number(d), ppid = Number(f[1]);
      cpu.set(pid, (Number(f[11]) + Number(f[12])) / 100);
      kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
    } catch { /* process ended */ }
  }
  let total = 0;
  const stack = (kids.get(process.pid) ?? []).filter((p) => { try { return /chrom/i.test(readFileSync(`/proc/${p}/comm`, 'utf8')); } catch { return false; } });
  while (stack.length) { const p = stack.pop()!; total += cpu.get(p) ?? 0; stack.push(...(kids.get(p) ?? [])); }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] : 0; };

ensureBuilt();
const server = await startReal();
// --web DIR: serve another build of the page (an A/B comparison) from a loopback static server
// that forwards /api to the real server.
const base = await pageBase(server.url, WEB);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-precise-memory-info', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
] });
const load0 = loadavg()[0];
let feeder: ReturnType<typeof spawn> | null = null;
try {
  // Cold load (empty browser cache, new context), nothing streaming yet.
  const { ctx, page, st } = await openCold(browser, `${base.url}/`, INIT, (s) => s?.mapPaintMs && s.liveAtMs);
  const fcp = await page.evaluate(() => (window as any).__bench.fcp as number);
  const cold = { fcp_ms: Math.round(fcp), map_paint_ms: Math.round(st?.mapPaintMs ?? -1), live_ms: Math.round(st?.liveAtMs ?? -1) };

  // Load: a feeder process posting at RATE for warm-up + window + slack.
  feeder = spawn(process.execPath, [join(ROOT, 'bench/render/feeder.mjs'), '--url', server.url, '--token', TOKEN, '--rate', String(RATE), '--seconds', String(WARMUP + SECONDS + 5)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await sleep(WARMUP * 1000);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  await cdp.send('HeapProfiler.collectGarbage');
  const m0 = await metrics();
  const cpu0 = chromiumCpuSeconds();
  const startState = await page.evaluate(() => ({ t: performance.now(), s: (window as any).__attackmap.state, heap: (performance as any).memory?.usedJSHeapSize ?? 0, dom: document.getElementsByTagName('*').length }));
  await sleep(SECONDS * 1000);
  const endState = await page.evaluate(() => ({ t: performance.now(), s: (window as any).__attackmap.state, heap: (performance as any).memory?.usedJSHeapSize ?? 0, dom: document.getElementsByTagName('*').length, drawnPerS: document.getElementById('rate-drawn')?.textContent }));
  const m1 = await metrics();
  const cpu1 = chromiumCpuSeconds();
  const bench = await page.evaluate(() => (window as any).__bench);
  await cdp.send('HeapProfiler.collectGarbage');
  const heapAfterGc = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? 0);
  if (SHOT) await page.screenshot({ path: SHOT });

  const t0 = startState.t, t1 = endState.t;
  const perSecond: number[] = [];
  for (let s = t0; s + 1000 <= t1; s += 1000) perSecond.push(bench.frames.filter((f: number) => f >= s && f < s + 1000).length);
  const lts = (bench.longtasks as [number, number][]).filter(([s]) => s >= t0 && s <= t1);
  const secs = (t1 - t0) / 1000;
  const mb = (x: number) => Math.round((x / 1048576) * 10) / 10;
  const result = {
    date: new Date().toISOString(), label: LABEL, rate: RATE, seconds: SECONDS, warmup: WARMUP,
    ...cold,
    fps_avg: Math.round((perSecond.reduce((a, b) => a + b, 0) / Math.max(1, perSecond.length)) * 10) / 10,
    fps_p5: pct(perSecond, 5), fps_min: Math.min(...perSecond),
    longtask_count: lts.length, longtask_max_ms: Math.round(Math.max(0, ...lts.map(([, d]) => d))),
    page_received_per_s: Math.round((endState.s.received - startState.s.received) / secs),
    page_counted_per_s: Math.round((endState.s.total - startState.s.total) / secs),
    arcs_live_end: endState.s.arcs, arcs_sampled_out: endState.s.sampledOut - startState.s.sampledOut, drawn_per_s_shown: endState.drawnPerS,
    chromium_cpu_cores: Math.round(((cpu1 - cpu0) / secs) * 100) / 100,
    main_thread_ms_per_s: Object.fromEntries(['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'].map((k) => [k, Math.round(((m1[k] - m0[k]) * 1000) / secs)])),
    map_timing: endState.s.mapTiming, widget_ms: endState.s.widgetMs,
    malformed: endState.s.malformed, gaps_lost: endState.s.gapsLost,
    heap_mb_start: mb(startState.heap), heap_mb_end: mb(endState.heap), heap_mb_after_gc: mb(heapAfterGc), dom_elements: endState.dom,
    js: jsSize(), load_avg_1m_start: Math.round(load0 * 10) / 10, load_avg_1m_end: Math.round(loadavg()[0] * 10) / 10,
    page_served_by: base.forwarded ? 'static forwarder + real API' : 'real server', web: WEB || 'dist/web',
    fps_per_second: perSecond,
    long_frames: (bench.loafs as any[]).filter((l) => l.start >= t0 && l.start <= t1).slice(0, 12),
  };
  const line = JSON.stringify(result);
  console.log(line);
  appendFileSync(join(ROOT, 'bench/render/results.jsonl'), line + '\n');
} finally {
  feeder?.kill('SIGTERM');
  await browser.close();
  await base.close();
  await server.close();
}
process.exit(0);
