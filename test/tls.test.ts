/**
 * With a certificate configured the server speaks HTTP/2 over TLS (so a browser is not held to
 * six HTTP/1.1 SSE connections per host) and still answers HTTP/1.1 clients.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/server/config/load.js';
import { startServer, type RunningServer } from '../src/server/main.js';

describe('TLS and HTTP/2', () => {
  let server: RunningServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'am-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    server = await startServer(buildConfig({
      cli: { server: { port: 0, dataDir: join(dir, 'data'), tlsCert: cert, tlsKey: key }, ingest: { token: 'tls-test-token' }, stream: { tickMs: 20 } },
    }), { logLine: () => {} });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams hello and attack messages over HTTP/2', async () => {
    expect(server.url).toMatch(/^https:/);
    const session = connect(server.url, { rejectUnauthorized: false });
    try {
      const stream = session.request({ ':path': '/api/stream', accept: 'text/event-stream' });
      let text = '';
      let status = 0;
      stream.on('response', (h) => { status = Number(h[':status']); });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => { text += chunk; });
      const until = Date.now() + 10_000;
      while (!text.includes('event: hello') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(status).toBe(200);

      const post = session.request({ ':method': 'POST', ':path': '/api/events', authorization: 'Bearer tls-test-token', 'content-type': 'application/json' });
      post.end(JSON.stringify({
        time: '2026-11-25T10:00:00Z', category: 'exploit', severity: 'high', rule: { name: 'over-h2' },
        source: { ip: '81.2.69.142' }, destination: { ip: '8.8.8.8', port: 443 },
      }));
      let answer = '';
      post.setEncoding('utf8');
      post.on('data', (c: string) => { answer += c; });
      await new Promise((r) => post.on('end', r));
      expect(JSON.parse(answer).accepted).toBe(1);

      while (!text.includes('over-h2') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(text).toMatch(/event: attack\nid: \d+\ndata: .*over-h2/);
      stream.close();
    } finally {
      session.close();
    }
  });

  it('still answers HTTP/1.1 over TLS', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});
