import { describe, expect, it } from 'vitest';
import { registerTrendsRoutes, publicNetworks } from './trends.js';
import { useRouteSuite } from './testkit.js';
import { makeEvent, rng } from '../store/sqlite/testkit.js';
import type { EnrichedEvent } from '../../event/schema.js';
import type { TrendsResult } from '../store/types.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
function ev(time: number, ip: string, asn: number, count: number, category: EnrichedEvent['category'] = 'scan'): EnrichedEvent {
  const e = makeEvent(rng(time % 997), time, { category });
  return { ...e, count, source: { ip, geo: null, geoReason: 'unknown', as: { number: asn, org: `Org ${asn}` } } };
}

const viewer = (req: { headers: Record<string, unknown> }) => (req.headers['x-public'] === '16' ? { prefixV4: 16, prefixV6: 32 } : req.headers['x-public'] ? { prefixV4: 24, prefixV6: 48 } : null);
const suite = useRouteSuite({
  dirPrefix: 'attackmap-http-trends-',
  log: { now: () => T0 },
  fill: async (log) => {
    await log.append([ev(T0 - 26 * HOUR, '192.0.2.1', 64500, 7), ev(T0 - 90 * 60_000, '192.0.2.2', 64500, 2)]);
    await log.append([
      ev(T0 - 40 * 60_000, '198.51.100.7', 64501, 3),
      ev(T0 - 30 * 60_000, '198.51.101.7', 64501, 1, 'bruteforce'),
      ev(T0 - 20 * 60_000, '192.0.2.3', 64500, 4),
    ]);
  },
  routes: (app, log) => registerTrendsRoutes(app, { log, now: () => T0, publicView: viewer }),
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(suite.base + path, { headers });
  return { status: res.status, body: await res.json() as TrendsResult & { error?: { code: string } } };
};

describe('GET /api/trends', () => {
  it('defaults to the last hour and compares it with the hour before and a day ago', async () => {
    const { status, body } = await get('/api/trends');
    expect(status).toBe(200);
    expect(body.window).toMatchObject({ from: new Date(T0 - HOUR).toISOString(), to: new Date(T0).toISOString(), total: 8 });
    expect(body.previous?.total).toBe(2);
    expect(body.dayAgo?.total).toBe(0); // 26 hours ago is before the day-ago span, but data exists from then
    expect(body.weekAgo).toBeNull();
    expect(body.newAsns).toEqual([{ asn: 64501, org: 'Org 64501', firstSeen: new Date(T0 - 40 * 60_000).toISOString(), count: 4 }]);
    expect(body.newNetworks.map((n) => [n.prefix, n.count])).toEqual([['198.51.100.0/24', 3], ['198.51.101.0/24', 1]]);
  });

  it('takes from, to, top and the filter parameters', async () => {
    const { body } = await get(`/api/trends?from=${T0 - 2 * HOUR}&to=${new Date(T0).toISOString()}&top=1&category=bruteforce`);
    expect(body.window.total).toBe(1);
    expect(body.newNetworks).toEqual([{ prefix: '198.51.101.0/24', firstSeen: new Date(T0 - 30 * 60_000).toISOString(), count: 1 }]);
  });

  it('refuses a bad window, top or filter with a 400 and a stable code', async () => {
    for (const [path, code] of [
      ['/api/trends?from=yesterday', 'QUERY_INVALID'],
      [`/api/trends?from=${T0}&to=${T0 - 1}`, 'QUERY_INVALID'],
      ['/api/trends?top=0', 'QUERY_INVALID'],
      ['/api/trends?top=1&top=2', 'QUERY_INVALID'],
      ['/api/trends?category=nonsense', 'FILTER_INVALID'],
    ] as const) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error?.code, path).toBe(code);
    }
  });

  it('public view: /24 networks stay, a shorter configured prefix merges them', async () => {
    const same = await get('/api/trends', { 'x-public': '24' });
    expect(same.body.newNetworks.map((n) => n.prefix)).toEqual(['198.51.100.0/24', '198.51.101.0/24']);
    const wide = await get('/api/trends', { 'x-public': '16' });
    expect(wide.body.newNetworks).toEqual([{ prefix: '198.51.0.0/16', firstSeen: new Date(T0 - 40 * 60_000).toISOString(), count: 4 }]);
  });
});

describe('publicNetworks', () => {
  it('cuts IPv6 /48 networks to a shorter prefix', () => {
    const out = publicNetworks([{ prefix: '2001:db8:1::/48', firstSeen: 'b', count: 1 }, { prefix: '2001:db8:2::/48', firstSeen: 'a', count: 2 }], { prefixV4: 24, prefixV6: 32 });
    expect(out).toEqual([{ prefix: '2001:db8::/32', firstSeen: 'a', count: 3 }]);
  });
});
