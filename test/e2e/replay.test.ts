/**
 * Replay on the live map, in a real Chromium against the real server: a recorded window of events
 * with known times plays back in time order with matching counters; a copied link reopens the same
 * view (mode, window, speed, position, filters); "back to live" shows new live events without a
 * reload; and a wall-screen screenshot of replay mode for the documentation.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureDir, gbToUs, openPage, pageBase, post, ROOT, startReal, until, type Ingest } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite();

const N = 50;
const NOW = Date.now();
// 50 events over the past 30 minutes, one every 36 s; every fifth is a scan, the rest brute force.
const T0 = NOW - 30 * 60_000;
const timeOf = (i: number) => new Date(T0 + i * 36_000).toISOString();
const ruleOf = (i: number) => `replay rule ${String(i).padStart(2, '0')}${i % 5 === 0 ? ' scan' : ''}`;
const FROM = Math.floor((T0 - 60_000) / 1000) * 1000;
const TO = Math.ceil((NOW + 60_000) / 1000) * 1000;

beforeAll(async () => {
  const events: Ingest[] = Array.from({ length: N }, (_, i) => ({
    ...gbToUs(ruleOf(i), i % 5 === 0 ? { category: 'scan', severity: 'low' } : {}),
    time: timeOf(i),
  }) as Ingest & { time: string });
  // Posted out of time order: replay must still play them by event time.
  const shuffled = events.map((e, i) => ({ e, k: (i * 37) % N })).sort((a, b) => a.k - b.k).map((x) => x.e);
  expect(await post(suite.server.url, shuffled)).toBe(202);
});

const replayUrl = (extra = '', speed = 600) => `${suite.base.url}/?mode=replay&from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}&speed=${speed}${extra}`;
const rst = () => (window as any).__attackmap?.state?.replay;
const feedRules = () => [...document.querySelectorAll('#feed .row:not([hidden]) .c-rule')].map((e) => e.textContent ?? '');

/** Indices of the replay rules in the feed, top (newest) first. */
async function feedIdx(page: Page): Promise<number[]> {
  return (await page.evaluate(feedRules)).filter((r) => r.startsWith('replay rule')).map((r) => Number(r.slice(12, 14)));
}

