/**
 * The page on a public deployment (access.mode public): the public view hides full addresses and
 * details until the analyst logs in with the token (POST /api/login → session cookie). Also the
 * history window of the top tables (GET /api/stats).
 */
import { describe, expect, it } from 'vitest';
import { ANALYST, gbToUs, openPage, post, TOKEN, until } from './helpers.js';
import { usePageSuite } from './suite.js';

const suite = usePageSuite({ access: { mode: 'public', analystToken: ANALYST } });

const live = () => { const s = (window as any).__attackmap?.state; return s && s.stream === 'live'; };
const feedHas = (t: string) => (document.querySelector('#feed') as HTMLElement).innerText.includes(t);

describe('public deployment', () => {
  it('shows the public view, then the analyst view after logging in with the token', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, live);
      await post(suite.server.url, [gbToUs('public view rule', { details: { username: 'root' } })]);
      await until(page, feedHas, 'public view rule');
      const text = await page.locator('#feed').innerText();
      expect(text).toContain('81.2.69.0/24');
      expect(text).not.toContain('81.2.69.142');
      await until(page, () => !(document.getElementById('btn-login') as HTMLElement).hidden);

      // A wrong token is refused with a message; the right one switches the view.
      await page.locator('#btn-login').click();
      await page.locator('#form-login input[name=token]').fill('not-the-token');
      await page.locator('#login-submit').click();
      await until(page, () => /not accepted/.test((document.getElementById('login-error') as HTMLElement).textContent ?? ''));
      await page.locator('#form-login input[name=token]').fill(ANALYST);
      await page.locator('#login-submit').click();
      await until(page, () => location.search.includes('view=analyst') && (window as any).__attackmap.state.stream === 'live');
      await post(suite.server.url, [gbToUs('analyst view rule', { details: { username: 'admin' } })]);
      await until(page, feedHas, 'analyst view rule');
      expect(await page.locator('#feed').innerText()).toContain('81.2.69.142');
      await until(page, () => !(document.getElementById('btn-logout') as HTMLElement).hidden);
      // The refused login is the one expected failure (Chromium logs every 4xx response).
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally { await ctx.close(); }
  });

  it('fills the top tables from /api/stats for the last hour', async () => {
    await post(suite.server.url, [gbToUs('history rule one'), gbToUs('history rule one')]);
    const { page, ctx } = await openPage(suite.browser, `${suite.base.url}/?window=1h`);
    try {
      await until(page, () => [...document.querySelectorAll('[data-top=rule] li .name')].some((e) => e.textContent === 'history rule one'), undefined, 20_000);
      expect(await page.locator('[data-top=rule] h3 .note').innerText()).toContain('1h');
      expect(await page.locator('#top-window').inputValue()).toBe('1h');
    } finally { await ctx.close(); }
  });

  it('says the unreadable lines are for analysts, then lists them after logging in', async () => {
    const r = await fetch(`${suite.server.url}/api/events?format=suricata-eve`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: 'from 81.2.69.142 <b>not json</b>',
    });
    expect((await r.json()).rejected).toBe(1);
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.base.url}/`);
    try {
      await until(page, () => Number(document.querySelector('#health .kv-action')?.textContent) >= 1);
      await page.locator('#health .kv-action').click();
      await until(page, () => /analysts only/.test(document.getElementById('dead-note')?.textContent ?? ''));
      expect(await page.locator('#dead-note').innerText()).toBe('The lines are shown to analysts only: log in to see them.');
      expect(await page.locator('#dead-list li').count()).toBe(0);
      expect(await page.locator('#dead-more').isHidden()).toBe(true);
      expect(await page.locator('#dlg-dead').innerText()).not.toContain('81.2.69.142');
      await page.locator('#dead-close').click();
      await until(page, () => !(document.getElementById('dlg-dead') as HTMLDialogElement).open);

      await page.locator('#btn-login').click();
      await page.locator('#form-login input[name=token]').fill(ANALYST);
      await page.locator('#login-submit').click();
      await until(page, () => location.search.includes('view=analyst'));
      await page.locator('#health .kv-action').click();
      await until(page, () => document.querySelectorAll('#dead-list li').length >= 1);
      expect(await page.locator('#dead-list li .dead-raw').first().innerText()).toBe('from 81.2.69.142 <b>not json</b>');
      expect(await page.locator('#dead-note').isHidden()).toBe(true);
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  });
});
