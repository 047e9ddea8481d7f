import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { RedisSource, redisSourceType } from './source.js';
import { recordingContext } from '../file/test-context.js';
import type { SourceConfigBase } from '../types.js';
import { freePort, startPipeline, waitUntil } from '../testkit.js';

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await probe.connect().catch(() => undefined);
  await probe.ping();
  probe.disconnect();
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const eve = (i: number) => JSON.stringify({ timestamp: '2026-11-25T10:00:00.000000+0000', event_type: 'alert', src_ip: '45.148.10.240', dest_ip: '10.0.0.5', n: i });

let port: number;
let redis: ChildProcess;
let client: Redis;
const sources: RedisSource[] = [];

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  client = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 100 });
  client.on('error', () => undefined);
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.stop();
  await client.flushall();
});
afterAll(async () => {
  client.disconnect();
  await stopRedis(redis);
});

function make(extra: Partial<SourceConfigBase>, ctx = recordingContext()) {
  const src = redisSourceType.create({ type: 'redis', name: 'eve-redis', url: `redis://127.0.0.1:${port}`, key: 'suricata', idleMs: 20, ...extra }, ctx) as RedisSource;
  sources.push(src);
  return { src, ctx };
}

describe('redis source, list mode', () => {
  it("reads Suricata's LPUSH list oldest first and empties it only after storing", async () => {
    for (let i = 0; i < 1200; i++) await client.lpush('suricata', eve(i));
    const { src, ctx } = make({ batch: 500 });
    await src.start();
    await waitUntil(() => ctx.records.length === 1200);
    expect(ctx.texts()).toEqual(Array.from({ length: 1200 }, (_, i) => eve(i)));
    await waitUntil(() => src.stats().received === 1200);
    expect(await client.llen('suricata')).toBe(0);
    expect(ctx.records[0].origin).toEqual({ source: 'eve-redis', position: `redis://127.0.0.1:${port}/suricata` });
  });

  it('reads an RPUSH list in order too', async () => {
    await client.rpush('q', eve(1), eve(2), eve(3));
    const { src, ctx } = make({ key: 'q', push: 'rpush' });
    await src.start();
    await waitUntil(() => ctx.records.length === 3);
    expect(ctx.texts()).toEqual([eve(1), eve(2), eve(3)]);
  });

  it('leaves records in the list when the pipeline fails, and reads them again', async () => {
    await client.lpush('suricata', eve(1), eve(2));
    const ctx = recordingContext();
    ctx.failNext = new Error('store down');
    const { src } = make({}, ctx);
    await src.start();
    await waitUntil(() => ctx.records.length === 2);
    expect(ctx.texts()).toEqual([eve(1), eve(2)]);
    expect(src.stats().errors).toBe(1);
    await waitUntil(() => src.stats().received === 2);
    expect(await client.llen('suricata')).toBe(0);
  });

  it('comes back after Redis restarts and loses nothing, reporting the outage as its problem meanwhile', async () => {
    const { src, ctx } = make({});
    await src.start();
    await client.lpush('suricata', eve(1));
    await waitUntil(() => ctx.records.length === 1);
    expect(src.problem()).toBeNull();
    await stopRedis(redis);
    // Down long enough for the read loop to meet the outage too, not only the connection.
    await waitUntil(() => /^not reachable: /.test(src.problem() ?? '') && src.stats().errors > 0);
    redis = await startRedis(port);
    await client.lpush('suricata', eve(2), eve(3));
    await waitUntil(() => ctx.records.length === 3, 15_000);
    expect(ctx.texts()).toEqual([eve(1), eve(2), eve(3)]);
    expect(src.stats().errors).toBeGreaterThan(0);
    expect(src.problem()).toBeNull();
  });
});

describe('redis source, channel mode', () => {
  it('takes published messages', async () => {
    const { src, ctx } = make({ mode: 'channel', key: 'eve' });
    await src.start();
    // Publish until the subscription is in place (publish answers the number of subscribers).
    const t0 = Date.now();
    while ((await client.publish('eve', eve(0))) === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i < 50; i++) await client.publish('eve', eve(i));
    await waitUntil(() => ctx.records.length === 50);
    expect(ctx.texts()).toEqual(Array.from({ length: 50 }, (_, i) => eve(i)));
  });
});

describe('redis source through the real pipeline', () => {
  it('stores Suricata alerts pushed to the list', async () => {
    const server = await startPipeline({
      sources: [{ type: 'redis', name: 'eve-redis', url: `redis://127.0.0.1:${port}`, key: 'suricata', idleMs: 20 }],
    });
    try {
      const alert = (n: number) => JSON.stringify({
        timestamp: '2026-11-25T11:00:00.000000+0000', event_type: 'alert', src_ip: '95.213.200.17', src_port: 50000 + n, dest_ip: '10.0.0.5', dest_port: 445, proto: 'TCP',
        alert: { action: 'allowed', gid: 1, signature_id: 2024218, rev: 2, signature: `ET EXPLOIT Possible ETERNALBLUE Probe MS17-010 #${n}`, category: 'Attempted Administrator Privilege Gain', severity: 1 },
      });
      await client.lpush('suricata', alert(1), alert(2), 'not json at all', alert(3));
      await waitUntil(() => server.log.recent(10).length === 3);
      const events = server.log.recent(10);
      expect(events.map((e) => e.source.port)).toEqual([50001, 50002, 50003]);
      expect(events[0].source.geo?.country).toBe('RU');
      await waitUntil(() => server.log.deadLetters(10).total === 1);
      expect(await client.llen('suricata')).toBe(0);
    } finally {
      await server.stop();
    }
  });
});

describe('redis config', () => {
  it('checks its keys', () => {
    const c = (x: Partial<SourceConfigBase>) => redisSourceType.check({ type: 'redis', name: 'r', ...x });
    expect(c({ url: 'http://x' })).toMatch(/^url:/);
    expect(c({ mode: 'stream' })).toMatch(/^mode:/);
    expect(c({ key: '' })).toMatch(/^key:/);
    expect(c({ batch: 0 })).toMatch(/^batch:/);
    expect(c({ url: 'redis://10.0.0.2:6379/0', key: 'suricata', mode: 'list', push: 'rpush' })).toBeNull();
  });
});
