/**
 * The syslog and intel-feed sources through the real server: sshd lines over TCP syslog become
 * stored brute-force events; a polled IP list becomes stored intel markers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../config/load.js';
import { startServer, type RunningServer } from '../../main.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function serve(sources: unknown[]): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'attackmap-srcpipe-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const s = await startServer(buildConfig({ file: { server: { port: 0, dataDir }, sites: [{ name: 'Singapore', lat: 1.35, lon: 103.82 }], sources } }), { logLine: () => {}, now: () => new Date('2026-11-25T12:00:00Z') });
  cleanup.push(() => s.close());
  return s;
}

async function waitFor(cond: () => boolean, ms = 15_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('sources through the real pipeline', () => {
  it('syslog over TCP: sshd failures are stored as brute force from the attacker', async () => {
    const port = await freePort();
    const s = await serve([{ type: 'syslog', name: 'sin-auth', protocol: 'tcp', port, format: 'sshd', site: 'Singapore' }]);
    const sock = connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const framed = '<38>Nov 25 11:59:58 bastion sshd[777]: Invalid user <img src=x> from 61.177.172.60 port 50022';
    sock.write('<38>Nov 25 11:59:57 bastion sshd[776]: Failed password for root from 218.92.0.112 port 40122 ssh2\n');
    sock.end(`${Buffer.byteLength(framed)} ${framed}`);
    await waitFor(() => s.log.recent(10).length >= 2);
    const events = s.log.recent(10);
    expect(events.map((e) => e.source.ip).sort()).toEqual(['218.92.0.112', '61.177.172.60']);
    for (const e of events) {
      expect(e.observer).toMatchObject({ name: 'bastion', site: 'Singapore' }); // the syslog host names the sensor
      expect(e.source.geo?.country).toBe('CN');
    }
  });

  it('intel-feed: new list entries are stored as intel markers without a target', async () => {
    const http = createHttpServer((_req, res) => res.end('# list\n45.148.10.240\t9\n80.82.77.33\t2\n'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => { http.closeAllConnections(); http.close(() => r()); }));
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/ipsum.txt`;
    const s = await serve([{ type: 'intel-feed', name: 'ipsum', url, feedFormat: 'iplist' }]);
    await waitFor(() => s.log.recent(10).length >= 2);
    const events = s.log.recent(10);
    expect(events.map((e) => [e.category, e.source.ip, e.severity])).toEqual([['intel', '45.148.10.240', 'critical'], ['intel', '80.82.77.33', 'low']]);
    expect(events[0].destination.ip).toBe('0.0.0.0');
    expect(events[0].source.geo?.country).toBe('NL');
    expect(events[0].details).toMatchObject({ feed: 'ipsum', lists: 9 });
  });
});
