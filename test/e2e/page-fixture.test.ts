/**
 * Page behaviour that needs a stream the real server would not produce on demand: silence (the
 * stale banner), malformed messages, gaps, and a hidden tab. The fixture serves the built page with
 * the server's CSP and speaks the /api/stream protocol.
 */
import { describe, expect, it } from 'vitest';
import { openPage, until } from './helpers.js';
import { useFixtureSuite } from './suite.js';

const suite = useFixtureSuite();

let seq = 100;
function event(over: Record<string, unknown> = {}) {
  seq++;
  return {
    id: String(seq), time: new Date().toISOString(), received: new Date().toISOString(), category: 'scan', severity: 'low',
    rule: { name: `fixture rule ${seq}` }, observer: { name: 'fx', product: 'test' }, count: 1,
    source: { ip: '81.2.69.142', geo: { lat: 51.4, lon: -0.76, country: 'GB' } },
    destination: { ip: '8.8.8.8', port: 22, geo: { lat: 37.75, lon: -97.82, country: 'US' } },
    ...over,
  };
}

const state = () => (window as any).__attackmap?.state;

describe('page against a controllable stream', () => {
  it('shows the stale banner when nothing arrives, and hides it when data flows again', async () => {
    suite.fx.helloOnConnect = true;
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/?staleAfter=4000`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      expect(await page.locator('#stale').isHidden()).toBe(true);
      await until(page, () => !(document.getElementById('stale') as HTMLElement).hidden, undefined, 15_000);
      expect(await page.locator('#stale').innerText()).toMatch(/Nothing received for \d+ s/);
      expect(await page.locator('#conn').getAttribute('data-state')).toBe('stale');
      suite.fx.send('stats', { counters: { total: 1 } });
      await until(page, () => (document.getElementById('stale') as HTMLElement).hidden, undefined, 10_000);
    } finally { await ctx.close(); }
  });

  it('counts malformed messages and bad events without losing the good ones', async () => {
    const { page, ctx, problems } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      suite.fx.send('attack', '{not json');
      suite.fx.send('attack', { events: [event({ rule: { name: 'good one' } }), { id: 'x', category: 'nope' }, event({ source: { ip: 5 } })] }, String(seq));
      suite.fx.send('stats', { counters: 'nope' });
      suite.fx.send('gap', { lost: 7, fromId: '1', toId: '8' });
      await until(page, () => (window as any).__attackmap.state.total >= 1 && (window as any).__attackmap.state.gapsLost === 7);
      const s = await page.evaluate(state);
      expect(s.total).toBe(1);
      expect(s.malformed).toBe(4); // two bad events, one unparsable attack, one bad stats
      // The feed repaints in its own animation frame, after the state read above.
      await until(page, () => (document.getElementById('feed') as HTMLElement).innerText.includes('good one'));
      expect(await page.locator('#feed').innerText()).toContain('good one');
      await until(page, () => /gaps \(lost\)\s+7/.test((document.getElementById('health') as HTMLElement).innerText));
      expect(problems).toEqual([]);
    } finally { await ctx.close(); }
  });

  it('lists a source with a problem in the health panel as a warning, as plain text', async () => {
    const problem = 'no file matches /var/log/<img src=x onerror=alert(1)>/eve*.json';
    suite.fx.health = { status: 'degraded', sources: [{ name: 'eve-file', type: 'file', problem }, { name: 'sshd', type: 'syslog', problem: null }] };
    const { page, ctx, problems, dialogs } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (document.getElementById('health') as HTMLElement).innerText.includes('source eve-file'));
      const row = page.locator('#health dd', { hasText: 'no file matches' });
      expect(await row.textContent()).toBe(problem);
      expect(await row.getAttribute('data-level')).toBe('warn');
      expect(await page.locator('#health dt', { hasText: 'source sshd' }).count()).toBe(0);
      expect(await page.locator('#health img').count()).toBe(0);
      expect(problems).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      suite.fx.health = { status: 'ok', sources: [] };
      await ctx.close();
    }
  });

  it('shows events stored beyond retention in amber, with what it means on hover', async () => {
    suite.fx.health = { status: 'ok', sources: [], events: { beyondRetention: 1234 }, retention: { rawDays: 30 } };
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => /beyond retention\s+1,234/.test((document.getElementById('health') as HTMLElement).innerText));
      const row = page.locator('#health dt', { hasText: 'beyond retention' }).locator('xpath=following-sibling::dd[1]');
      expect(await row.getAttribute('data-level')).toBe('warn');
      expect(await row.getAttribute('title')).toMatch(/older than retention\.rawDays \(30 d\).*Raise retention\.rawDays/);
    } finally {
      suite.fx.health = { status: 'ok', sources: [] };
      await ctx.close();
    }
  });

  it('marks a feed time far from when the event was received: backfill and a clock ahead', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      const now = Date.now();
      suite.fx.send('attack', { events: [
        event({ rule: { name: 'backfilled two days late' }, time: new Date(now - 2 * 86_400_000).toISOString() }),
        event({ rule: { name: 'sensor clock ahead' }, time: new Date(now + 3_600_000).toISOString() }),
        event({ rule: { name: 'on time' } }),
      ] }, String(seq));
      const cell = (rule: string) => page.locator('#feed .row', { has: page.locator('.c-rule', { hasText: rule }) }).locator('.c-time');
      await until(page, () => document.querySelectorAll('#feed .c-time[data-lag]').length >= 3);
      expect(await cell('backfilled two days late').getAttribute('data-lag')).toBe('late');
      expect(await cell('backfilled two days late').innerText()).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
      expect(await cell('backfilled two days late').getAttribute('title')).toMatch(/received 2 d later$/);
      expect(await cell('sensor clock ahead').getAttribute('data-lag')).toBe('ahead');
      expect(await cell('on time').getAttribute('data-lag')).toBe('');
      // Marked in colour too, not only in the title.
      const colours = await page.evaluate(() => [...document.querySelectorAll('#feed .row:not([hidden]) .c-time')].map((c) => getComputedStyle(c).color));
      expect(new Set(colours).size).toBe(2);
    } finally { await ctx.close(); }
  });

  it('never draws an unlocated end at 0,0 and counts it instead; intel is a marker', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live' && (window as any).__attackmap.state.worldLoaded);
      suite.fx.send('attack', { events: [
        event({ source: { ip: '10.0.0.9', geo: null, geoReason: 'private' }, destination: { ip: '10.0.0.1', geo: null } }),
        event({ category: 'intel', destination: { ip: '0.0.0.0', geo: null, range: 'unspecified' } }),
      ] }, String(seq));
      await until(page, () => (window as any).__attackmap.state.total >= 2);
      // Counters repaint in their own animation frame, after the state read above.
      await until(page, () => document.getElementById('unlocated-n')?.textContent === '2');
      expect(await page.locator('#unlocated-n').innerText()).toBe('2');
      const arcs = await page.evaluate(() => (window as any).__attackmap.state.arcs);
      expect(arcs).toBe(1); // the intel marker; the unlocated event draws nothing
      const painted = await page.evaluate(() => {
        const c = document.getElementById('arcs') as HTMLCanvasElement;
        const r = c.getBoundingClientRect();
        const p = (window as any).__attackmap.project(0, 0);
        const d = c.getContext('2d')!.getImageData(Math.round(p[0] - r.left) - 8, Math.round(p[1] - r.top) - 8, 17, 17).data;
        let n = 0;
        for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n++;
        return n;
      });
      expect(painted).toBe(0);
      await until(page, () => (document.getElementById('feed') as HTMLElement).innerText.includes('no target (intel)'));
      expect(await page.locator('#feed').innerText()).toContain('no target (intel)');
    } finally { await ctx.close(); }
  });

  it('does no animation work in a hidden tab but keeps counting', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const before = await page.evaluate(() => (window as any).__attackmap.state.total as number);
      suite.fx.send('attack', { events: [event(), event(), event()] }, String(seq));
      await until(page, (n) => (window as any).__attackmap.state.total >= n + 3, before);
      await page.waitForTimeout(1200);
      expect(await page.evaluate(() => (window as any).__attackmap.state.arcs)).toBe(0);
      expect(await page.locator('#g-total').innerText()).not.toBe('0');
    } finally { await ctx.close(); }
  });

  it('reconnects with the last event id after the stream drops', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      suite.fx.send('attack', { events: [event()] }, '4242');
      await until(page, () => (window as any).__attackmap.state.lastId === '4242');
      const n = suite.fx.requests.length;
      suite.fx.dropClients();
      const end = Date.now() + 20_000;
      while (suite.fx.requests.length <= n && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(suite.fx.requests.length).toBeGreaterThan(n);
      await until(page, () => (window as any).__attackmap.state.stream === 'live' && (window as any).__attackmap.state.lastId === '4242', undefined, 20_000);
      expect(suite.fx.requests[suite.fx.requests.length - 1].lastEventId).toBe('4242');
    } finally { await ctx.close(); }
  });

  it('kiosk hides the controls and enlarges type; reduced motion comes from the OS or the URL', async () => {
    const { page, ctx } = await openPage(suite.browser, `${suite.fx.url}/`);
    try {
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      const normalFont = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      expect(await page.locator('#btn-filters').isVisible()).toBe(true);
      expect(await page.evaluate(() => (window as any).__attackmap.state.reducedMotion)).toBe(false);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await until(page, () => (window as any).__attackmap.state.reducedMotion === true);
      await page.goto(`${suite.fx.url}/?kiosk=1&motion=reduce`);
      await until(page, () => (window as any).__attackmap?.state.stream === 'live');
      expect(await page.locator('#btn-filters').isVisible()).toBe(false);
      const kioskFont = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      expect(kioskFont).toBeGreaterThan(normalFont);
      expect(await page.evaluate(() => (window as any).__attackmap.state.reducedMotion)).toBe(true);
      // Escape leaves kiosk mode and the address follows.
      await page.keyboard.press('Escape');
      await until(page, () => !location.search.includes('kiosk=1'));
      expect(await page.locator('#btn-filters').isVisible()).toBe(true);
    } finally { await ctx.close(); }
  });
});
