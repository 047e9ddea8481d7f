/**
 * What the render benchmarks need from a running attackmap, without the browser-test helpers
 * (those register vitest hooks, which end a plain `tsx` process): build the page if stale,
 * start the real server on a free loopback port with a temp data dir, and the URL to load the
 * page from (the real server's `/`, or a static forwarder for another build with `--web DIR`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { startFixture } from '../../test/e2e/fixture.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = join(ROOT, 'dist', 'web');
/** Ingest token of the benchmark server (loopback only). */
export const TOKEN = 'bench-render-token-0001';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `vite build` when dist/web is older than src/web (or missing). */
export function ensureBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'src', 'web'))) return;
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

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
