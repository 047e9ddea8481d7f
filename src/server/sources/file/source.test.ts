import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource, fileSourceType, stateKey, CHUNK_BYTES } from './source.js';
import { recordingContext } from './test-context.js';
import { checkPattern, parsePattern } from './glob.js';
import type { SourceConfigBase } from '../types.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'attackmap-file-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const eve = (i: number) => JSON.stringify({ timestamp: '2026-11-25T10:00:00.000000+0000', event_type: 'alert', src_ip: `203.0.113.${i % 250}`, n: i });
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => eve(from + k));

function cfg(path: string, extra: Partial<SourceConfigBase> = {}): SourceConfigBase {
  return { type: 'file', name: 'eve', path, framing: 'line', startAt: 'beginning', ...extra };
}

describe('file source', () => {
  it('reads existing lines, follows appends, and holds a partial line until its newline', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 3).join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(f), ctx);
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 3));
    appendFileSync(f, eve(3) + '\n' + eve(4).slice(0, 20));
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 4));
    const saved = JSON.parse(ctx.stateMap.get(stateKey(f))!);
    expect(saved.offset).toBe(Buffer.byteLength(lines(0, 4).join('\n') + '\n'));
    appendFileSync(f, eve(4).slice(20) + '\r\n');
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 5));
    expect(ctx.records[0].origin).toEqual({ source: 'eve', position: `${f}:0` });
    expect(src.stats().received).toBe(5);
    await src.stop();
  });

  it("startAt 'end' skips what is there, including a half-written last line", async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 3).join('\n') + '\n' + eve(3).slice(0, 10));
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(f, { startAt: 'end' }), ctx);
    await src.pollOnce();
    expect(ctx.texts()).toEqual([]);
    appendFileSync(f, eve(3).slice(10) + '\n' + eve(4) + '\n');
    await src.pollOnce();
    expect(ctx.texts()).toEqual([eve(4)]);
    await src.stop();
  });

  it('decodes UTF-8 split across chunk boundaries and keeps byte offsets exact', async () => {
    const f = join(dir, 'u.log');
    const parts: string[] = [];
    let bytes = 0;
    let i = 0;
    // Lines of multi-byte text sized so that chunk boundaries fall inside characters.
    while (bytes < CHUNK_BYTES * 2 + 5000) {
      const line = `${i} user=Ωμέγα-пароль-密码-🔥${'é'.repeat(i % 7)} cmd="<x>&amp;"`;
      parts.push(line);
      bytes += Buffer.byteLength(line) + 1;
      i++;
    }
    writeFileSync(f, parts.join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('u', cfg(f), ctx);
    await src.pollOnce();
    expect(ctx.texts()).toEqual(parts);
    expect(JSON.parse(ctx.stateMap.get(stateKey(f))!).offset).toBe(bytes);
    await src.stop();
  });

  it('survives rotation by rename: the old file is read to its end, then the new one from 0', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 2).join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(f, { rotateWaitMs: 0 }), ctx);
    await src.pollOnce();
    appendFileSync(f, lines(2, 4).join('\n') + '\n' + eve(4)); // last line of the old file has no newline
    renameSync(f, f + '.1');
    writeFileSync(f, lines(5, 7).join('\n') + '\n');
    await src.pollOnce();
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 7));
    const saved = JSON.parse(ctx.stateMap.get(stateKey(f))!);
    expect(saved.offset).toBe(Buffer.byteLength(lines(5, 7).join('\n') + '\n'));
    await src.stop();
  });

  it('follows a renamed file until it has been idle for rotateWaitMs: the writer appends to it until it reopens its log', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 2).join('\n') + '\n');
    let clock = 1_000_000;
    const ctx = recordingContext(new Map(), () => new Date(clock));
    const src = new FileSource('eve', cfg(f, { rotateWaitMs: 5000 }), ctx);
    await src.pollOnce();
    renameSync(f, f + '.1');
    await src.pollOnce(); // the path is missing for a moment
    writeFileSync(f, lines(10, 11).join('\n') + '\n');
    await src.pollOnce();
    clock += 4000;
    // The writer has not been told to reopen yet: it still appends to the renamed file.
    appendFileSync(f + '.1', lines(2, 4).join('\n') + '\n' + eve(4));
    await src.pollOnce();
    expect(ctx.texts()).toEqual([...lines(0, 2), ...lines(10, 11), ...lines(2, 4)]);
    clock += 4000; // 4 s since it last grew: still followed, its last line still waits
    await src.pollOnce();
    expect(ctx.texts()).not.toContain(eve(4));
    clock += 1500; // idle for 5.5 s: closed, and its unterminated last line is complete
    await src.pollOnce();
    expect(ctx.texts().at(-1)).toBe(eve(4));
    appendFileSync(f + '.1', eve(5) + '\n');
    appendFileSync(f, eve(11) + '\n');
    await src.pollOnce();
    expect(ctx.texts()).not.toContain(eve(5));
    expect(ctx.texts().at(-1)).toBe(eve(11));
    await src.stop();
  });

  it('follows a rotated file renamed to another matching name without reading it twice', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 2).join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(join(dir, 'eve*.json')), ctx);
    await src.pollOnce();
    appendFileSync(f, eve(2) + '\n');
    renameSync(f, join(dir, 'eve-1.json'));
    writeFileSync(f, eve(3) + '\n');
    await src.pollOnce();
    expect([...ctx.texts()].sort()).toEqual(lines(0, 4).sort());
    expect(ctx.texts().length).toBe(4);
    await src.stop();
  });

  it('survives copy-truncate: a shorter file is read again from byte 0', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 5).join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(f), ctx);
    await src.pollOnce();
    truncateSync(f, 0);
    appendFileSync(f, lines(5, 7).join('\n') + '\n');
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 7));
    await src.stop();
  });

  it('resumes after a restart without a lost or doubled line', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 3).join('\n') + '\n' + eve(3).slice(0, 15));
    const state = new Map<string, string>();
    const a = recordingContext(state);
    const srcA = fileSourceType.create(cfg(f, { startAt: 'end' }), a) as FileSource;
    // The first start of a fresh install honours startAt; later ones resume from the state.
    await srcA.start();
    await srcA.pollOnce();
    await srcA.stop();
    expect(a.texts()).toEqual([]);
    appendFileSync(f, eve(3).slice(15) + '\n' + eve(4) + '\n');
    const b = recordingContext(state);
    const srcB = new FileSource('eve', cfg(f, { startAt: 'end' }), b);
    await srcB.pollOnce();
    await srcB.stop();
    // The half line present at the first start was never complete before it: it is skipped; eve(4) is read.
    expect(b.texts()).toEqual([eve(4)]);

    appendFileSync(f, lines(5, 8).join('\n') + '\n' + eve(8).slice(0, 30));
    const c = recordingContext(state);
    const srcC = new FileSource('eve', cfg(f), c);
    await srcC.pollOnce();
    await srcC.stop();
    appendFileSync(f, eve(8).slice(30) + '\n' + eve(9) + '\n');
    const d = recordingContext(state);
    const srcD = new FileSource('eve', cfg(f), d);
    await srcD.pollOnce();
    await srcD.stop();
    expect([...c.texts(), ...d.texts()]).toEqual(lines(5, 10));
  });

  it('reads again what the pipeline failed to store, once', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, lines(0, 2).join('\n') + '\n');
    const ctx = recordingContext();
    const src = new FileSource('eve', cfg(f), ctx);
    await src.pollOnce();
    appendFileSync(f, lines(2, 5).join('\n') + '\n');
    ctx.failNext = new Error('disk full');
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 2));
    expect(src.stats().errors).toBe(1);
    await src.pollOnce();
    expect(ctx.texts()).toEqual(lines(0, 5));
    await src.stop();
  });

  it('overlaps batches in the pipeline but saves positions only over stored records, in order', async () => {
    const f = join(dir, 'big.json');
    const all = lines(0, 9000);
    writeFileSync(f, all.join('\n') + '\n');
    const ctx = recordingContext();
    let stored = 0; // bytes of the file prefix whose records are all stored
    let inflight = 0;
    let maxInflight = 0;
    const prefixBytes: number[] = [];
    let acc = 0;
    for (const l of all) { acc += Buffer.byteLength(l) + 1; prefixBytes.push(acc); }
    const done: boolean[] = [];
    let nextRecord = 0;
    ctx.submitRecords = async (records) => {
      const first = nextRecord;
      nextRecord += records.length;
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      // Later batches finish first: the store does not promise order.
      await new Promise((r) => setTimeout(r, 40 - Math.min(30, first / 300)));
      for (let i = first; i < first + records.length; i++) done[i] = true;
      for (const r of records) ctx.records.push({ record: r, origin: { source: 'eve' } });
      inflight--;
      return { accepted: records.length, rejected: 0, skipped: 0 };
    };
    const setState = ctx.state.setState;
    ctx.state.setState = (k, v) => {
      const offset = JSON.parse(v).offset as number;
      const n = prefixBytes.indexOf(offset) + 1;
      if (offset > 0) expect(n).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) expect(done[i]).toBe(true);
      expect(offset).toBeGreaterThanOrEqual(stored);
      stored = offset;
      setState(k, v);
    };
    const src = new FileSource('eve', cfg(f), ctx);
    await src.pollOnce();
    expect(maxInflight).toBeGreaterThan(1);
    expect(ctx.records.length).toBe(9000);
    expect(stored).toBe(acc);
    await src.stop();
  });

  it('picks up a new file that matches the pattern, from its beginning', async () => {
    writeFileSync(join(dir, 'a.log'), 'old line\n');
    writeFileSync(join(dir, 'skip.txt'), 'not matched\n');
    const ctx = recordingContext();
    const src = new FileSource('logs', cfg(join(dir, '*.log'), { startAt: 'end' }), ctx);
    await src.pollOnce();
    writeFileSync(join(dir, 'b.log'), 'first of b\nsecond of b\n');
    appendFileSync(join(dir, 'a.log'), 'new in a\n');
    await src.pollOnce();
    expect(ctx.texts()).toEqual(['new in a', 'first of b', 'second of b']);
    await src.stop();
  });

  it('frames blank-line records and saves the position only after a whole block', async () => {
    const f = join(dir, 'alert');
    const block = (i: number) => `[**] [1:2001219:20] ET SCAN Potential SSH Scan ${i} [**]\n[Priority: 2] \n11/25-10:00:0${i}.000 198.51.100.${i}:4000 -> 10.0.0.1:22`;
    writeFileSync(f, block(1) + '\n\n' + block(2) + '\n');
    const state = new Map<string, string>();
    const a = recordingContext(state);
    const srcA = new FileSource('snort', cfg(f, { framing: 'blank-line' }), a);
    await srcA.pollOnce();
    await srcA.stop();
    expect(a.texts()).toEqual([block(1)]);
    appendFileSync(f, '\n' + block(3) + '\n\n');
    const b = recordingContext(state);
    const srcB = new FileSource('snort', cfg(f, { framing: 'blank-line' }), b);
    await srcB.pollOnce();
    await srcB.stop();
    expect(b.texts()).toEqual([block(2), block(3)]);
  });

  it('cuts an over-long line, flags it, and goes on with the next', async () => {
    const f = join(dir, 'long.log');
    writeFileSync(f, 'a'.repeat(5000) + '\nshort\n');
    const ctx = recordingContext();
    const src = new FileSource('l', cfg(f, { maxRecordChars: 1000 }), ctx);
    await src.pollOnce();
    expect(ctx.records.map((r) => [r.record.text.length, r.record.truncated])).toEqual([[1000, true], [5, false]]);
    await src.stop();
  });

  it('runs on its own timer after start()', async () => {
    const f = join(dir, 'eve.json');
    writeFileSync(f, '');
    const ctx = recordingContext();
    const src = fileSourceType.create(cfg(f, { pollMs: 20 }), ctx);
    await src.start();
    appendFileSync(f, lines(0, 3).join('\n') + '\n');
    const t0 = Date.now();
    while (ctx.records.length < 3 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    await src.stop();
    expect(ctx.texts()).toEqual(lines(0, 3));
    expect(readFileSync(f, 'utf8').length).toBeGreaterThan(0);
  });

  it('checks its config keys', () => {
    expect(fileSourceType.check({ type: 'file', name: 'x', format: 'suricata-eve' })).toMatch(/^path:/);
    expect(fileSourceType.check({ type: 'file', name: 'x', path: '/var/*/eve.json', format: 'suricata-eve' })).toMatch(/^path: wildcards/);
    expect(fileSourceType.check({ type: 'file', name: 'x', path: '/var/log/eve.json' })).toMatch(/^format:/);
    expect(fileSourceType.check({ type: 'file', name: 'x', path: '/var/log/eve.json', format: 'suricata-eve', startAt: 'middle' })).toMatch(/^startAt:/);
    expect(fileSourceType.check({ type: 'file', name: 'x', path: '/var/log/eve.json', format: 'suricata-eve', pollMs: 1 })).toMatch(/^pollMs:/);
    expect(fileSourceType.check({ type: 'file', name: 'x', path: '/var/log/*.json', format: 'suricata-eve', startAt: 'beginning' })).toBeNull();
  });
});

describe('file patterns', () => {
  it('matches wildcards in the file name only', () => {
    const p = parsePattern('/var/log/eve-*.json');
    expect(p.dir).toBe('/var/log');
    expect(p.match!.test('eve-1.json')).toBe(true);
    expect(p.match!.test('eve-1.jsonx')).toBe(false);
    expect(p.match!.test('eveX1.json')).toBe(false);
    expect(parsePattern('/var/log/auth.log').match).toBeNull();
    expect(parsePattern('/l/a?.[0-9]').match!.test('ab.7')).toBe(true);
    expect(checkPattern('/a/*/b')).toMatch(/wildcards/);
  });
});
