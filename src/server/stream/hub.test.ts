import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { AttackEvent } from '../../event/schema.js';
import { makeEvent } from './testing/events.js';
import { ANALYST_TOKEN, rawStream, sseClient, startStreamServer, type StreamServer } from './testing/harness.js';

let server: StreamServer | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server?.close();
  server = null;
});

function client(url: string, headers: Record<string, string> = {}) {
  const c = sseClient(url, headers);
  cleanups.push(() => c.close());
  return c;
}
function raw(url: string, headers: Record<string, string> = {}) {
  const r = rawStream(url, headers);
  cleanups.push(() => r.destroy());
  return r;
}
const many = (n: number, over: Parameters<typeof makeEvent>[0] = {}) => Array.from({ length: n }, () => makeEvent(over));

describe('stream hub over HTTP', () => {
  it('sends the headers, a retry hint and a hello with a snapshot of recent events and counters', async () => {
    server = await startStreamServer({ seed: many(3) });
    await server.publish(many(2));
    await new Promise((r) => setTimeout(r, 120)); // one tick: the published events reach the ring
    const r = raw(`${server.url}/api/stream`);
    await r.until(() => r.text.includes('\n\n', r.text.indexOf('event: hello')));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache, no-transform');
    expect(r.headers['x-accel-buffering']).toBe('no');
    expect(r.text.startsWith('retry: 3000\n\nevent: hello\nid: 5\ndata: ')).toBe(true);

    const c = client(`${server.url}/api/stream`);
    await c.until(() => c.of('hello').length === 1);
    const hello = c.of('hello')[0].data;
    expect(hello.schema).toBe(1);
    expect(hello.view).toBe('analyst');
    expect(hello.lastId).toBe('5');
    expect(hello.snapshot.events.map((e: AttackEvent) => e.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(hello.snapshot.counters.total).toBe(5);
    expect(hello.resumed).toBeUndefined();
  });

  it('streams batches with the last id, in id order, without loss', async () => {
    server = await startStreamServer();
    const c = client(`${server.url}/api/stream`);
    await c.until(() => c.of('hello').length === 1);
    const stored = await server.publish(many(5));
    await c.until(() => c.attackIds().length === 5);
    const first = c.of('attack')[0];
    expect(first.data.events).toHaveLength(5);
    expect(first.lastEventId).toBe(stored[4].id);
    for (let i = 0; i < 20; i++) await server.publish(many(3));
    await c.until(() => c.attackIds().length === 65);
    const ids = c.attackIds().map(Number);
    expect(ids).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
  });

  it('serialises each batch once per (view, filter) group and writes the same bytes to all its clients', async () => {
    server = await startStreamServer();
    const all = Array.from({ length: 8 }, () => client(`${server!.url}/api/stream`));
    const scans = Array.from({ length: 4 }, () => client(`${server!.url}/api/stream?category=scan`));
    const pub = Array.from({ length: 3 }, () => client(`${server!.url}/api/stream?view=public`));
    const everyone = [...all, ...scans, ...pub];
    await Promise.all(everyone.map((c) => c.until(() => c.of('hello').length === 1)));
    const before = server.metrics.counter({ name: 'attackmap_stream_serialisations_total', help: '', labels: ['kind'] }).get({ kind: 'live' });
    await server.publish([...many(6), ...many(4, { category: 'scan', severity: 'low' })]);
    await Promise.all(all.map((c) => c.until(() => c.attackIds().length === 10)));
    await Promise.all(scans.map((c) => c.until(() => c.attackIds().length === 4)));
    await Promise.all(pub.map((c) => c.until(() => c.attackIds().length === 10)));
    const after = server.metrics.counter({ name: 'attackmap_stream_serialisations_total', help: '', labels: ['kind'] }).get({ kind: 'live' });
    // One tick, three groups: three serialisations for fifteen clients.
    expect(after - before).toBe(3);
    for (const c of scans) expect(c.of('attack').flatMap((m) => m.data.events).every((e: AttackEvent) => e.category === 'scan')).toBe(true);
    const out = server.metrics.counter({ name: 'attackmap_stream_events_out_total', help: '' }).get();
    expect(out).toBe(8 * 10 + 4 * 4 + 3 * 10);
  });

  it('never sends a full source address or details to the public view', async () => {
    server = await startStreamServer({ access: { mode: 'public' } });
    const secret = { password: 'hunter2-secret', cmd: 'cat /etc/shadow' };
    await server.publish([makeEvent({ source: { ip: '198.51.100.77', port: 51515 }, details: secret })]);
    await new Promise((r) => setTimeout(r, 120));
    const r = raw(`${server.url}/api/stream`); // public mode: public by default
    await r.until(() => r.text.includes('event: hello'));
    await server.publish([
      makeEvent({ source: { ip: '203.0.113.201', port: 40001 }, details: secret }),
      makeEvent({ source: { ip: '2001:db8:aa:bb:cc::1', port: 40002 }, details: secret }),
    ]);
    await r.until(() => (r.text.match(/event: attack/g) ?? []).length >= 1 && r.text.endsWith('\n\n') && r.text.includes('2001:db8:aa::/48'));
    expect(r.text).toContain('198.51.100.0/24');
    expect(r.text).toContain('203.0.113.0/24');
    for (const leak of ['198.51.100.77', '203.0.113.201', '2001:db8:aa:bb', 'hunter2', '/etc/shadow', '51515', '"details"', '192.0.2.10']) {
      expect(r.text).not.toContain(leak);
    }
    // The analyst view needs the token in public mode.
    const denied = await fetch(`${server.url}/api/stream?view=analyst`);
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.code).toBe('AUTH_REQUIRED');
    const a = client(`${server.url}/api/stream?view=analyst`, { authorization: `Bearer ${ANALYST_TOKEN}` });
    await a.until(() => a.of('hello').length === 1);
    expect(a.of('hello')[0].data.view).toBe('analyst');
    expect(JSON.stringify(a.of('hello')[0].data.snapshot.events)).toContain('198.51.100.77');
  });

  it('answers 400 FILTER_INVALID for a bad filter and applies filters on the wire', async () => {
    server = await startStreamServer();
    const bad = await fetch(`${server.url}/api/stream?category=nonsense`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('FILTER_INVALID');
    const c = client(`${server.url}/api/stream?minSeverity=high&srcCountry=br`);
    await c.until(() => c.of('hello').length === 1);
    await server.publish([
      makeEvent({ severity: 'low', source: { ip: '203.0.113.1', geo: { lat: -23.5, lon: -46.6, country: 'BR' } } }),
      makeEvent({ severity: 'critical', source: { ip: '203.0.113.2', geo: { lat: -23.5, lon: -46.6, country: 'BR' } } }),
      makeEvent({ severity: 'critical' }),
    ]);
    await c.until(() => c.attackIds().length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    const got = c.of('attack').flatMap((m) => m.data.events);
    expect(got.map((e: AttackEvent) => e.source.ip)).toEqual(['203.0.113.2']);
    // The id still names the newest event considered, so a resume skips the filtered ones.
    expect(c.of('attack')[0].lastEventId).toBe('3');
  });

  it('replays exactly the missed events after Last-Event-ID, then goes live without repeats', async () => {
    server = await startStreamServer({ seed: many(1200) });
    const c = client(`${server.url}/api/stream`, { 'last-event-id': '37' });
    // Live events arrive while the replay pages are being written.
    const live = (async () => { for (let i = 0; i < 10; i++) { await server!.publish(many(7)); await new Promise((r) => setTimeout(r, 5)); } })();
    await c.until(() => c.of('hello').length === 1);
    const hello = c.of('hello')[0].data;
    expect(hello.resumed).toBe(true);
    expect(hello.snapshot).toBeUndefined();
    await live;
    await c.until(() => c.attackIds().length >= 1270 - 37);
    await new Promise((r) => setTimeout(r, 150));
    const ids = c.attackIds().map(Number);
    expect(ids).toEqual(Array.from({ length: 1270 - 37 }, (_, i) => 38 + i));
    const replays = server.metrics.counter({ name: 'attackmap_stream_replay_requests_total', help: '', labels: ['result'] });
    expect(replays.get({ result: 'replayed' })).toBe(1);
  });

  it('resumes many clients at once (more than run concurrently) each with exactly its missed events', async () => {
    server = await startStreamServer({ seed: many(1500) });
    const starts = Array.from({ length: 12 }, (_, i) => 100 * i + 7);
    const cs = starts.map((s) => client(`${server!.url}/api/stream`, { 'last-event-id': String(s) }));
    for (let i = 0; i < 10; i++) { await server.publish(many(5)); await new Promise((r) => setTimeout(r, 10)); }
    await Promise.all(cs.map((c, i) => c.until(() => c.attackIds().length >= 1550 - starts[i], 20_000)));
    await new Promise((r) => setTimeout(r, 150));
    cs.forEach((c, i) => {
      const ids = c.attackIds().map(Number);
      expect(ids.length).toBe(1550 - starts[i]);
      expect(ids[0]).toBe(starts[i] + 1);
      expect(ids.at(-1)).toBe(1550);
      expect(ids.every((id, k) => k === 0 || id === ids[k - 1] + 1)).toBe(true);
    });
  });

  it('takes the id from the lastEventId query parameter too, and ignores ids it never issued', async () => {
    server = await startStreamServer({ seed: many(10) });
    const c = client(`${server.url}/api/stream?lastEventId=8`);
    await c.until(() => c.attackIds().length === 2);
    expect(c.attackIds()).toEqual(['9', '10']);
    const f = client(`${server.url}/api/stream?lastEventId=999999`);
    await f.until(() => f.of('hello').length === 1);
    expect(f.of('hello')[0].data.resumed).toBeUndefined();
    expect(f.of('hello')[0].data.snapshot.events).toHaveLength(10);
  });

  it('sends a gap instead of a replay when the id is older than retention or beyond maxReplay', async () => {
    const old = Date.now() - 40 * 86_400_000;
    server = await startStreamServer({
      stream: { maxReplay: 50 },
      seed: [...many(5, { time: new Date(old).toISOString() }), ...many(100)],
    });
    await server.log.sweep(); // drops the five 40-day-old events (30-day retention)
    expect(server.log.firstId()).toBe('6');
    const tooOld = client(`${server.url}/api/stream`, { 'last-event-id': '2' });
    await tooOld.until(() => tooOld.of('gap').length === 1);
    expect(tooOld.of('hello')[0].data.snapshot.events.length).toBeGreaterThan(0);
    expect(tooOld.of('gap')[0].data).toEqual({ lost: 100, fromId: '2', toId: '105' });

    const tooMany = client(`${server.url}/api/stream`, { 'last-event-id': '10' });
    await tooMany.until(() => tooMany.of('gap').length === 1);
    expect(tooMany.of('gap')[0].data).toEqual({ lost: 95, fromId: '10', toId: '105' });
    expect(tooMany.attackIds()).toEqual([]);
    // Still live afterwards.
    await server.publish(many(1));
    await tooMany.until(() => tooMany.attackIds().length === 1);
    expect(tooMany.attackIds()).toEqual(['106']);
  });

  it('bounds a client that never reads: its queue is capped, others are unaffected, and it gets a gap or is dropped', async () => {
    server = await startStreamServer({ stream: { clientQueueBytes: 256 * 1024, maxConsecutiveGaps: 3 } });
    const port = Number(new URL(server.url).port);
    const stalled = connect(port, '127.0.0.1');
    cleanups.push(() => stalled.destroy());
    let stalledBytes = 0;
    let stalledText = '';
    stalled.on('data', (d) => { stalledBytes += d.length; stalledText += d.toString('latin1'); });
    stalled.on('error', () => {});
    stalled.write('GET /api/stream HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    stalled.pause();
    const fast = client(`${server.url}/api/stream`);
    await fast.until(() => fast.of('hello').length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.hub.clientCount()).toBe(2);

    const big = 'x'.repeat(1000);
    const rssBefore = process.memoryUsage().rss;
    let total = 0;
    let maxQueued = 0;
    for (let round = 0; round < 150; round++) {
      await server.publish(many(40, { details: { payload: big } }));
      total += 40;
      await new Promise((r) => setTimeout(r, 10));
      maxQueued = Math.max(maxQueued, server.hub.queuedBytes().max);
    }
    // The cap, plus at most one batch that the socket accepted beyond its high-water mark.
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(256 * 1024);
    // ~8 MB went out per healthy client, far more than the socket buffers hold.
    await fast.until(() => fast.attackIds().length === total, 20_000);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const dropped = server.metrics.counter({ name: 'attackmap_stream_events_dropped_total', help: '' }).get();
    expect(dropped).toBeGreaterThan(0);
    expect(rssGrowth).toBeLessThan(100 * 1024 * 1024);

    // Now read: the stalled client sees a gap (or was already disconnected as too slow).
    stalled.resume();
    await new Promise((r) => setTimeout(r, 500));
    const gaps = server.metrics.counter({ name: 'attackmap_stream_gaps_total', help: '' }).get();
    const slow = server.metrics.counter({ name: 'attackmap_stream_slow_disconnects_total', help: '', labels: ['reason'] });
    expect(gaps + slow.get({ reason: 'gaps' }) + slow.get({ reason: 'stalled' })).toBeGreaterThan(0);
    expect(stalledText.includes('event: gap') || slow.get({ reason: 'gaps' }) + slow.get({ reason: 'stalled' }) > 0).toBe(true);
    if (stalledText.includes('event: gap')) {
      const m = /event: gap\ndata: (\{[^\n]*\})/.exec(stalledText)!;
      const gap = JSON.parse(m[1]);
      expect(gap.lost).toBeGreaterThan(0);
      expect(Number(gap.toId)).toBeGreaterThan(Number(gap.fromId));
    }
    // What reached the stalled client is bounded by the queue plus the kernel's socket buffers.
    expect(stalledBytes).toBeLessThan(total * 2200);
  });

  it('disconnects a client whose write stays blocked with losses for stallMs', async () => {
    server = await startStreamServer({ stream: { clientQueueBytes: 16 * 1024, maxConsecutiveGaps: 100 }, hub: { stallMs: 300, statsMs: 100 } });
    const port = Number(new URL(server.url).port);
    const stalled = connect(port, '127.0.0.1');
    cleanups.push(() => stalled.destroy());
    stalled.on('error', () => {});
    stalled.write('GET /api/stream HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    stalled.pause();
    const big = 'y'.repeat(4000);
    for (let i = 0; i < 40 && server.hub.clientCount() > 0; i++) {
      await server.publish(many(100, { details: { payload: big } }));
      await new Promise((r) => setTimeout(r, 30));
    }
    const slow = server.metrics.counter({ name: 'attackmap_stream_slow_disconnects_total', help: '', labels: ['reason'] });
    const deadline = Date.now() + 5000;
    while (server.hub.clientCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(server.hub.clientCount()).toBe(0);
    expect(slow.get({ reason: 'stalled' })).toBe(1);
  });

  it('refuses clients beyond the per-address and per-node limits with Retry-After', async () => {
    server = await startStreamServer({ stream: { maxClientsPerAddress: 2, maxClients: 3 } });
    const a = client(`${server.url}/api/stream`);
    const b = client(`${server.url}/api/stream`);
    await Promise.all([a, b].map((c) => c.until(() => c.of('hello').length === 1)));
    const third = await fetch(`${server.url}/api/stream`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await third.json()).error.code).toBe('TOO_MANY_CLIENTS');
    // Another address (127.0.0.2 is loopback too) gets the last slot, then the node is full.
    const other = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) => {
        const req = request(`${server!.url}/api/stream`, { localAddress: '127.0.0.2' }, (res) => { resolve(res.statusCode ?? 0); });
        cleanups.push(() => req.destroy());
        req.end();
      });
    });
    expect(other).toBe(200);
    const full = await new Promise<{ status: number; retry: string | undefined }>((resolve) => {
      import('node:http').then(({ request }) => {
        const req = request(`${server!.url}/api/stream`, { localAddress: '127.0.0.3' }, (res) => {
          resolve({ status: res.statusCode ?? 0, retry: res.headers['retry-after'] as string | undefined });
          res.resume();
        });
        req.end();
      });
    });
    expect(full.status).toBe(503);
    expect(full.retry).toMatch(/^\d+$/);
    expect(server.hub.clientCount()).toBe(3);
  });

  it('sends heartbeats and stats, and forgets closed clients at once', async () => {
    server = await startStreamServer({ stream: { heartbeatMs: 150 }, hub: { statsMs: 100 } });
    const r = raw(`${server.url}/api/stream`);
    await r.until(() => (r.text.match(/: ping\n\n/g) ?? []).length >= 2);
    await r.until(() => r.text.includes('event: stats\ndata: {"counters":{'));
    const c = client(`${server.url}/api/stream`);
    await c.until(() => c.of('stats').length >= 1);
    expect(c.of('stats')[0].data.counters.byCategory).toBeDefined();
    expect(server.hub.clientCount()).toBe(2);
    r.destroy();
    const deadline = Date.now() + 2000;
    while (server.hub.clientCount() !== 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(server.hub.clientCount()).toBe(1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('attackmap_stream_clients{view="analyst"} 1');
  });

  it('keeps sending stats while events flow (they ride along with batches)', async () => {
    server = await startStreamServer({ hub: { statsMs: 100 } });
    const c = client(`${server.url}/api/stream`);
    await c.until(() => c.of('hello').length === 1);
    for (let i = 0; i < 15; i++) { await server.publish(many(2)); await new Promise((r) => setTimeout(r, 40)); }
    await c.until(() => c.attackIds().length === 30);
    expect(c.of('stats').length).toBeGreaterThanOrEqual(3);
    expect(c.of('stats').at(-1)!.data.counters.total).toBeGreaterThan(0);
  });

  it('refuses an unknown view with 400', async () => {
    server = await startStreamServer();
    const res = await fetch(`${server.url}/api/stream?view=admin`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('FILTER_INVALID');
    expect(server.hub.clientCount()).toBe(0);
  });

  it('streams over HTTP/2 too (no connection headers, no socket tuning)', async () => {
    server = await startStreamServer({ http2: true, seed: many(2) });
    const { connect: h2connect } = await import('node:http2');
    const session = h2connect(server.url);
    cleanups.push(() => session.destroy());
    const stream = session.request({ ':path': '/api/stream?view=public' });
    let text = '';
    let headers: Record<string, unknown> = {};
    stream.setEncoding('utf8');
    stream.on('response', (h) => { headers = h; });
    stream.on('data', (d: string) => { text += d; });
    const deadline = Date.now() + 5000;
    while (!text.includes('event: hello') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await server.publish(many(1, { source: { ip: '198.51.100.99' } }));
    while (!text.includes('event: attack') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(headers[':status']).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(text).toContain('"ip":"198.51.100.0/24"');
    expect(text).not.toContain('198.51.100.99');
    stream.close();
  });

  it('closes gracefully: a retry hint, then the end of every stream', async () => {
    server = await startStreamServer();
    const r1 = raw(`${server.url}/api/stream`);
    const r2 = raw(`${server.url}/api/stream?view=public`);
    await r1.until(() => r1.text.includes('event: hello'));
    await r2.until(() => r2.text.includes('event: hello'));
    const t0 = Date.now();
    await server.hub.close();
    await r1.until(() => r1.ended);
    await r2.until(() => r2.ended);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r1.text).toMatch(/retry: \d+\n\n$/);
    expect(r2.text).toMatch(/retry: \d+\n\n$/);
    expect(server.hub.clientCount()).toBe(0);
    const late = await fetch(`${server.url}/api/stream`);
    expect(late.status).toBe(503);
  });
});
