import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { openSqliteLog, type SqliteEventLog } from './index.js';
import { makeEvent, rng, tempDir } from './testkit.js';
import { CodedError } from '../../../event/errors.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.reverse()) await c(); cleanups = []; });

function open(extra: Partial<Parameters<typeof openSqliteLog>[0]> = {}): { log: SqliteEventLog; dir: string } {
  const t = tempDir();
  const log = openSqliteLog({ dataDir: join(t.dir, 'data'), retentionIntervalMs: 0, ...extra });
  cleanups.push(t.remove, () => log.close());
  return { log, dir: join(t.dir, 'data') };
}

describe('sqlite event log: append and reads', () => {
  it('assigns increasing decimal ids and received, and reads them back', async () => {
    const { log } = open({ now: () => T0 + 5000 });
    const r = rng(1);
    expect(log.lastId()).toBeNull();
    expect(log.firstId()).toBeNull();
    const a = await log.append([makeEvent(r, T0), makeEvent(r, T0 + 1)]);
    const b = await log.append([makeEvent(r, T0 + 2)]);
    const ids = [...a, ...b].map((e) => e.id);
    expect(ids).toEqual(['1', '2', '3']);
    expect(a[0].received).toBe(new Date(T0 + 5000).toISOString());
    expect(log.lastId()).toBe('3');
    expect(log.firstId()).toBe('1');
    expect(log.readAfter('1', 10).map((e) => e.id)).toEqual(['2', '3']);
    expect(log.readAfter('0', 2).map((e) => e.id)).toEqual(['1', '2']);
    expect(log.recent(2).map((e) => e.id)).toEqual(['2', '3']);
    expect(log.countBetween('1', '3')).toBe(2);
    expect(log.readAfter('1', 1)[0]).toEqual(a[1]);
    expect(Object.keys(log.readAfter('0', 1)[0])[0]).toBe('id');
    expect(log.compareIds('9', '10')).toBeLessThan(0);
    expect(log.compareIds('10', '10')).toBe(0);
    expect(log.isValidId('12')).toBe(true);
    for (const bad of ['', '-1', '01', '1e3', 'abc', '99999999999999999999']) expect(log.isValidId(bad)).toBe(false);
    expect(() => log.readAfter('x', 1)).toThrow(CodedError);
  });

  it('drops an id sent with the event and stores the rest unchanged', async () => {
    const { log } = open();
    const e = makeEvent(rng(2), T0, { details: { user: 'root\n<script>', n: 3 } });
    const [s] = await log.append([{ ...e, id: '999' } as never]);
    expect(s.id).toBe('1');
    const back = log.readAfter('0', 1)[0];
    expect(back.details).toEqual({ user: 'root\n<script>', n: 3 });
    expect(back.source).toEqual(e.source);
  });

  it('is durable: after append resolves, another connection and a reopened log see the events', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
    const r = rng(3);
    const stored = await log.append(Array.from({ length: 50 }, (_, i) => makeEvent(r, T0 + i)));
    const other = new Database(join(t.dir, 'events.db'), { readonly: true });
    expect((other.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(50);
    other.close();
    await log.close();
    const again = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
    expect(again.readAfter('0', 100)).toEqual(stored);
    expect(again.health().events).toBe(50);
    const [next] = await again.append([makeEvent(r, T0)]);
    expect(next.id).toBe('51');
    await again.close();
  });

  it('groups concurrent appends into few transactions, each caller getting its own events', async () => {
    const { log } = open();
    const r = rng(4);
    const calls = Array.from({ length: 500 }, (_, i) => log.append([makeEvent(r, T0 + i, { rule: { name: `call ${i}` } })]));
    const results = await Promise.all(calls);
    results.forEach((res, i) => { expect(res).toHaveLength(1); expect(res[0].rule.name).toBe(`call ${i}`); });
    const ids = results.map((x) => Number(x[0].id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(500);
    // 500 appends queued in one turn share one commit (a batch holds up to MAX_BATCH events).
    expect(log.health().commits).toBeLessThanOrEqual(2);
  });

  it('rejects appends beyond the queue bound without losing the queued ones', async () => {
    const { log } = open({ maxPending: 10 });
    const r = rng(5);
    const ok = log.append(Array.from({ length: 8 }, () => makeEvent(r, T0)));
    await expect(log.append(Array.from({ length: 3 }, () => makeEvent(r, T0)))).rejects.toMatchObject({ code: 'INGEST_STORE_FAILED' });
    expect(await ok).toHaveLength(8);
    expect(log.health().pendingWrites).toBe(0);
  });

  it('close flushes pending appends, and appends after close are rejected', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
    const p = log.append([makeEvent(rng(6), T0)]);
    await log.close();
    expect(await p).toHaveLength(1);
    await expect(log.append([makeEvent(rng(6), T0)])).rejects.toMatchObject({ code: 'INGEST_STORE_FAILED' });
    const again = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0 });
    expect(again.lastId()).toBe('1');
    await again.close();
  });

  it('throws STORE_OPEN_FAILED when the data directory cannot be used', () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const file = join(t.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => openSqliteLog({ dataDir: file })).toThrow(expect.objectContaining({ code: 'STORE_OPEN_FAILED' }));
  });

  it('keeps durable state and capped dead letters', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, deadLetterRows: 5 });
    log.setState('file:/var/log/a', '1234');
    log.setState('file:/var/log/a', '5678');
    for (let i = 0; i < 8; i++) {
      await log.addDeadLetters([{ time: new Date(T0).toISOString(), source: 'f', format: 'snort-fast', code: 'PARSE_NO_MATCH', message: 'm', raw: `line ${i}`, position: `a:${i}` }]);
    }
    const dl = log.deadLetters(100);
    expect(dl.total).toBe(5);
    expect(dl.entries.map((e) => e.raw)).toEqual(['line 7', 'line 6', 'line 5', 'line 4', 'line 3']);
    const older = log.deadLetters(2, dl.entries[1].id);
    expect(older.entries.map((e) => e.raw)).toEqual(['line 5', 'line 4']);
    await log.close();
    const again = openSqliteLog({ dataDir: t.dir, retentionIntervalMs: 0, deadLetterRows: 5 });
    expect(again.getState('file:/var/log/a')).toBe('5678');
    expect(again.getState('missing')).toBeUndefined();
    expect(again.deadLetters(10).total).toBe(5);
    await again.close();
  });
});
