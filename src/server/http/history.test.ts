import { describe, expect, it } from 'vitest';
import { registerHistoryRoutes, csvCell } from './history.js';
import { useRouteSuite } from './testkit.js';
import { makeEvent, rng } from '../store/sqlite/testkit.js';
import type { AttackEvent } from '../../event/schema.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const stored: AttackEvent[] = [];

const suite = useRouteSuite({
  dirPrefix: 'attackmap-http-',
  fill: async (log) => {
    const r = rng(7);
    for (let i = 0; i < 5; i++) {
      stored.push(...(await log.append(Array.from({ length: 500 }, () => makeEvent(r, T0 - 3 * HOUR + Math.floor(r() * 4 * HOUR))))));
    }
    // Hostile text in the places a CSV export shows it.
    stored.push(...(await log.append([makeEvent(r, T0 - HOUR / 2, {
      rule: { name: '=HYPERLINK("http://x","click"), "quoted"\nnext line' },
      observer: { name: '@sensor', product: '+p', site: '-s' },
      details: { cmd: 'wget "http://x"; sh' },
    })])));
    await log.addDeadLetters([
      { time: new Date(T0).toISOString(), source: 'file:/var/log/snort/alert', format: 'snort-fast', code: 'PARSE_NO_MATCH', message: 'no match', raw: 'garbage 1', position: 'alert:10' },
      { time: new Date(T0).toISOString(), source: 'file:/var/log/snort/alert', format: 'snort-fast', code: 'PARSE_BAD_IP', message: 'bad ip', raw: 'garbage 2' },
    ]);
  },
  routes: (app, log) => registerHistoryRoutes(app, { log, now: () => T0 }),
});

const get = (path: string) => fetch(suite.base + path);
const inWindow = (from: number, to: number) => stored.filter((e) => { const t = Date.parse(e.time); return t >= from && t < to; });

