/**
 * The map page in a real Chromium against the real server: events pushed through POST /api/events
 * reach the feed, counters and map; URL filters reach the server; attacker strings stay text; the
 * page resumes after a server restart without losing an event.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gbToUs, openPage, pageBase, post, startReal, until, type RealServer } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite();

async function feedText(page: Page): Promise<string> {
  return page.locator('#feed').innerText();
}

const live = () => { const am = (window as any).__attackmap; return am && am.state.stream === 'live' && am.state.worldLoaded; };
const feedHas = (t: string) => (document.querySelector('#feed') as HTMLElement).innerText.includes(t);
const totalAtLeast = (n: number) => (window as any).__attackmap.state.total >= n;

describe('map page against the real server', () => {
  it('shows pushed events in the feed and counters, with no CSP violation or script error', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, live);
      const before = await page.evaluate(() => (window as any).__attackmap.state.total as number);
      expect(await post(suite.server.url, [gbToUs('e2e feed rule alpha'), gbToUs('e2e feed rule beta', { category: 'exploit', severity: 'critical' })])).toBe(202);
      await until(page, feedHas, 'e2e feed rule beta');
      const text = await feedText(page);
      expect(text).toContain('e2e feed rule alpha');
      expect(text).toContain('GB 81.2.69.142');
      // Newest first: beta was posted after alpha in the same batch.
      expect(text.indexOf('e2e feed rule beta')).toBeLessThan(text.indexOf('e2e feed rule alpha'));
      await until(page, totalAtLeast, before + 2);
      await until(page, () => document.querySelector('[data-top=srcCountry] li .name')?.textContent === 'GB');
      // Gauges repaint in their own animation frame, after the state that the waits above read.
      await until(page, () => [...document.querySelectorAll('#g-cats li')].some((li) => li.textContent!.includes('exploit') && Number(li.querySelector('b')?.textContent?.replace(/,/g, '')) >= 1));
      const exploit = await page.locator('#g-cats li', { hasText: 'exploit' }).locator('b').innerText();
      expect(Number(exploit.replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
      await expect(page.locator('#conn').getAttribute('data-state')).resolves.toBe('live');
      expect(await page.locator('#foot-attrib a').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/MaxMind/), 'IP Geolocation by DB-IP']));
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  });

  it('draws coloured pixels at the projected source and target', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, live);
      // Sample the arcs canvas near both ends while arcs keep arriving: bruteforce is orange (#E69F00).
      const seen = { src: false, dst: false };
      const deadline = Date.now() + 15_000;
      let n = 0;
      while (!(seen.src && seen.dst) && Date.now() < deadline) {
        await post(suite.server.url, [gbToUs(`pixel ${n}`, { source: { ip: '81.2.69.142', port: 50000 + (n++ % 1000) } })]);
        for (let i = 0; i < 6 && !(seen.src && seen.dst); i++) {
          await page.waitForTimeout(150);
          const r = await page.evaluate(() => {
            const am = (window as any).__attackmap;
            const c = document.getElementById('arcs') as HTMLCanvasElement;
            const rect = c.getBoundingClientRect();
            const ctx2 = c.getContext('2d')!;
            const orangeNear = (lon: number, lat: number) => {
              const p = am.project(lon, lat);
              if (!p) return false;
              const x = Math.round(p[0] - rect.left) - 10, y = Math.round(p[1] - rect.top) - 10;
              const d = ctx2.getImageData(x, y, 21, 21).data;
              for (let k = 0; k < d.length; k += 4) if (d[k + 3] > 60 && d[k] > 150 && d[k + 1] > 90 && d[k + 2] < 90) return true;
              return false;
            };
            return { src: orangeNear(-0.7618, 51.4036), dst: orangeNear(-97.822, 37.751) };
          });
          seen.src ||= r.src;
          seen.dst ||= r.dst;
        }
      }
      expect(seen).toEqual({ src: true, dst: true });
      // And nowhere near 0°,0° (no event here is unlocated).
      const zero = await page.evaluate(() => {
        const am = (window as any).__attackmap;
        const c = document.getElementById('arcs') as HTMLCanvasElement;
        const rect = c.getBoundingClientRect();
        const p = am.project(0, 0);
        const d = c.getContext('2d')!.getImageData(Math.round(p[0] - rect.left) - 6, Math.round(p[1] - rect.top) - 6, 13, 13).data;
        let painted = 0;
        for (let k = 3; k < d.length; k += 4) if (d[k] > 0) painted++;
        return painted;
      });
      expect(zero).toBe(0);
    } finally { await ctx.close(); }
  });

  it('sends URL filters to the server and only shows what matches', async () => {
    const streamUrls: string[] = [];
    const { page, ctx } = await openPage(suite.browser, 'about:blank');
    page.on('request', (r) => { if (r.url().includes('/api/stream')) streamUrls.push(r.url()); });
    try {
      await page.goto(`${suite.base.url}/?category=exploit&minSeverity=high`);
      await until(page, live);
      expect(streamUrls.some((u) => /category=exploit/.test(u) && /minSeverity=high/.test(u))).toBe(true);
      await expect(page.locator('#filter-summary').innerText()).resolves.toContain('exploit');
      await post(suite.server.url, [
        gbToUs('filtered-out scan rule', { category: 'scan', severity: 'critical' }),
        gbToUs('filtered-out low exploit', { category: 'exploit', severity: 'low' }),
        gbToUs('filtered-in exploit rule', { category: 'exploit', severity: 'high' }),
      ]);
      await until(page, feedHas, 'filtered-in exploit rule');
      await page.waitForTimeout(500);
      const text = await feedText(page);
      expect(text).not.toContain('filtered-out scan rule');
      expect(text).not.toContain('filtered-out low exploit');
      // The filtered screen counts only what it receives.
      const cats = await page.evaluate(() => (window as any).__attackmap.state.total as number);
      expect(cats).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#g-cats li', { hasText: 'scan' }).locator('b').innerText()).toBe('0');
    } finally { await ctx.close(); }
  });

  it('refuses a filter the server would reject in the dialog, and says why when a URL carries one', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, live);
      await page.locator('#btn-filters').click();
      await page.locator('#form-filters input[name=srcCountry]').fill('Germany');
      await page.locator('#f-apply').click();
      // Still open, nothing applied: the field says what it wants.
      expect(await page.locator('#dlg-filters').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
      expect(await page.evaluate(() => location.search)).not.toContain('srcCountry');
      expect(await page.locator('#form-filters input[name=srcCountry]').evaluate((i) => (i as HTMLInputElement).validity.patternMismatch)).toBe(true);
      await page.locator('#form-filters input[name=srcCountry]').fill('de, GB');
      await page.locator('#f-apply').click();
      await until(page, () => location.search.includes('srcCountry=de') && !(document.getElementById('dlg-filters') as HTMLDialogElement).open);
      await until(page, live);
      expect(problems).toEqual([]);

      // A hand-made link with a bad filter: the stream is refused, and the header says why.
      await page.goto(`${suite.base.url}/?srcCountry=Germany`);
      await until(page, () => /FILTER_INVALID: srcCountry/.test(document.getElementById('conn-text')?.textContent ?? ''));
      // A category the page does not know is dropped, and the screen says it is not filtered by it.
      await page.goto(`${suite.base.url}/?category=exploits`);
      await until(page, live);
      expect(await page.locator('#filter-summary').innerText()).toBe('Not filtered: ignored (unknown): category exploits');
    } finally { await ctx.close(); }
  });

  it('renders attacker strings as text: nothing executes', async () => {
    const { page, ctx, dialogs, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, live);
      const payloads = {
        rule: '<img src=x onerror="window.__pwned=1;alert(1)">',
        username: '<script>window.__pwned=2</script>',
        command: '"><svg onload=window.__pwned=3>',
        url: 'javascript:window.__pwned=4',
      };
      await post(suite.server.url, [gbToUs(payloads.rule, { category: 'exploit', details: { username: payloads.username, command: payloads.command, url: payloads.url } })]);
      await until(page, feedHas, '<img src=x');
      await page.locator('#feed .row:not([hidden])', { hasText: '<img src=x' }).first().click({ timeout: 10_000 });
      await until(page, () => !(document.getElementById('details') as HTMLElement).hidden);
      const details = await page.locator('#details').innerText();
      expect(details).toContain(payloads.username);
      expect(details).toContain(payloads.command);
      expect(details).toContain(payloads.url);
      expect(await page.locator('#feed img, #details img, #feed svg, #details svg, #details a, #feed script, #details script').count()).toBe(0);
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  });
});

describe('restart', () => {
  it('reconnects after a server restart and loses no event', async () => {
    const first = await startReal();
    const { port, dataDir } = first;
    let current: RealServer | null = first;
    const b = await pageBase(first.url);
    const { page, ctx } = await openPage(suite.browser, `${b.url}/`);
    try {
      await until(page, live);
      await post(first.url, [1, 2, 3].map((i) => gbToUs(`restart-before-${i}`)));
      await until(page, totalAtLeast, 3);
      await current.close();
      current = null;
      await until(page, () => (window as any).__attackmap.state.stream === 'reconnecting');
      current = await startReal({ port, dataDir });
      // Posted before the page is back: these must arrive through Last-Event-ID resume.
      await post(current.url, [4, 5, 6].map((i) => gbToUs(`restart-after-${i}`)));
      await until(page, () => (window as any).__attackmap.state.total >= 6 && (window as any).__attackmap.state.stream === 'live', undefined, 30_000);
      await page.waitForTimeout(800);
      const state = await page.evaluate(() => (window as any).__attackmap.state);
      expect(state.total).toBe(6);
      expect(state.gapsLost).toBe(0);
      const text = await feedText(page);
      for (const i of [1, 2, 3, 4, 5, 6]) expect(text).toContain(i <= 3 ? `restart-before-${i}` : `restart-after-${i}`);
    } finally {
      await ctx.close();
      await b.close();
      await current?.close();
    }
  }, 90_000);
});
