/**
 * Screenshots of the page on the demo data (fixed seed) at a wall-screen and a phone size, saved
 * to docs/img/ for the documentation, after checking the page is live and drew the detailed map.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDir, openPage, ROOT, until } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite({ demo: { enabled: true, rate: 20, seed: 7 } });
const IMG = join(ROOT, 'docs', 'img');

beforeAll(() => ensureDir(IMG));

const ready = () => { const s = (window as any).__attackmap?.state; return s && s.stream === 'live' && s.worldDetailed && s.total > 50; };

describe('screenshots from the demo', () => {
  for (const [name, viewport] of [['map-1920.png', { width: 1920, height: 1080 }], ['map-390.png', { width: 390, height: 844 }]] as const) {
    it(`saves ${name}`, async () => {
      const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`, viewport);
      try {
        await until(page, ready, undefined, 45_000);
        await page.waitForTimeout(2500);
        const out = join(IMG, name);
        await page.screenshot({ path: out });
        expect(statSync(out).size).toBeGreaterThan(20_000);
        expect(problems).toEqual([]);
      } finally { await ctx.close(); }
    }, 90_000);
  }
});
