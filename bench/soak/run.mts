/**
 * Endurance of the map page: the real server, a feeder posting R events/s, and the page open in
 * headless Chromium at 1920×1080 for M minutes. Every minute it forces a garbage collection and
 * samples the JS heap, the DOM node count and listeners (Chrome DevTools Protocol), frames in the
 * last second and the page's own event total. The verdict compares the end with the sample
 * after the first five minutes (target: within 10 %).
 *
 *   npx tsx bench/soak/run.mts [--rate 200] [--minutes 60] [--out bench/soak/results.jsonl]
 *
 * Loopback only; stops by itself after M minutes.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, launch, ROOT, startReal, TOKEN } from '../../test/e2e/helpers.js';

const arg = (k: string, d: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const RATE = Number(arg('rate', '200'));
const MINUTES = Number(arg('minutes', '60'));
const OUT = arg('out', join(ROOT, 'bench', 'soak', 'results.jsonl'));
const BASELINE_MINUTE = Math.min(5, MINUTES);

ensureBuilt();
const server = await startReal({});
const feeder = spawn(process.execPath, [join(ROOT, 'bench/render/feeder.mjs'), '--url', server.url, '--token', TOKEN,
  '--rate', String(RATE), '--seconds', String(MINUTES * 60 + 30)], { stdio: ['ignore', 'ignore', 'inherit'] });
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.addInitScript(`(() => { const b = (window.__soak = { frames: 0 }); const f = () => { b.frames++; requestAnimationFrame(f); }; requestAnimationFrame(f); })();`);
await page.goto(`${server.url}/`);
const cdp = await page.context().newCDPSession(page);
await cdp.send('HeapProfiler.enable');

interface Sample { minute: number; heapMB: number; nodes: number; documents: number; listeners: number; fps: number; loadavg: number }
const samples: Sample[] = [];
let lastFrames = 0;
const started = Date.now();
for (let minute = 1; minute <= MINUTES; minute += 1) {
  await new Promise((r) => setTimeout(r, started + minute * 60_000 - Date.now()));
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage') as { usedSize: number };
  const dom = await cdp.send('Memory.getDOMCounters') as { documents: number; nodes: number; jsEventListeners: number };
  const frames = await page.evaluate(() => (window as unknown as { __soak: { frames: number } }).__soak.frames);
  const s: Sample = {
    minute, heapMB: +(heap.usedSize / 1048576).toFixed(2), nodes: dom.nodes, documents: dom.documents,
    listeners: dom.jsEventListeners, fps: Math.round((frames - lastFrames) / 60), loadavg: +loadavg()[0].toFixed(1),
  };
  lastFrames = frames;
  samples.push(s);
  console.log(JSON.stringify(s));
}

const base = samples.find((s) => s.minute === BASELINE_MINUTE)!;
const end = samples.at(-1)!;
const change = (a: number, b: number) => +(((b - a) / a) * 100).toFixed(1);
const result = {
  date: new Date().toISOString(), rate: RATE, minutes: MINUTES,
  heapMB: { atMinute5: base.heapMB, end: end.heapMB, changePct: change(base.heapMB, end.heapMB), max: Math.max(...samples.map((s) => s.heapMB)) },
  domNodes: { atMinute5: base.nodes, end: end.nodes, changePct: change(base.nodes, end.nodes), max: Math.max(...samples.map((s) => s.nodes)) },
  listeners: { atMinute5: base.listeners, end: end.listeners },
  withinTenPercent: Math.abs(change(base.heapMB, end.heapMB)) <= 10 && Math.abs(change(base.nodes, end.nodes)) <= 10,
  samples,
};
console.log(JSON.stringify({ ...result, samples: undefined }));
appendFileSync(OUT, JSON.stringify(result) + '\n');

feeder.kill('SIGTERM');
await browser.close();
await server.close();
process.exit(0);
