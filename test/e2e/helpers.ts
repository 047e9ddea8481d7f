/**
 * Shared parts of the browser tests: build the page when dist/web is missing or older than its
 * sources, start the real server on a free port with a temp data directory, launch Chromium.
 * Free of vitest, so benchmarks run by plain tsx use it too; the suite hooks are in suite.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { startFixture } from './fixture.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = join(ROOT, 'dist', 'web');
export const TOKEN = 'e2e-ingest-token-0001';
export const ANALYST = 'e2e-analyst-token-0001';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/web with vite unless it is newer than src/web and vite.config.ts. Serialised by a lock directory. */
export function ensureBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  const srcTime = Math.max(newest(join(ROOT, 'src', 'web')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= srcTime) return;
  const lock = join(tmpdir(), 'attackmap-web-build.lock');
  const until = Date.now() + 120_000;
  for (;;) {
    try { mkdirSync(lock); break; } catch {
      if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!existsSync(index) || statSync(index).mtimeMs < srcTime) {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    }
  } finally { rmSync(lock, { recursive: true, force: true }); }
}

export interface ServerOpts { port?: number; dataDir?: string; demo?: { enabled: boolean; rate?: number; seed?: number }; access?: Record<string, unknown>; sites?: unknown[] }

/** The real server: temp data dir, loopback, ingest token, fast stream tick. */
export async function startReal(o: ServerOpts = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'am-e2e-'));
  const config = buildConfig({
    file: o.sites ? { sites: o.sites } : undefined,
    cli: {
      server: { port: o.port ?? 0, dataDir },
      ingest: { token: TOKEN },
      stream: { tickMs: 50 },
      ...(o.demo ? { demo: o.demo } : {}),
      ...(o.access ? { access: o.access } : {}),
    },
  });
  const s = await startServer(config, { logLine: () => {} });
  return Object.assign(s, { dataDir });
}

export interface Ingest {
  time?: string; category: string; severity: string; rule: { name: string };
  source: { ip: string; port?: number }; destination: { ip: string; port?: number };
  observer?: { name: string; site?: string }; details?: Record<string, string | number>; service?: string;
}

/** POST /api/events with the bearer token; returns the HTTP status. */
export async function post(url: string, events: Ingest[]): Promise<number> {
  const body = events.map((e) => ({ time: new Date().toISOString(), observer: { name: 'e2e-sensor' }, ...e }));
  const r = await fetch(`${url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await r.arrayBuffer();
  return r.status;
}

/** A GB → US attack (both addresses locate in the embedded GeoIP data). */
export function gbToUs(rule: string, over: Partial<Ingest> = {}): Ingest {
  return { category: 'bruteforce', severity: 'medium', rule: { name: rule }, source: { ip: '81.2.69.142', port: 40001 }, destination: { ip: '8.8.8.8', port: 22 }, ...over };
}

export const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** A page that records console errors, CSP violations and dialogs. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1920, height: 1080 }) {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(url);
  return { page, ctx, problems, dialogs };
}

/**
 * Waits until `fn` (run in the page with `arg`) is truthy. Polls with evaluate rather than
 * waitForFunction: the page's CSP forbids the string evaluation waitForFunction relies on.
 */
export async function until<A>(page: Page, fn: (arg: A) => unknown, arg?: A, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try { last = await page.evaluate(fn as (a: unknown) => unknown, arg as unknown); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn.toString().slice(0, 160)} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function ensureDir(p: string): void { mkdirSync(p, { recursive: true }); }

/**
 * The URL to load the page from: the real server's `/` when it serves the page; otherwise a
 * loopback static server for dist/web (same CSP) that forwards every /api call to the real server,
 * so the API under test is still the real one. Returns a closer for the forwarder, if any.
 */
export async function pageBase(serverUrl: string): Promise<{ url: string; close(): Promise<void>; forwarded: boolean }> {
  const r = await fetch(`${serverUrl}/`);
  await r.arrayBuffer();
  if (r.ok) return { url: serverUrl, close: async () => {}, forwarded: false };
  const fx = await startFixture({ webDir: WEB_DIST, proxy: serverUrl });
  return { url: fx.url, close: () => fx.close(), forwarded: true };
}

export type RealServer = Awaited<ReturnType<typeof startReal>>;
export type PageBaseUrl = Awaited<ReturnType<typeof pageBase>>;