describe('replay on the live map', () => {
  it('plays a recorded window in time order, with counters that match the window', async () => {
    // Opened paused, started once the map and the first page are in: on a loaded machine the
    // page may take longer to load than the 3 s this replay lasts.
    const { page, ctx, problems } = await openPage(suite.browser, replayUrl('&play=0'));
    try {
      await until(page, () => { const s = (window as any).__attackmap?.state; return s?.worldLoaded && s.replay.pages >= 1; });
      expect(await page.evaluate(() => (window as any).__attackmap.state.total)).toBe(0);
      await page.click('#replay-play');
      const samples: number[][] = [];
      let maxArcs = 0;
      const end = Date.now() + 20_000;
      for (;;) {
        samples.push(await feedIdx(page));
        maxArcs = Math.max(maxArcs, await page.evaluate(() => (window as any).__attackmap.state.arcs as number));
        const s = await page.evaluate(rst);
        if (s.done && s.released === N) break;
        if (Date.now() > end) throw new Error(`replay did not finish: ${JSON.stringify(s)}`);
        await page.waitForTimeout(80);
      }
      // Every sample is a run of consecutive events, newest on top: nothing from the future, no gaps.
      for (const s of samples) s.forEach((v, i) => { if (i) expect(s[i - 1] - v).toBe(1); });
      // The clock moved through the window: some sample caught it part way.
      expect(samples.some((s) => s.length > 0 && s[0] < N - 1)).toBe(true);
      // The feed repaints up to 200 ms after the last release.
      await until(page, (top) => document.querySelector('#feed .row:not([hidden]) .c-rule')?.textContent === top, ruleOf(N - 1));
      const last = await feedIdx(page);
      expect(last.slice(0, 3)).toEqual([N - 1, N - 2, N - 3]);
      expect(maxArcs).toBeGreaterThan(0);

      const st = await page.evaluate(() => (window as any).__attackmap.state);
      expect(st.total).toBe(N);
      expect(st.replay.windowTotal).toBe(N);
      // Gauges repaint in their own animation frame, after the state read above.
      await until(page, (n) => document.getElementById('g-total')?.textContent === String(n), N);
      expect(await page.locator('#g-total').innerText()).toBe(String(N));
      const cat = async (c: string) => Number(await page.locator('#g-cats li', { hasText: c }).locator('b').innerText());
      expect(await cat('scan')).toBe(10);
      expect(await cat('bruteforce')).toBe(40);
      await until(page, () => document.querySelector('[data-top=rule] li .name') !== null);
      // The map says it shows the past.
      await until(page, () => document.getElementById('conn-text')?.textContent === 'replay');
      expect(await page.locator('#replay-title').innerText()).toContain('600×');
      expect(await page.locator('#replay-stamp').isVisible()).toBe(true);
      // The clock reaches the window's end a moment after the last event.
      await until(page, () => /end of window/.test(document.getElementById('replay-status')?.textContent ?? ''));
      expect(await page.locator('#replay-status').innerText()).toMatch(/^50 of 50 events · end of window$/);
      // The server's own count for the window agrees.
      const stats = await (await fetch(`${suite.server.url}/api/stats?from=${FROM}&to=${TO}`)).json() as { total: number };
      expect(stats.total).toBe(N);
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);

  it('a copied link reopens the same window, speed, position and filters', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, replayUrl('&category=scan', 10));
    try {
      await until(page, () => (window as any).__attackmap?.state?.replay?.released >= 1);
      await page.click('#replay-play');
      await until(page, () => (window as any).__attackmap.state.replay.params.playing === false);
      await page.click('#replay-copy');
      await until(page, () => (document.getElementById('replay-link') as HTMLInputElement).value.includes('mode=replay'));
      const link = await page.locator('#replay-link').inputValue();
      const first = await page.evaluate(rst);
      expect(link).toContain('category=scan');
      expect(link).toContain('play=0');

      const second = await openPage(suite.browser, link);
      try {
        await until(second.page, () => (window as any).__attackmap?.state?.replay?.pages >= 1);
        const again = await second.page.evaluate(rst);
        expect(again.active).toBe(true);
        expect(again.params.from).toBe(FROM);
        expect(again.params.to).toBe(TO);
        expect(again.params.speed).toBe(10);
        expect(again.params.playing).toBe(false);
        expect(Math.abs(again.params.at - first.params.at)).toBeLessThan(1000);
        expect(await second.page.locator('#replay-speed').inputValue()).toBe('10');
        expect(await second.page.locator('#filter-summary').innerText()).toContain('scan');
        // Paused at the same position, so the same events are shown: only scans, none after `at`.
        await until(second.page, (n) => (window as any).__attackmap.state.total === n, first.released);
        // The feed paints in its own animation frame, a frame after the state.
        await until(second.page, () => document.querySelectorAll('#feed .row:not([hidden]) .c-rule').length > 0);
        const rules = await second.page.evaluate(feedRules);
        expect(rules.length).toBeGreaterThan(0);
        expect(rules.every((r) => r.endsWith(' scan'))).toBe(true);
        expect(second.problems).toEqual([]);
      } finally { await second.ctx.close(); }
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);

  it('seeking counts the window up to the new position, and speed changes keep the position', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, replayUrl('&play=0', 60));
    try {
      await until(page, () => (window as any).__attackmap?.state?.replay?.pages >= 1);
      expect(await page.evaluate(() => (window as any).__attackmap.state.total)).toBe(0);
      // Seek to just after event 19 (its time plus 10 s): events 0-19 are counted, none after.
      const target = Date.parse(timeOf(19)) + 10_000;
      await page.evaluate(([t, from, to]) => {
        const s = document.getElementById('replay-seek') as HTMLInputElement;
        s.value = String(Math.round(((t - from) / (to - from)) * 1000));
        s.dispatchEvent(new Event('input'));
        s.dispatchEvent(new Event('change'));
      }, [target, FROM, TO]);
      await until(page, () => (window as any).__attackmap.state.total === 20);
      const at = (await page.evaluate(rst)).params.at as number;
      // The slider has 1000 steps: the position lands within one step of the target.
      expect(Math.abs(at - target)).toBeLessThanOrEqual((TO - FROM) / 1000);
      await until(page, (top) => document.querySelector('#feed .row:not([hidden]) .c-rule')?.textContent === top, ruleOf(19));
      expect(page.url()).toContain('at=');
      // Space plays and pauses.
      await page.locator('#map').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press(' ');
      await until(page, () => (window as any).__attackmap.state.replay.params.playing === true);
      await page.keyboard.press(' ');
      await until(page, () => (window as any).__attackmap.state.replay.params.playing === false);
      const paused = (await page.evaluate(rst)).params.at as number;
      expect(paused).toBeGreaterThanOrEqual(at);
      await page.selectOption('#replay-speed', '600');
      const after = await page.evaluate(rst);
      expect(after.params.speed).toBe(600);
      expect(after.params.at).toBe(paused);
      expect(await page.locator('#replay-title').innerText()).toContain('600×');
      expect(page.url()).toContain('speed=600');
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);

  it('"back to live" shows new live events without a reload', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, replayUrl());
    try {
      await until(page, () => (window as any).__attackmap?.state?.replay?.released >= 1);
      await page.evaluate(() => { (window as any).__sameDocument = true; });
      await page.click('#replay-back');
      await until(page, () => { const s = (window as any).__attackmap.state; return !s.replay.active && s.stream === 'live'; });
      expect(page.url()).not.toContain('mode=replay');
      expect(await page.locator('#replay-bar').isVisible()).toBe(false);
      expect(await post(suite.server.url, [gbToUs('back to live rule')])).toBe(202);
      await until(page, () => [...document.querySelectorAll('#feed .c-rule')].some((e) => e.textContent === 'back to live rule'));
      // The header is repainted by its own UI job, a frame or more after the feed's.
      await until(page, () => document.getElementById('conn-text')?.textContent === 'live');
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);

  it('starts a replay from the History button and a preset', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state?.stream === 'live');
      // On load the page is not blank: the recent past is already in the feed.
      await until(page, () => document.querySelectorAll('#feed .row:not([hidden])').length > 0);
      await page.click('#btn-history');
      await page.click('button[data-preset="1h"]');
      await until(page, () => (window as any).__attackmap.state.replay.active);
      const p = (await page.evaluate(rst)).params;
      expect(p.to - p.from).toBe(3_600_000);
      expect(p.speed).toBe(60);
      expect(page.url()).toContain('mode=replay');
      // The recorded events start half an hour into the window (30 s of wall time at 60×): the
      // quiet stretch is skipped and the first arrives within seconds.
      await until(page, () => (window as any).__attackmap.state.replay.released >= 1, undefined, 8000);
      await until(page, () => /quiet \d+ min skipped/.test(document.getElementById('replay-status')?.textContent ?? ''));
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);
});

describe('pre-filled on load', () => {
  it('reads the last minutes once when the snapshot is small, draws them, and counts each event once', async () => {
    const small = await startReal();
    const smallBase = await pageBase(small.url);
    try {
      const now = Date.now();
      expect(await post(small.url, [0, 1, 2, 3, 4].map((i) => ({ ...gbToUs(`recent rule ${i}`), time: new Date(now - (4 - i) * 50_000).toISOString() }) as Ingest))).toBe(202);
      const { page, ctx, problems } = await openPage(suite.browser, 'about:blank');
      try {
        const asked: string[] = [];
        page.on('request', (r) => { if (r.url().includes('/api/events?')) asked.push(r.url()); });
        await page.goto(`${smallBase.url}/`);
        await until(page, () => (window as any).__attackmap?.state?.stream === 'live');
        // Drawn without any live event: the recent past is on the map.
        await until(page, () => (window as any).__attackmap.state.arcs > 0);
        await until(page, () => document.querySelectorAll('#feed .row:not([hidden])').length === 5);
        expect(asked.length).toBe(1);
        const q = new URL(asked[0]).searchParams;
        expect(Number(q.get('to')) - Number(q.get('from'))).toBeGreaterThanOrEqual(300_000);
        const st = await page.evaluate(() => (window as any).__attackmap.state);
        expect(st.total).toBe(5);
        expect(st.received).toBe(0);
        const rules = await page.evaluate(feedRules);
        expect(rules.slice(0, 5)).toEqual(['recent rule 4', 'recent rule 3', 'recent rule 2', 'recent rule 1', 'recent rule 0']);
        expect(problems).toEqual([]);
      } finally { await ctx.close(); }
    } finally { await smallBase.close(); await small.close(); }
  }, 60_000);
});

describe('replay screenshot', () => {
  it('saves docs/img/replay-1920.png: an hour of demo traffic replayed at 60x', async () => {
    const demo = await startReal({ demo: { enabled: true, rate: 80, seed: 7 } });
    const demoBase = await pageBase(demo.url);
    try {
      // Demo events of a few seconds, spread back over the past hour: a realistic recorded window.
      await new Promise((r) => setTimeout(r, 6000));
      const got = await (await fetch(`${demo.url}/api/events?limit=1000`)).json() as { events: any[] };
      const evs = got.events;
      expect(evs.length).toBeGreaterThan(100);
      const now = Date.now();
      const hourAgo = Math.floor((now - 3_600_000) / 60_000) * 60_000;
      const retimed: Ingest[] = evs.map((e, i) => ({
        time: new Date(hourAgo + 60_000 + Math.floor((i / evs.length) * 57 * 60_000)).toISOString(),
        category: e.category, severity: e.severity, rule: { name: e.rule.name },
        source: { ip: e.source.ip, ...(e.source.port !== undefined ? { port: e.source.port } : {}) },
        destination: { ip: e.destination.ip, ...(e.destination.port !== undefined ? { port: e.destination.port } : {}) },
        observer: { name: e.observer.name, ...(e.observer.site ? { site: e.observer.site } : {}) },
        ...(e.service ? { service: e.service } : {}),
      }));
      for (let i = 0; i < retimed.length; i += 250) expect(await post(demo.url, retimed.slice(i, i + 250))).toBe(202);
      const from = hourAgo;
      const to = from + 3_600_000;
      const at = from + 35 * 60_000;
      const url = `${demoBase.url}/?mode=replay&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&speed=60&at=${new Date(at).toISOString()}`;
      const { page, ctx, problems } = await openPage(suite.browser, url);
      try {
        await until(page, () => { const s = (window as any).__attackmap?.state; return s?.worldDetailed && s.replay.windowTotal > 0 && s.arcs > 5; }, undefined, 45_000);
        await page.waitForTimeout(2500);
        const dir = join(ROOT, 'docs', 'img');
        ensureDir(dir);
        const out = join(dir, 'replay-1920.png');
        await page.screenshot({ path: out });
        expect(statSync(out).size).toBeGreaterThan(20_000);
        expect(await page.locator('#replay-title').innerText()).toMatch(/^\d\d:\d\d–\d\d:\d\d · 60×$/);
        expect(problems).toEqual([]);
      } finally { await ctx.close(); }
    } finally { await demoBase.close(); await demo.close(); }
  }, 120_000);
});
