/**
 * A server in public mode: anonymous viewers never receive a full source address or attacker
 * text, on the stream or through history, stats and dead letters; the analyst token (or a
 * login session) gets everything.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/server/config/load.js';
import { startServer, type RunningServer } from '../src/server/main.js';

const INGEST = 'public-ingest-token';
const ANALYST = 'public-analyst-token';
const SOURCE = '81.2.69.142';

describe('public mode', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(buildConfig({
      cli: {
        server: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'am-public-')) },
        ingest: { token: INGEST },
        access: { mode: 'public', analystToken: ANALYST },
        stream: { tickMs: 20 },
      },
      file: { sources: [{ type: 'file', name: 'missing-log', path: '/var/log/attackmap-test-missing/secret-eve.json', format: 'suricata-eve' }] },
    }), { logLine: () => {} });
    const now = new Date().toISOString();
    const res = await fetch(`${server.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body: JSON.stringify([{
        time: now, category: 'bruteforce', severity: 'high', rule: { name: 'SSH login' },
        source: { ip: SOURCE, port: 5555 }, destination: { ip: '8.8.8.8', port: 22 },
        details: { username: 'root', password: 'hunter2' },
      }]),
    });
    expect((await res.json()).accepted).toBe(1);
    await fetch(`${server.url}/api/events?format=sshd`, {
      method: 'POST', headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'text/plain' }, body: `garbage from ${SOURCE}\n`,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('history, stats and dead letters show no full source address to an anonymous viewer', async () => {
    for (const path of ['/api/events', '/api/events?format=ndjson', '/api/events?format=csv', '/api/stats', '/api/deadletter']) {
      const text = await (await fetch(`${server.url}${path}`)).text();
      expect(text, path).not.toContain(SOURCE);
      expect(text, path).not.toContain('hunter2');
    }
    const page = await (await fetch(`${server.url}/api/events`)).json();
    expect(page.events[0].source.ip).toBe('81.2.69.0/24');
    const stats = await (await fetch(`${server.url}/api/stats`)).json();
    expect(stats.top.srcIp[0]).toEqual({ key: '81.2.69.0/24', count: 1 });
    const dead = await (await fetch(`${server.url}/api/deadletter`)).json();
    expect(dead.total).toBeGreaterThan(0);
    expect(dead.entries).toEqual([]);
  });

  it('the stream defaults to the public view and refuses the analyst view without a login', async () => {
    const res = await fetch(`${server.url}/api/stream?view=analyst`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('AUTH_REQUIRED');
    const ctrl = new AbortController();
    const stream = await fetch(`${server.url}/api/stream`, { signal: ctrl.signal });
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('event: hello')) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(text).toContain('"view":"public"');
    expect(text).not.toContain(SOURCE);
  });

  it('a logged-in screen that asks for view=public gets the public view from history too', async () => {
    const page = await (await fetch(`${server.url}/api/events?view=public`, { headers: { authorization: `Bearer ${ANALYST}` } })).json();
    expect(page.events[0].source.ip).toBe('81.2.69.0/24');
  });

  it('/healthz tells anonymous viewers that a source has a problem, and only the analyst which', async () => {
    const problemOf = async (headers: Record<string, string> = {}) => {
      const until = Date.now() + 10_000;
      for (;;) {
        const body = await (await fetch(`${server.url}/healthz`, { headers })).json();
        const p = body.sources.find((s: { name: string }) => s.name === 'missing-log')?.problem;
        if (p || Date.now() > until) return { status: body.status, problem: p as string | undefined };
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const anon = await problemOf();
    expect(anon.status).toBe('degraded');
    expect(anon.problem).toBe('cannot read (details for analysts)');
    const analyst = await problemOf({ authorization: `Bearer ${ANALYST}` });
    expect(analyst.problem).toContain('secret-eve.json');
  });

  it('the analyst token or a login session sees everything', async () => {
    const withToken = await (await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${ANALYST}` } })).json();
    expect(withToken.events[0].source.ip).toBe(SOURCE);
    expect(withToken.events[0].details.password).toBe('hunter2');

    const bad = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wrong-token' }) });
    expect(bad.status).toBe(401);
    const login = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ANALYST }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0];
    const info = await (await fetch(`${server.url}/api/info`, { headers: { cookie: session } })).json();
    expect(info.view).toBe('analyst');
    const dead = await (await fetch(`${server.url}/api/deadletter`, { headers: { cookie: session } })).json();
    expect(dead.entries[0].raw).toContain(SOURCE);
    await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { cookie: session } });
    const after = await (await fetch(`${server.url}/api/info`, { headers: { cookie: session } })).json();
    expect(after.view).toBe('public');
  });
});
