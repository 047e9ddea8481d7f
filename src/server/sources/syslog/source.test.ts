import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { SyslogSource, syslogSourceType } from './source.js';
import { recordingContext, type RecordingContext } from '../file/test-context.js';
import type { SourceConfigBase } from '../types.js';
import { waitUntil } from '../testkit.js';

const started: SyslogSource[] = [];
afterEach(async () => { for (const s of started.splice(0)) await s.stop(); });

async function startSource(extra: Partial<SourceConfigBase>, ctx: RecordingContext) {
  const src = syslogSourceType.create({ type: 'syslog', name: 'fw', format: 'iptables', port: 0, ...extra }, ctx) as SyslogSource;
  await src.start();
  started.push(src);
  return { src, port: src.address()!.port };
}

const ufw = (i: number) => `<4>Nov 25 10:00:00 gw kernel: [1234.5] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.${i} DST=192.0.2.1 LEN=40 PROTO=TCP SPT=4${i} DPT=22 SYN URGP=0`;

describe('syslog source (UDP)', () => {
  it('takes each datagram as one message, with the peer as origin', async () => {
    const ctx = recordingContext();
    const { port } = await startSource({ protocol: 'udp' }, ctx);
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    for (let i = 1; i <= 3; i++) await new Promise<void>((r, j) => client.send(ufw(i) + '\n', port, '127.0.0.1', (e) => (e ? j(e) : r())));
    await waitUntil(() => ctx.records.length === 3);
    expect(ctx.texts()).toEqual([ufw(1), ufw(2), ufw(3)]);
    expect(ctx.records[0].origin).toEqual({ source: 'fw', position: `udp://127.0.0.1:${client.address().port}` });
    client.close();
  });

  it('cuts a datagram longer than maxLineBytes', async () => {
    const ctx = recordingContext();
    const { src, port } = await startSource({ protocol: 'udp', maxLineBytes: 512 }, ctx);
    const client = createSocket('udp4');
    await new Promise<void>((r, j) => client.send('z'.repeat(4000), port, '127.0.0.1', (e) => (e ? j(e) : r())));
    await waitUntil(() => ctx.records.length === 1);
    expect(ctx.records[0].record.text.length).toBe(512);
    expect(ctx.records[0].record.truncated).toBe(true);
    expect(src.counters().truncated).toBe(1);
    client.close();
  });
});

describe('syslog source (TCP)', () => {
  it('reads newline and octet-counted messages from several connections', async () => {
    const ctx = recordingContext();
    const { port } = await startSource({ protocol: 'tcp', format: 'sshd' }, ctx);
    const a = connect(port, '127.0.0.1');
    const b = connect(port, '127.0.0.1');
    await Promise.all([a, b].map((s) => new Promise((r) => s.once('connect', r))));
    const [pa, pb] = [a.localPort, b.localPort];
    const framed = '<38>1 2026-11-25T10:00:00Z bastion sshd 42 - - Invalid user <b>x</b> from 198.51.100.7 port 5022';
    a.write(ufw(1) + '\n' + ufw(2).slice(0, 30));
    b.write(`${Buffer.byteLength(framed)} ${framed}`);
    await waitUntil(() => ctx.records.length === 2);
    a.end(ufw(2).slice(30)); // the last message ends with the connection, no LF
    await waitUntil(() => ctx.records.length === 3);
    expect(ctx.texts().sort()).toEqual([framed, ufw(1), ufw(2)].sort());
    const byText = new Map(ctx.records.map((r) => [r.record.text, r.origin.position]));
    expect(byText.get(framed)).toBe(`tcp://127.0.0.1:${pb}`);
    expect(byText.get(ufw(1))).toBe(`tcp://127.0.0.1:${pa}`);
    b.destroy();
  });

  it('refuses connections beyond maxConnections', async () => {
    const ctx = recordingContext();
    const { port } = await startSource({ protocol: 'tcp', maxConnections: 1 }, ctx);
    const a = connect(port, '127.0.0.1');
    await new Promise((r) => a.once('connect', r));
    a.write(ufw(1) + '\n');
    await waitUntil(() => ctx.records.length === 1);
    const b = connect(port, '127.0.0.1');
    const closed = await new Promise<boolean>((r) => {
      b.on('close', () => r(true));
      b.on('error', () => undefined);
      b.write(ufw(2) + '\n');
      setTimeout(() => r(false), 3000);
    });
    expect(closed).toBe(true);
    expect(ctx.texts()).toEqual([ufw(1)]);
    a.destroy();
  });

  it('submits what it received before stop() resolves', async () => {
    const ctx = recordingContext();
    const src = syslogSourceType.create({ type: 'syslog', name: 'fw', format: 'iptables', port: 0, protocol: 'tcp' }, ctx) as SyslogSource;
    await src.start();
    const s = connect(src.address()!.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const many = Array.from({ length: 500 }, (_, i) => ufw(i % 250)).join('\n') + '\n';
    await new Promise<void>((r) => s.write(many, () => r()));
    await waitUntil(() => src.stats().received === 500);
    await src.stop();
    expect(ctx.records.length).toBe(500);
  });
});

describe('syslog config', () => {
  it('checks its keys', () => {
    const base = { type: 'syslog', name: 's', format: 'sshd' };
    expect(syslogSourceType.check({ ...base })).toMatch(/^port:/);
    expect(syslogSourceType.check({ ...base, port: 514, protocol: 'sctp' })).toMatch(/^protocol:/);
    expect(syslogSourceType.check({ ...base, port: 514, host: 'localhost' })).toMatch(/^host:/);
    expect(syslogSourceType.check({ ...base, port: 70000 })).toMatch(/^port:/);
    expect(syslogSourceType.check({ type: 'syslog', name: 's', port: 514 })).toMatch(/^format:/);
    expect(syslogSourceType.check({ ...base, port: 514, maxLineBytes: 10 })).toMatch(/^maxLineBytes:/);
    expect(syslogSourceType.check({ ...base, port: 5514, protocol: 'tcp', host: '0.0.0.0' })).toBeNull();
  });
});
