/**
 * The vitest hooks of the browser suites (kept apart from helpers.ts, which benchmarks import
 * outside vitest).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startFixture, type Fixture } from './fixture.js';
import { ensureBuilt, launch, pageBase, startReal, WEB_DIST, type PageBaseUrl, type RealServer, type ServerOpts } from './helpers.js';

/**
 * The hooks every browser suite needs: beforeAll builds the page if stale and launches Chromium
 * while `start` brings up what the page talks to (it fills its fields into the suite itself, so a
 * half-finished start is still torn down); afterAll closes Chromium, then runs `stop`.
 * beforeAll may take up to 120 s (a cold vite build on a loaded machine).
 */
function useBrowserSuite<T extends object>(start: (into: Partial<T>) => Promise<void>, stop: (parts: Partial<T>) => Promise<void>): { browser: Browser } & T {
  const suite = {} as { browser: Browser } & T;
  beforeAll(async () => {
    ensureBuilt();
    const [browser] = await Promise.all([launch(), start(suite as Partial<T>)]);
    suite.browser = browser;
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await stop(suite as Partial<T>);
  });
  return suite;
}

export interface PageSuite { browser: Browser; server: RealServer; base: PageBaseUrl }

/**
 * Registers beforeAll/afterAll for a browser suite against the real server (started with
 * `server`, default: open access, no demo) and returns the suite. Its fields are set once
 * beforeAll has run: read them inside tests and hooks, never at module level. afterAll closes
 * Chromium, then the page forwarder, then the server.
 */
export function usePageSuite(server: ServerOpts = {}): PageSuite {
  return useBrowserSuite<Omit<PageSuite, 'browser'>>(
    async (s) => {
      s.server = await startReal(server);
      s.base = await pageBase(s.server.url);
    },
    async (s) => {
      await s.base?.close();
      await s.server?.close();
    },
  );
}

/** As usePageSuite, but the page talks to the controllable stand-in server of fixture.ts (serving dist/web). */
export function useFixtureSuite(): { browser: Browser; fx: Fixture } {
  return useBrowserSuite<{ fx: Fixture }>(
    async (s) => { s.fx = await startFixture({ webDir: WEB_DIST }); },
    async (s) => { await s.fx?.close(); },
  );
}
