/**
 * The whole server on a real socket with a real SQLite file: ingest, durability, the stream with
 * a real EventSource, Last-Event-ID resume across a restart, status routes and bad input.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { buildConfig } from '../src/server/config/load.js';
import { startServer, type RunningServer } from '../src/server/main.js';
import { openSqliteLog } from '../src/server/store/sqlite/index.js';

const TOKEN = 'test-ingest-token';

function event(n: number, extra: Record<string, unknown> = {}) {
  return {
    time: new Date(Date.UTC(2026, 10, 25, 10, 0, n % 60)).toISOString(),
    category: 'bruteforce',
    severity: 'medium',
    rule: { name: `SSH brute force ${n}` },
    source: { ip: '81.2.69.142', port: 40000 + n },
    destination: { ip: '8.8.8.8', port: 22 },
    observer: { name: 'it-sensor' },
    ...extra,
  };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

interface Msg { type: string; data: any; id: string }

/** Opens a real EventSource and collects its messages. */
function openStream(url: string, init?: { lastEventId?: string }) {
  const messages: Msg[] = [];
  const target = init?.lastEventId ? `${url}/api/stream?lastEventId=${encodeURIComponent(init.lastEventId)}` : `${url}/api/stream`;
  const es = new EventSource(target);
  for (const type of ['hello', 'attack', 'gap', 'stats']) {
    es.addEventListener(type, (e: MessageEvent) => messages.push({ type, data: JSON.parse(e.data), id: e.lastEventId }));
  }
  const attacks = () => messages.filter((m) => m.type === 'attack').flatMap((m) => m.data.events);
  const waitFor = async (pred: () => boolean, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error(`timed out; got ${JSON.stringify(messages.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { es, messages, attacks, waitFor };
}

describe('attackmap server', () => {
  let dataDir: string;
  let server: RunningServer;
  const config = () => buildConfig({
    cli: { server: { port: 0, dataDir }, ingest: { token: TOKEN, maxBodyBytes: 64 * 1024 }, stream: { tickMs: 20 } },
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'am-server-'));
    server = await startServer(config(), { logLine: () => {} });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reports ready on /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.store.writable).toBe(true);
  });

  it('keeps the good events of a mixed batch, reports the bad ones by index, and stores before answering', async () => {
    const before = server.log.lastId();
    const batch = [event(1), { nope: true }, event(2, { source: { ip: 'not-an-ip' } }), event(3)];
    const res = await post(server.url, JSON.stringify(batch));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toBe(2);
    expect(res.body.errors.map((e: any) => [e.index, e.code])).toEqual([[1, 'EVENT_SCHEMA'], [2, 'EVENT_BAD_IP']]);
    // Acknowledged means durable: a second, independent connection to the file sees them.
    const other = openSqliteLog({ dataDir });
    try {
      const stored = other.readAfter(before ?? '0', 100);
      expect(stored.map((e) => e.rule.name)).toEqual(['SSH brute force 1', 'SSH brute force 3']);
      expect(stored[0].source.geo?.country).toBe('GB');
    } finally {
      await other.close();
    }
  });

  it('accepts NDJSON, counting undecodable lines as rejected', async () => {
    const body = [JSON.stringify(event(4)), '{broken', JSON.stringify(event(5))].join('\n');
    const res = await post(server.url, body, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.errors[0]).toMatchObject({ index: 1, code: 'INGEST_BAD_BODY' });
  });

  it('refuses a missing or wrong token with 401 and stores nothing', async () => {
    const before = server.log.lastId();
    const none = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event(6)) });
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('INGEST_UNAUTHORIZED');
    const wrong = await post(server.url, JSON.stringify(event(7)), { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(server.log.lastId()).toBe(before);
  });

  it('answers 413 over the body limit and 400 for a body that cannot be decoded', async () => {
    const big = await post(server.url, JSON.stringify(Array.from({ length: 1000 }, (_, i) => event(i))));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('INGEST_BODY_TOO_LARGE');
    const bad = await post(server.url, '{"time": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INGEST_BAD_BODY');
    const fmt = await post(server.url, 'x', { 'content-type': 'text/plain' });
    expect(fmt.status).toBe(415);
  });

  it('takes raw Suricata EVE lines with ?format=suricata-eve, dead-lettering the unreadable one', async () => {
    const alert = {
      timestamp: '2026-11-25T09:59:58.123456-0500', event_type: 'alert', src_ip: '81.2.69.142', src_port: 51515,
      dest_ip: '8.8.8.8', dest_port: 80, proto: 'TCP',
      alert: { action: 'allowed', gid: 1, signature_id: 2010935, rev: 3, signature: 'ET SCAN Suspicious inbound to MSSQL port 1433', category: 'Potentially Bad Traffic', severity: 2 },
    };
    const body = [JSON.stringify(alert), 'not json at all', JSON.stringify({ timestamp: alert.timestamp, event_type: 'stats', stats: {} })].join('\n');
    const res = await fetch(`${server.url}/api/events?format=suricata-eve`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body,
    });
    expect(res.status).toBe(202);
    const answer = await res.json();
    expect(answer).toMatchObject({ accepted: 1, rejected: 1, skipped: 1 });
    expect(answer.errors[0]).toMatchObject({ index: 1, code: 'PARSE_NOT_JSON' });
    const stored = server.log.recent(1)[0];
    expect(stored.time).toBe('2026-11-25T14:59:58.123Z');
    expect(stored.rule).toMatchObject({ id: '1:2010935', name: 'ET SCAN Suspicious inbound to MSSQL port 1433' });
    const dead = await (await fetch(`${server.url}/api/deadletter`)).json();
    expect(dead.entries.some((d: any) => d.code === 'PARSE_NOT_JSON' && d.raw === 'not json at all')).toBe(true);
  });

  it('joins Cowrie sessions across separate ?format=cowrie requests', async () => {
    const rawPost = (line: object) => fetch(`${server.url}/api/events?format=cowrie&sensor=hp-1`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: JSON.stringify(line),
    }).then((r) => r.json());
    const session = 'a1b2c3d4e5f6';
    await rawPost({ eventid: 'cowrie.session.connect', timestamp: '2026-11-25T10:00:00.000000Z', session, src_ip: '81.2.69.142', src_port: 50000, dst_ip: '8.8.8.8', dst_port: 2222, protocol: 'ssh', sensor: 'hp-1' });
    const answer = await rawPost({ eventid: 'cowrie.login.failed', timestamp: '2026-11-25T10:00:01.000000Z', session, src_ip: '81.2.69.142', username: 'root', password: '123456', sensor: 'hp-1' });
    expect(answer.accepted).toBe(1);
    const login = server.log.recent(1)[0];
    expect(login.category).toBe('bruteforce');
    expect(login.destination.ip).toBe('8.8.8.8');
    expect(login.destination.port).toBe(2222);
  });

  it('a sensor named in the ingest query wins over the name inside the records', async () => {
    const line = { eventid: 'cowrie.login.failed', timestamp: '2026-11-25T10:00:02.000000Z', session: 'ffee00112233', src_ip: '81.2.69.142', username: 'admin', password: 'x', sensor: 'cowrie-default-name' };
    const send = (query: string) => fetch(`${server.url}/api/events?format=cowrie${query}`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: JSON.stringify(line),
    }).then((r) => r.json());
    expect((await send('&sensor=edge-7')).accepted).toBe(1);
    expect(server.log.recent(1)[0].observer.name).toBe('edge-7');
    expect((await send('')).accepted).toBe(1);
    expect(server.log.recent(1)[0].observer.name).toBe('cowrie-default-name');
  });

  it('streams hello with a snapshot, then attack batches whose id is the last event id', async () => {
    const s = openStream(server.url);
    try {
      await s.waitFor(() => s.messages.some((m) => m.type === 'hello'));
      const hello = s.messages.find((m) => m.type === 'hello')!.data;
      expect(hello.schema).toBe(1);
      expect(hello.snapshot.events.length).toBeGreaterThan(0);
      expect(typeof hello.snapshot.counters).toBe('object');
      await post(server.url, JSON.stringify([event(10), event(11), event(12)]));
      // Events of the tests before may still arrive live first: wait for the last one posted here.
      await s.waitFor(() => s.attacks().some((e: any) => e.rule.name === 'SSH brute force 12'));
      const last = s.messages.filter((m) => m.type === 'attack').at(-1)!;
      expect(last.id).toBe(last.data.events.at(-1).id);
      // Events stored just before the client connected may still arrive live (they were not yet
      // in the snapshot's range); none may arrive twice.
      expect(s.attacks().map((e: any) => e.rule.name).slice(-3)).toEqual(['SSH brute force 10', 'SSH brute force 11', 'SSH brute force 12']);
      const snapshotIds = new Set(hello.snapshot.events.map((e: any) => e.id));
      expect(s.attacks().some((e: any) => snapshotIds.has(e.id))).toBe(false);
      expect(Number(s.attacks()[0].id)).toBeGreaterThan(Number(hello.lastId));
    } finally {
      s.es.close();
    }
  });

  it('resumes with Last-Event-ID after the server restarts and gets exactly the missed events', async () => {
    const s = openStream(server.url);
    await s.waitFor(() => s.messages.some((m) => m.type === 'hello'));
    await post(server.url, JSON.stringify([event(20)]));
    await s.waitFor(() => s.attacks().length >= 1);
    const seen = s.attacks().at(-1).id;
    s.es.close();

    // Events arrive while the client is away, then the server restarts on the same data.
    await post(server.url, JSON.stringify([event(21), event(22)]));
    await server.close();
    server = await startServer(config(), { logLine: () => {} });
    await post(server.url, JSON.stringify([event(23)]));

    const r = openStream(server.url, { lastEventId: seen });
    try {
      await r.waitFor(() => r.attacks().length >= 3);
      const hello = r.messages.find((m) => m.type === 'hello')!.data;
      expect(hello.resumed).toBe(true);
      expect(hello.snapshot).toBeUndefined();
      expect(r.attacks().map((e: any) => e.rule.name)).toEqual(['SSH brute force 21', 'SSH brute force 22', 'SSH brute force 23']);
      const ids = r.attacks().map((e: any) => Number(e.id));
      expect(ids[0]).toBeGreaterThan(Number(seen));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      r.es.close();
    }
  });

  it('exposes Prometheus metrics and the page info', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/attackmap_ingest_items_total\{outcome="accepted"\} \d+/);
    const info = await (await fetch(`${server.url}/api/info`)).json();
    expect(info.geo.databases.length).toBeGreaterThan(0);
    expect(info.view).toBe('analyst');
  });
});

describe('source health on /healthz', () => {
  it('says degraded with the problem while a file source path matches nothing, and ok once the file exists', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'am-health-'));
    const logDir = join(dataDir, 'suricata');
    const path = join(logDir, 'eve.json');
    const server = await startServer(buildConfig({
      file: { sources: [{ type: 'file', name: 'eve-file', path, format: 'suricata-eve', pollMs: 20 }] },
      cli: { server: { port: 0, dataDir } },
    }), { logLine: () => {} });
    const health = async () => {
      const res = await fetch(`${server.url}/healthz`);
      return { code: res.status, body: await res.json() };
    };
    const waitFor = async (pred: (h: Awaited<ReturnType<typeof health>>) => boolean) => {
      const until = Date.now() + 10_000;
      let h = await health();
      while (!pred(h)) {
        if (Date.now() > until) throw new Error(`timed out; last /healthz: ${JSON.stringify(h.body)}`);
        await new Promise((r) => setTimeout(r, 20));
        h = await health();
      }
      return h;
    };
    try {
      const bad = await waitFor((h) => h.body.sources[0]?.problem !== null);
      expect(bad.code).toBe(200);
      expect(bad.body.status).toBe('degraded');
      expect(bad.body.sources[0]).toMatchObject({ name: 'eve-file', type: 'file', problem: `no file matches ${path}` });

      mkdirSync(logDir);
      writeFileSync(path, '');
      const good = await waitFor((h) => h.body.status === 'ok');
      expect(good.code).toBe(200);
      expect(good.body.sources[0]).toMatchObject({ name: 'eve-file', problem: null });
    } finally {
      await server.close();
    }
  });
});

describe('events older than retention.rawDays', () => {
  it('stores and acknowledges them as usual, but counts them, warns once an hour per source and shows them on /healthz', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'am-retention-'));
    const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const server = await startServer(buildConfig({
      cli: { server: { port: 0, dataDir }, ingest: { token: TOKEN }, retention: { rawDays: 30 } },
    }), { logLine: (level, message, fields) => lines.push({ level, message, fields }) });
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    try {
      const before = server.log.lastId() ?? '0';
      const res = await post(server.url, JSON.stringify([event(1, { time: at(40 * 86_400_000) }), event(2, { time: at(60_000) })]));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
      expect(server.log.readAfter(before, 10).map((e) => e.rule.name)).toEqual(['SSH brute force 1', 'SSH brute force 2']);
      expect(server.pipeline.counters.beyondRetention).toBe(1);
      const warnings = () => lines.filter((l) => l.level === 'warn' && l.message.includes('retention'));
      expect(warnings().map((l) => [l.message, l.fields?.source])).toEqual([[
        '1 event older than retention.rawDays (30 d) were stored and will be removed by retention; raise retention.rawDays to keep archives', 'http',
      ]]);

      // A second old event within the hour is counted, not warned about again.
      await post(server.url, JSON.stringify([event(3, { time: at(31 * 86_400_000) })]));
      expect(warnings()).toHaveLength(1);
      const health = await (await fetch(`${server.url}/healthz`)).json();
      expect(health.events.beyondRetention).toBe(2);
      expect(health.retention.rawDays).toBe(30);
      expect(health.status).toBe('ok');
    } finally {
      await server.close();
    }
  });
});
