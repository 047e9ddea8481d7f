/**
 * Replay benchmark: N events spread over the past hour in the real server, replayed in Chromium
 * at 600× (the hour in 6 s of wall time). Prints the wall time to release every event, the pages
 * fetched, the most events the prefetch buffer held, the frame rate and the widget cost.
 * Usage: npx tsx bench/replay/run.ts [--events=20000] (bounded: at most 200,000 events, 120 s).
 */
import { ensureBuilt, launch, pageBase, post, startReal, type Ingest } from '../../test/e2e/helpers.js';

const arg = process.argv.find((a) => a.startsWith('--events='));
const N = Math.min(200_000, Math.max(100, Number(arg?.slice(9) ?? 20_000)));
const SOURCES = ['81.2.69.142', '8.8.8.8', '1.1.1.1', '89.160.20.112', '175.16.199.1', '2.125.160.216', '67.43.156.1', '216.160.83.56'];
const CATS = ['scan', 'bruteforce', 'exploit', 'recon'];

async function main(): Promise<void> {
  ensureBuilt();
  const server = await startReal();
  const base = await pageBase(server.url);
  const browser = await launch();
  try {
    const now = Date.now();
    const from = Math.floor((now - 3_600_000) / 60_000) * 60_000;
    const to = from + 3_600_000;
    const t0 = Date.now();
    for (let i = 0; i < N; i += 500) {
      const batch: Ingest[] = [];
      for (let k = i; k < Math.min(N, i + 500); k++) {
        batch.push({
          time: new Date(from + 1000 + Math.floor((k / N) * 3_590_000)).toISOString(),
          category: CATS[k % CATS.length], severity: k % 17 === 0 ? 'high' : 'medium', rule: { name: `bench rule ${k % 40}` },
          source: { ip: SOURCES[k % SOURCES.length], port: 1024 + (k % 60000) }, destination: { ip: '8.8.4.4', port: 22 },
        } as Ingest);
      }
      const st = await post(server.url, batch);
      if (st !== 202) throw new Error(`ingest: HTTP ${st}`);
    }
    console.log(`ingested ${N} events in ${Date.now() - t0} ms`);

    const url = `${base.url}/?mode=replay&from=${from}&to=${to}&speed=600&play=0`;
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
    // tsx keeps function names with a helper the page does not have.
    await ctx.addInitScript({ content: 'window.__name = (f) => f;' });
    const page = await ctx.newPage();
    await page.goto(url);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await page.evaluate(() => (window as any).__attackmap?.state?.worldLoaded === true && (window as any).__attackmap.state.replay.pages >= 1);
      if (ok || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.evaluate(() => {
      const w = window as any;
      w.__frames = 0;
      const f = () => { w.__frames++; requestAnimationFrame(f); };
      requestAnimationFrame(f);
    });
    await page.click('#replay-play');
    const start = Date.now();
    let maxBuffered = 0;
    let s: any;
    for (;;) {
      s = await page.evaluate(() => { const st = (window as any).__attackmap.state; return { ...st.replay, arcs: st.arcs, widgetMs: st.widgetMs, total: st.total, frames: (window as any).__frames }; });
      maxBuffered = Math.max(maxBuffered, s.buffered);
      if ((s.done && s.released >= N) || Date.now() - start > 120_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const wall = Date.now() - start;
    console.log(JSON.stringify({ events: N, released: s.released, total: s.total, wallMs: wall, pages: s.pages, maxBuffered, fps: Math.round((s.frames / wall) * 10000) / 10, widgetMs: s.widgetMs, error: s.error }));
    await ctx.close();
  } finally {
    await browser.close();
    await base.close();
    await server.close();
  }
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
