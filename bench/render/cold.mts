/**
 * Cold loads of the map page (new browser context each: empty cache), nothing streaming: first
 * contentful paint, first basemap paint, stream live, and when the page's JS and the coarse and
 * detailed world files finished downloading (ms from navigation start). Headless Chromium
 * 1920×1080, software raster, the real server on loopback.
 *   npx tsx bench/render/cold.mts [--runs 5]
 * Prints one JSON line with every run and the medians; appends it to bench/render/results.jsonl.
 */
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureBuilt, openCold, pageBase, ROOT, startReal } from './setup.mjs';

const arg = (k: string, d: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const WEB = arg('web', '');
const RUNS = Number(arg('runs', '5'));
const LABEL = arg('label', 'cold');

const INIT = `(() => {
  const b = (window.__bench = { fcp: 0 });
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime; }).observe({ type: 'paint', buffered: true }); } catch (e) {}
})();`;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : -1; };

ensureBuilt();
const server = await startReal();
// --web DIR: serve another build of the page (an A/B comparison) from a loopback static server
// that forwards /api to the real server.
const base = await pageBase(server.url, WEB);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
] });
const load0 = loadavg()[0];
const runs: Record<string, number>[] = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const { ctx, page, st } = await openCold(browser, `${base.url}/`, INIT, (s) => s?.mapPaintMs && s.liveAtMs && s.worldDetailed);
    // A string, not a function: the TypeScript loader would add helpers the page lacks.
    const t = await page.evaluate(`(() => {
      const res = performance.getEntriesByType('resource');
      const end = (re) => Math.round(res.find((e) => re.test(e.name))?.responseEnd ?? -1);
      const start = (re) => Math.round(res.find((e) => re.test(e.name))?.startTime ?? -1);
      return { fcp: window.__bench.fcp, js_end: end(/\\/assets\\/.*\\.js$/), w110_start: start(/countries-110m/), w110_end: end(/countries-110m/), w50_start: start(/countries-50m/), w50_end: end(/countries-50m/),
        ...Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('am:')).map((m) => [m.name.slice(3), Math.round(m.startTime)])) };
    })()`) as Record<string, number>;
    runs.push({ fcp_ms: Math.round(t.fcp), map_paint_ms: Math.round(st?.mapPaintMs ?? -1), live_ms: Math.round(st?.liveAtMs ?? -1), detailed_ms: Math.round(st?.worldDetailedAtMs ?? -1), ...t });
    await ctx.close();
  }
} finally {
  await browser.close();
  await base.close();
  await server.close();
}
const keys = Object.keys(runs[0] ?? {});
const result = {
  date: new Date().toISOString(), label: LABEL, kind: 'cold', web: WEB || 'dist/web', runs: runs.length,
  median: Object.fromEntries(keys.map((k) => [k, median(runs.map((x) => x[k]))])),
  max: Object.fromEntries(keys.map((k) => [k, Math.max(...runs.map((x) => x[k]))])),
  each: runs, load_avg_1m_start: Math.round(load0 * 10) / 10, load_avg_1m_end: Math.round(loadavg()[0] * 10) / 10,
};
const line = JSON.stringify(result);
console.log(line);
appendFileSync(join(ROOT, 'bench/render/results.jsonl'), line + '\n');
process.exit(0);
