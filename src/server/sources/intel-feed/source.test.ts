import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { IntelFeedSource, intelFeedSourceType, severityFromCount } from './source.js';
import { recordingContext } from '../file/test-context.js';
import { validateIngest } from '../../../event/validate.js';
import type { SourceConfigBase } from '../types.js';

let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
const requests: IncomingMessage[] = [];

beforeEach(async () => {
  requests.length = 0;
  server = createServer((req, res) => { requests.push(req); handler(req, res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Serves `body()` with an ETag derived from it, answering 304 to a matching If-None-Match. */
function etagFeed(body: () => string, type = 'text/plain') {
  handler = (req, res) => {
    const b = body();
    const tag = `"${Buffer.from(b).toString('base64').slice(-12)}"`;
    if (req.headers['if-none-match'] === tag) { res.writeHead(304).end(); return; }
    res.writeHead(200, { 'content-type': type, etag: tag, 'last-modified': 'Wed, 25 Nov 2026 09:00:00 GMT' }).end(b);
  };
}

const cfg = (extra: Partial<SourceConfigBase>): SourceConfigBase => ({ type: 'intel-feed', name: 'ipsum', url: `${base}/ipsum.txt`, ...extra });
const clock = () => new Date('2026-11-25T10:00:00Z');

describe('intel-feed source', () => {
  it('emits each new indicator once as an intel event; 304 and unchanged entries give nothing', async () => {
    let body = '# IPsum\n45.148.10.240\t9\n80.82.77.33\t4\n2.57.122.53\t1\n';
    etagFeed(() => body);
    const state = new Map<string, string>();
    const ctx = recordingContext(state, clock);
    const src = new IntelFeedSource('ipsum', cfg({ url: `${base}/ipsum.txt` }), ctx);
    const r1 = await src.pollOnce();
    expect(r1).toEqual({ status: 200, indicators: 3, emitted: 3, skipped: 0 });
    const ev = ctx.events[0].event;
    expect(ev).toMatchObject({ category: 'intel', severity: 'critical', rule: { name: 'ipsum' }, source: { ip: '45.148.10.240' }, destination: { ip: '0.0.0.0' }, time: '2026-11-25T10:00:00.000Z' });
    expect(ev.details).toEqual({ feed: 'ipsum', lists: 9 });
    expect(ctx.events.map((e) => e.event.severity)).toEqual(['critical', 'medium', 'low']);
    for (const e of ctx.events) expect(validateIngest(structuredClone(e.event), { sensor: 'ipsum' }).ok).toBe(true);

    const r2 = await src.pollOnce();
    expect(r2.status).toBe(304);
    expect(requests[1].headers['if-none-match']).toBeDefined();
    expect(requests[1].headers['if-modified-since']).toBe('Wed, 25 Nov 2026 09:00:00 GMT');

    body += '193.32.162.14\t6\n';
    const r3 = await src.pollOnce();
    expect(r3.emitted).toBe(1);
    expect(ctx.events.map((e) => e.event.source.ip)).toEqual(['45.148.10.240', '80.82.77.33', '2.57.122.53', '193.32.162.14']);
    await src.stop();

    // A restart remembers what it announced.
    body += '5.9.120.4\t2\n';
    const ctx2 = recordingContext(state, clock);
    const again = new IntelFeedSource('ipsum', cfg({}), ctx2);
    await again.pollOnce();
    expect(ctx2.events.map((e) => e.event.source.ip)).toEqual(['5.9.120.4']);
    await again.stop();
  });

  it('caps new events per poll and continues with the rest next poll', async () => {
    const ips = Array.from({ length: 25 }, (_, i) => `91.92.240.${i + 1}`);
    etagFeed(() => ips.join('\n') + '\n');
    const ctx = recordingContext(new Map(), clock);
    const src = new IntelFeedSource('f', cfg({ maxNewPerPoll: 10, severity: 'high' }), ctx);
    expect((await src.pollOnce()).emitted).toBe(10);
    expect((await src.pollOnce()).emitted).toBe(10);
    expect((await src.pollOnce()).emitted).toBe(5);
    expect((await src.pollOnce()).status).toBe(304);
    expect(new Set(ctx.events.map((e) => e.event.source.ip)).size).toBe(25);
    expect(ctx.events.every((e) => e.event.severity === 'high')).toBe(true);
  });

  it('keeps the seen-set bounded, evicting the oldest', async () => {
    let ips = Array.from({ length: 150 }, (_, i) => `77.88.8.${i + 1}`);
    etagFeed(() => ips.join('\n'));
    const state = new Map<string, string>();
    const ctx = recordingContext(state, clock);
    const src = new IntelFeedSource('f', cfg({ seenMax: 100 }), ctx);
    await src.pollOnce();
    expect(state.get('intel:f:seen')!.split(',').length).toBe(100);
    ips = ips.slice(100); // the 50 youngest remain listed: nothing new
    expect((await src.pollOnce()).emitted).toBe(0);
  });

  it('stops reading a body beyond maxBodyBytes and emits nothing', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 200; i++) res.write(`45.148.10.${i % 250}\t3\n`.repeat(20));
      res.end();
    };
    const ctx = recordingContext();
    const src = new IntelFeedSource('f', cfg({ maxBodyBytes: 4096 }), ctx);
    const r = await src.pollOnce();
    expect(r.status).toBe('error');
    expect(ctx.events).toEqual([]);
    expect(ctx.logs.some((l) => String(l.fields?.error).includes('maxBodyBytes'))).toBe(true);
  });

  it('gives up after timeoutMs and logs why', async () => {
    handler = (_req, res) => { res.writeHead(200); res.write('45.148.10.1\n'); /* never ends */ };
    const ctx = recordingContext();
    const src = new IntelFeedSource('f', cfg({ timeoutMs: 300 }), ctx);
    const r = await src.pollOnce();
    expect(r.status).toBe('error');
    expect(ctx.events).toEqual([]);
    expect(String(ctx.logs[0].fields?.error)).toMatch(/timed out/);
    expect(src.stats().errors).toBe(1);
  });

  it('reports a failed fetch as its problem until a fetch succeeds', async () => {
    let up = false;
    handler = (_req, res) => { if (up) res.writeHead(200, { 'content-type': 'text/plain' }).end('45.148.10.240\t9\n'); else res.writeHead(503).end(); };
    const src = new IntelFeedSource('f', cfg({ url: `${base}/ipsum.txt?key=secret` }), recordingContext());
    expect(src.problem()).toBeNull();
    await src.pollOnce();
    expect(src.problem()).toBe('last fetch failed: HTTP 503');
    up = true;
    expect((await src.pollOnce()).emitted).toBe(1);
    expect(src.problem()).toBeNull();
  });

  it('does not mark indicators seen when the pipeline fails, and retries them', async () => {
    etagFeed(() => '45.148.10.240\t9\n');
    const ctx = recordingContext();
    const src = new IntelFeedSource('f', cfg({}), ctx);
    ctx.failNext = new Error('store down');
    expect((await src.pollOnce()).emitted).toBe(0);
    const r = await src.pollOnce();
    expect(r.status).toBe(200); // no ETag was kept after the failure
    expect(r.emitted).toBe(1);
  });

  it('reads an abuse.ch JSON feed served over HTTP', async () => {
    etagFeed(() => JSON.stringify([{ ip_address: '162.243.103.246', port: 8080, malware: 'Emotet', first_seen: '2026-11-20 08:11:02' }]), 'application/json');
    const ctx = recordingContext(new Map(), clock);
    const src = intelFeedSourceType.create(cfg({ name: 'feodo', feedFormat: 'abusech-json' }), ctx) as IntelFeedSource;
    await src.pollOnce();
    expect(ctx.events[0].event).toMatchObject({ source: { ip: '162.243.103.246', port: 8080 }, severity: 'medium', details: { feed: 'feodo', malware: 'Emotet' } });
  });

  it('starts polling in the background and stops', async () => {
    etagFeed(() => '45.148.10.240\n');
    const ctx = recordingContext();
    const src = intelFeedSourceType.create(cfg({}), ctx);
    await src.start();
    const t0 = Date.now();
    while (ctx.events.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    await src.stop();
    expect(ctx.events).toHaveLength(1);
  });

  it('maps list counts to severities and checks its keys', () => {
    expect([1, 3, 5, 8].map(severityFromCount)).toEqual(['low', 'medium', 'high', 'critical']);
    const c = (x: Partial<SourceConfigBase>) => intelFeedSourceType.check({ type: 'intel-feed', name: 'f', url: 'https://example.org/feed.txt', ...x });
    expect(c({ url: undefined })).toMatch(/^url:/);
    expect(c({ url: 'file:///etc/passwd' })).toMatch(/^url:/);
    expect(c({ interval: 5 })).toMatch(/^interval:/);
    expect(c({ feedFormat: 'stix' })).toMatch(/^feedFormat:/);
    expect(c({ feedFormat: 'csv' })).toMatch(/^columns:/);
    expect(c({ feedFormat: 'csv', columns: { port: 2 } })).toMatch(/^columns.ip:/);
    expect(c({ severity: 'extreme' })).toMatch(/^severity:/);
    expect(c({ feedFormat: 'csv', columns: { ip: 'dst_ip' }, interval: 600 })).toBeNull();
  });
});
