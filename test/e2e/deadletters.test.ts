/**
 * The health panel's dead-letter count opens "Unreadable lines": the lines POST /api/events could
 * not read, newest first, 50 at a time, with hostile text (markup, terminal escapes, a long line)
 * shown as text and never run.
 */
import { describe, expect, it } from 'vitest';
import { openPage, TOKEN, until } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite();

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> \u001b[31mred ${'A'.repeat(3000)}`;

/** Posts raw lines as Suricata EVE: lines that are not JSON become dead letters (PARSE_NOT_JSON). */
async function postUnreadable(url: string, lines: string[]): Promise<void> {
  const r = await fetch(`${url}/api/events?format=suricata-eve`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: lines.join('\n'),
  });
  expect(r.status).toBe(202);
  expect((await r.json()).rejected).toBe(lines.length);
}

async function deadTotal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return ((await (await fetch(`${url}/api/deadletter?limit=1`, { headers })).json()) as { total: number }).total;
}

describe('unreadable lines dialog', () => {
  it('opens from the health row, shows hostile lines as text and pages with More', async () => {
    await postUnreadable(suite.server.url, Array.from({ length: 54 }, (_, i) => `filler line ${i}`));
    await postUnreadable(suite.server.url, [HOSTILE]);
    const end = Date.now() + 10_000;
    while (await deadTotal(suite.server.url) < 55 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));

    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, () => (window as any).__pwned === undefined && document.querySelector('#health .kv-action')?.textContent === '55');
      const row = page.locator('#health .kv-action');
      expect(await row.getAttribute('aria-haspopup')).toBe('dialog');
      // Keyboard: the count is a focusable button that Enter activates.
      await row.focus();
      await page.keyboard.press('Enter');
      await until(page, () => (document.getElementById('dlg-dead') as HTMLDialogElement).open && document.querySelectorAll('#dead-list li').length === 50);
      expect(await page.locator('#dead-summary').innerText()).toBe('50 of 55 kept, newest first.');

      const first = page.locator('#dead-list li').first();
      expect(await first.locator('.dead-code').innerText()).toBe('PARSE_NOT_JSON');
      expect(await first.locator('.dead-src').innerText()).toContain('suricata-eve');
      expect(await first.locator('.dead-time').innerText()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const raw = await first.locator('.dead-raw').textContent();
      expect(raw).toContain('<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>');
      expect(raw).toContain('\\x1b[31mred');
      expect(raw).not.toContain('\u001b');
      expect(raw!.length).toBeLessThanOrEqual(2048 + 8);
      // Nothing of the line became markup, and nothing of it ran.
      expect(await page.evaluate(() => document.querySelectorAll('#dlg-dead img, #dlg-dead script').length)).toBe(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();

      // The long line wraps inside the dialog and is cut to a few lines' height.
      const box = await page.evaluate(() => {
        const d = document.getElementById('dlg-dead')!.getBoundingClientRect();
        const r = document.querySelector('#dead-list .dead-raw') as HTMLElement;
        return { dialogRight: d.right, rawRight: r.getBoundingClientRect().right, rawH: r.clientHeight, rawScrollH: r.scrollHeight, vw: innerWidth };
      });
      expect(box.dialogRight).toBeLessThanOrEqual(box.vw);
      expect(box.rawRight).toBeLessThanOrEqual(box.dialogRight);
      expect(box.rawH).toBeLessThan(box.rawScrollH);
      expect(box.rawH).toBeLessThan(200);

      // More loads the older five; then there is nothing more to load.
      await page.locator('#dead-more').click();
      await until(page, () => document.querySelectorAll('#dead-list li').length === 55);
      expect(await page.locator('#dead-list li').last().locator('.dead-raw').innerText()).toBe('filler line 0');
      expect(await page.locator('#dead-summary').innerText()).toBe('55 of 55 kept, newest first.');
      expect(await page.locator('#dead-more').isHidden()).toBe(true);

      // Escape closes it, and focus goes back to the count.
      await page.keyboard.press('Escape');
      await until(page, () => !(document.getElementById('dlg-dead') as HTMLDialogElement).open);
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('kv-action');
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  }, 60_000);
});
