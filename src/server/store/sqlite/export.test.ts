import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteLog, type SqliteEventLog } from './index.js';
import { makeEvent, rng, tempDir } from './testkit.js';
import { createExporter, type Exporter, type ExportStream } from './export.js';
import { csvHeader, csvRow } from '../../http/export-format.js';
import { redactPublic } from '../../stream/redact.js';
import type { AttackEvent } from '../../../event/schema.js';
import type { HistoryQuery } from '../types.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
// Worker threads start through tsx when tests run from source: seconds on a busy machine.
const SLOW = 120_000;

let log: SqliteEventLog;
let removeDir: () => void;
let stored: AttackEvent[] = [];
const exporters: Exporter[] = [];

beforeAll(async () => {
  const t = tempDir('attackmap-export-');
  removeDir = t.remove;
  log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
  const r = rng(11);
  for (let i = 0; i < 6; i++) {
    stored.push(...(await log.append(Array.from({ length: 1000 }, () => makeEvent(r, T0 - 2 * HOUR + Math.floor(r() * 2 * HOUR), {
      details: { note: 'x'.repeat(Math.floor(r() * 300)) },
    })))));
  }
  stored.push(...(await log.append([makeEvent(r, T0 - HOUR, {
    rule: { name: '=cmd|"/c calc"!A1, "q"\r\nnext' },
    observer: { name: '-sensor', product: '@p' },
  })])));
}, SLOW);

afterAll(async () => {
  await Promise.all(exporters.map((e) => e.close()));
  await log?.close();
  removeDir?.();
});

function exporter(o: Partial<Parameters<typeof createExporter>[0]> = {}): Exporter {
  const e = createExporter({ file: log.file, ...o });
  exporters.push(e);
  return e;
}

const query = (from: number, to: number, filter: HistoryQuery['filter'] = {}): HistoryQuery => ({ from, to, filter, limit: 100, cursor: null });
const inWindow = (from: number, to: number) => stored.filter((e) => { const t = Date.parse(e.time); return t >= from && t < to; });

async function readAll(s: ExportStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Polls `f` every 50 ms until it returns true (at most `ms`). */
async function until(f: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `f()` has not changed for `quietMs`. */
async function settled(f: () => number, quietMs = 500): Promise<number> {
  let last = f();
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = f();
    if (now === last) return now;
    last = now;
  }
}

describe('export worker', () => {
  it('streams every row of the window exactly once, in id order, as CSV and NDJSON', async () => {
    // Small chunks and pages so the window spans many of both.
    const ex = exporter({ chunkBytes: 8192, pageRows: 97 });
    const from = T0 - 90 * 60_000;
    const want = inWindow(from, T0);
    expect(want.length).toBeGreaterThan(3000);

    const csv = ex.open(query(from, T0), 'csv', null)!;
    const text = await readAll(csv);
    expect(text).toBe(csvHeader() + want.map(csvRow).join(''));
    expect(csv.chunks).toBeGreaterThan(10);
    expect(csv.rows).toBe(want.length);

    const nd = ex.open(query(from, T0), 'ndjson', null)!;
    const lines = (await readAll(nd)).split('\n');
    expect(lines.pop()).toBe('');
    const got = lines.map((l) => JSON.parse(l) as AttackEvent);
    expect(got).toEqual(want);
    const ids = got.map((e) => Number(e.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(ex.stats()).toMatchObject({ started: 2, completed: 2, active: 0, workers: 1 });
  }, SLOW);

  it('applies the filter and the public view as the in-process export does', async () => {
    const ex = exporter();
    const redact = { prefixV4: 24, prefixV6: 48 };
    const want = inWindow(T0 - 2 * HOUR, T0).filter((e) => e.destination.port === 22 && e.category === 'scan');
    expect(want.length).toBeGreaterThan(10);
    const q = query(T0 - 2 * HOUR, T0, { ports: [22], categories: ['scan'] });
    const nd = (await readAll(ex.open(q, 'ndjson', redact)!)).trim().split('\n').map((l) => JSON.parse(l) as AttackEvent);
    expect(nd).toEqual(want.map((e) => redactPublic(e, redact)));
    expect(nd.every((e) => e.source.ip.endsWith('/24') && e.details === undefined)).toBe(true);
    expect(await readAll(ex.open(q, 'csv', null)!)).toBe(csvHeader() + want.map(csvRow).join(''));
  }, SLOW);

  it('pauses the worker while nobody reads (memory bounded by about two chunks)', async () => {
    const ex = exporter({ chunkBytes: 4096, pageRows: 10 });
    const s = ex.open(query(T0 - 2 * HOUR, T0), 'csv', null)!;
    // One read fills the stream's buffer; then nobody reads, and the worker must wait.
    s.read(0);
    await until(() => s.chunks > 0);
    const produced = await settled(() => s.chunks);
    expect(produced).toBeLessThanOrEqual(2);
    expect(ex.stats().bytes).toBeLessThan(3 * 8192);
    const text = await readAll(s);
    expect(text).toBe(csvHeader() + inWindow(T0 - 2 * HOUR, T0).map(csvRow).join(''));
    expect(s.chunks).toBeGreaterThan(100);
  }, SLOW);

  it('refuses exports beyond its bound and frees the slot when one is cancelled', async () => {
    const ex = exporter({ maxConcurrent: 1, chunkBytes: 4096, pageRows: 10 });
    const first = ex.open(query(T0 - 2 * HOUR, T0), 'csv', null)!;
    expect(first).not.toBeNull();
    first.read(0);
    await until(() => first.chunks > 0);
    expect(ex.open(query(T0 - 2 * HOUR, T0), 'csv', null)).toBeNull();
    expect(ex.stats()).toMatchObject({ max: 1, active: 1 });

    first.destroy();
    await until(() => ex.stats().active === 0);
    const chunks = first.chunks;
    // The worker confirmed and stays for reuse; the cancelled job produces nothing more.
    expect(ex.stats()).toMatchObject({ cancelled: 1, workers: 1 });
    const second = ex.open(query(T0 - 30 * 60_000, T0), 'ndjson', null)!;
    expect((await readAll(second)).trim().split('\n')).toHaveLength(inWindow(T0 - 30 * 60_000, T0).length);
    expect(first.chunks).toBe(chunks);
    expect(ex.stats()).toMatchObject({ started: 2, completed: 1, cancelled: 1, workers: 1 });
  }, SLOW);

  it('reports a failure of the worker as a stream error', async () => {
    const ex = createExporter({ file: `${log.file}.missing` });
    exporters.push(ex);
    const s = ex.open(query(T0 - HOUR, T0), 'csv', null)!;
    await expect(readAll(s)).rejects.toThrow(/export failed/);
    expect(ex.stats().active).toBe(0);
  }, SLOW);
});