/** A small RFC 4180 reader, to check that what we write reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

describe('GET /api/events', () => {
  it('defaults to the last hour and pages with a cursor until null', async () => {
    const want = inWindow(T0 - HOUR, T0);
    const got: AttackEvent[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Response = await get(`/api/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { events: AttackEvent[]; nextCursor: string | null };
      got.push(...body.events);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(got.map((e) => e.id)).toEqual(want.map((e) => e.id));
  });

  it('takes ISO-8601 and epoch ms windows and filters', async () => {
    const from = T0 - 3 * HOUR;
    const res = await get(`/api/events?from=${new Date(from).toISOString()}&to=${T0}&category=scan,exploit&minSeverity=medium&limit=1000`);
    const body = (await res.json()) as { events: AttackEvent[] };
    const want = inWindow(from, T0).filter((e) => ['scan', 'exploit'].includes(e.category) && e.severity !== 'low');
    expect(body.events.map((e) => e.id)).toEqual(want.slice(0, 1000).map((e) => e.id));
  });

  it('after=<id> returns the events after an id whatever their time', async () => {
    const res = await get('/api/events?after=2400&limit=1000');
    const body = (await res.json()) as { events: AttackEvent[] };
    expect(body.events.map((e) => e.id)).toEqual(stored.slice(2400).map((e) => e.id));
  });

  it('streams the whole window as NDJSON', async () => {
    const from = T0 - 4 * HOUR;
    const res = await get(`/api/events?format=ndjson&from=${from}&to=${T0 + HOUR}&limit=10`);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text()).split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l) as AttackEvent)).toEqual(inWindow(from, T0 + HOUR));
    expect(lines.length).toBeGreaterThan(1000);
  });

  it('exports CSV with a header, quoting, and formula text neutralised', async () => {
    const res = await get(`/api/events?format=csv&from=${T0 - HOUR}&to=${T0}`);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const rows = parseCsv(await res.text());
    const header = rows[0];
    expect(header.slice(0, 4)).toEqual(['id', 'time', 'received', 'sensor']);
    expect(rows.length - 1).toBe(inWindow(T0 - HOUR, T0).length);
    const hostile = rows.find((r) => r[header.indexOf('sensor')] === "'@sensor")!;
    expect(hostile).toBeDefined();
    expect(hostile[header.indexOf('rule_name')]).toBe('\'=HYPERLINK("http://x","click"), "quoted"\nnext line');
    expect(hostile[header.indexOf('product')]).toBe("'+p");
    expect(hostile[header.indexOf('site')]).toBe("'-s");
    expect(JSON.parse(hostile[header.indexOf('details')])).toEqual({ cmd: 'wget "http://x"; sh' });
    for (const r of rows) expect(r).toHaveLength(header.length);
  });

  it('answers 400 with a code for bad parameters', async () => {
    const cases: [string, string][] = [
      ['/api/events?from=yesterday', 'QUERY_INVALID'],
      ['/api/events?from=2026-11-20T12:00:00Z&to=2026-11-20T11:00:00Z', 'QUERY_INVALID'],
      ['/api/events?limit=0', 'QUERY_INVALID'],
      ['/api/events?limit=5000', 'QUERY_INVALID'],
      ['/api/events?format=xml', 'QUERY_INVALID'],
      ['/api/events?cursor=garbage', 'QUERY_INVALID'],
      ['/api/events?format=csv&cursor=garbage', 'QUERY_INVALID'],
      ['/api/events?after=-3', 'QUERY_INVALID'],
      ['/api/events?limit=1&limit=2', 'QUERY_INVALID'],
      ['/api/events?category=nope', 'FILTER_INVALID'],
      ['/api/events?srcCountry=China', 'FILTER_INVALID'],
      ['/api/stats?bucket=1y', 'QUERY_INVALID'],
      ['/api/stats?bucket=10s', 'QUERY_INVALID'],
      ['/api/stats?top=1000', 'QUERY_INVALID'],
      ['/api/stats?port=70000', 'FILTER_INVALID'],
      ['/api/deadletter?before=x', 'QUERY_INVALID'],
    ];
    for (const [path, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/stats and /api/deadletter', () => {
  it('gives the stats shape with totals matching the events', async () => {
    const from = T0 - 3 * HOUR - 60_000;
    const res = await get(`/api/stats?from=${from}&to=${T0}&bucket=1h&top=3`);
    expect(res.status).toBe(200);
    const s = (await res.json()) as { total: number; series: { total: number }[]; top: Record<string, unknown[]>; byCategory: Record<string, number>; bucketMs: number };
    const want = inWindow(from, T0).reduce((n, e) => n + e.count, 0);
    expect(s.total).toBe(want);
    expect(Object.values(s.byCategory).reduce((a, b) => a + b, 0)).toBe(want);
    expect(s.series.reduce((a, p) => a + p.total, 0)).toBe(want);
    expect(s.bucketMs).toBe(HOUR);
    for (const k of ['srcCountry', 'asn', 'srcIp', 'rule', 'port', 'sensor']) expect(s.top[k].length).toBeLessThanOrEqual(3);
    const filtered = (await (await get(`/api/stats?from=${from}&to=${T0}&port=22`)).json()) as { total: number };
    expect(filtered.total).toBe(inWindow(from, T0).filter((e) => e.destination.port === 22).reduce((n, e) => n + e.count, 0));
  });

  it('lists dead letters newest first with a total', async () => {
    const res = await get('/api/deadletter?limit=1');
    const body = (await res.json()) as { total: number; entries: { id: number; raw: string; code: string }[] };
    expect(body.total).toBe(2);
    expect(body.entries.map((e) => e.code)).toEqual(['PARSE_BAD_IP']);
    const older = (await (await get(`/api/deadletter?before=${body.entries[0].id}`)).json()) as typeof body;
    expect(older.entries.map((e) => e.raw)).toEqual(['garbage 1']);
  });
});

describe('csvCell', () => {
  it('quotes and neutralises', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(undefined)).toBe('');
  });
});
