/**
 * What the render benchmarks need from a running attackmap: the page built if stale (the e2e
 * helpers' check), the real server on a free loopback port with a temp data dir, the URL to load
 * the page from (the real server's `/`, or a static forwarder for another build with `--web
 * DIR`), and a cold page load that waits for the page's own timings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { startFixture } from '../../test/e2e/fixture.js';
import { WEB_DIST } from '../../test/e2e/helpers.js';

export { ensureBuilt, ROOT, WEB_DIST } from '../../test/e2e/helpers.js';
/** Ingest token of the benchmark server (loopback only). */
export const TOKEN = 'bench-render-token-0001';

/** The real server: temp data dir, port 0 on loopback, ingest token, 50 ms stream tick. */
export async function startReal(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'am-bench-render-'));
  const config = buildConfig({ cli: { server: { port: 0, dataDir }, ingest: { token: TOKEN }, stream: { tickMs: 50 } } });
  return startServer(config, { logLine: () => {} });
}

/** Where to load the page: `web` '' = the real server's own `/`; a directory = that build behind a forwarder. */
export async function pageBase(serverUrl: string, web = ''): Promise<{ url: string; close(): Promise<void>; forwarded: boolean }> {
  if (!web) {
    const r = await fetch(`${serverUrl}/`);
    await r.arrayBuffer();
    if (r.ok) return { url: serverUrl, close: async () => {}, forwarded: false };
  }
  const fx = await startFixture({ webDir: web || WEB_DIST, proxy: serverUrl });
  return { url: fx.url, close: () => fx.close(), forwarded: true };
}

/**
 * Opens the page at `url` in a new browser context (empty cache, 1920×1080) with `init` run
 * before the page's own code, and polls the page's state hook every 50 ms (at most 10 s) until
 * `ready(state)`. Returns the context, the page and the last state seen.
 */
export async function openCold(browser: Browser, url: string, init: string, ready: (st: any) => boolean): Promise<{ ctx: BrowserContext; page: Page; st: any }> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  await ctx.addInitScript({ content: init });
  const page = await ctx.newPage();
  await page.goto(url);
  let st: any;
  for (let i = 0; i < 200; i++) {
    st = await page.evaluate(() => (window as any).__attackmap?.state);
    if (ready(st)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ctx, page, st };
}
