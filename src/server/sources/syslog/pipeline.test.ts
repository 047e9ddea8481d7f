/**
 * The syslog and intel-feed sources through the real server: sshd lines over TCP syslog become
 * stored brute-force events; a polled IP list becomes stored intel markers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import { freePort, startPipeline, waitUntil, type PipelineServer } from '../testkit.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

async function serve(sources: unknown[]): Promise<PipelineServer> {
  const s = await startPipeline({ sites: [{ name: 'Singapore', lat: 1.35, lon: 103.82 }], sources }, { now: () => new Date('2026-11-25T12:00:00Z') });
  cleanup.push(() => s.stop());
  return s;
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
    await waitUntil(() => s.log.recent(10).length >= 2, 15_000);
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
    await waitUntil(() => s.log.recent(10).length >= 2, 15_000);
    const events = s.log.recent(10);
    expect(events.map((e) => [e.category, e.source.ip, e.severity])).toEqual([['intel', '45.148.10.240', 'critical'], ['intel', '80.82.77.33', 'low']]);
    expect(events[0].destination.ip).toBe('0.0.0.0');
    expect(events[0].source.geo?.country).toBe('NL');
    expect(events[0].details).toMatchObject({ feed: 'ipsum', lists: 9 });
  });
});
