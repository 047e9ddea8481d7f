/**
 * The Trends panel in a real Chromium against the real server: an address never seen before
 * makes its AS and network appear as new, and its feed rows carry the NEW AS badge.
 */
import { describe, expect, it } from 'vitest';
import { gbToUs, openPage, post, until } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite();

describe('Trends panel', () => {
  it('lists the AS and network of a fresh address as new and badges its feed rows', async () => {
    expect(await post(suite.server.url, [gbToUs('e2e trends first sighting')])).toBe(202);
    const api = await (await fetch(`${suite.server.url}/api/trends`)).json() as { newAsns: { asn: number }[]; newNetworks: { prefix: string }[] };
    expect(api.newNetworks.map((n) => n.prefix)).toContain('81.2.69.0/24');
    expect(api.newAsns.length).toBeGreaterThan(0);
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, () => (document.querySelector('[data-list=nets]') as HTMLElement | null)?.innerText.includes('81.2.69.0/24'));
      const asText = await page.locator('[data-list=asns] li').first().innerText();
      expect(asText).toContain(`AS${api.newAsns[0].asn}`);
      expect(await page.locator('.trend-cmp').innerText()).toContain('vs previous hour');
      await until(page, () => document.querySelector('#feed .row[data-mark="new-as"]') !== null);
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  });
});
