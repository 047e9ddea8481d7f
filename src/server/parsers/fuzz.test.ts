/**
 * Fuzz every registered parser with a fixed seed: cut fixture records, mutated records, spliced
 * records, random text and binary, random JSON objects with the keys sensors use, and 1 MB
 * records. No exception may escape, every result must be a well-formed ParseResult whose events
 * pass validateIngest, and no result may grow with its input beyond a fixed bound.
 */
import { mulberry32 } from '../random.js';
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARSERS } from './index.js';
import type { ParseContext, ParseResult, Parser } from './types.js';
import { frameAll } from '../sources/framing.js';
import { validateIngest } from '../../event/validate.js';
import { ERRORS } from '../../event/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const SEED = 0x5eed2026;
/** Inputs per parser. */
const ITERATIONS = 10_000;
/** 1 MB records per parser (each costs a full parse of 1 MB). */
const HUGE = 3;
/** Largest serialised ParseResult accepted: 32 details of 4 KB plus rule, addresses, message. */
const MAX_RESULT_CHARS = 200_000;

const rng = mulberry32;

const SPECIAL = ['"', '{', '}', '[', ']', ':', ',', '\\', '\n', '\r', '\t', '\u0000', '\ud800', '\udfff', '\u202e',
  '\u001b[31m', ' -> ', '[**]', '[Priority: ', '::', '%', '-', '.', '0', '9', '65536', '-1', '1e309', 'null', 'true',
  '<script>', '\u00ff', '\u{1F600}', ' ', '  ', '=', '|', '"timestamp":', '"src_ip":', '"event_type":"alert"'];

const KEYS = ['timestamp', 'event_type', 'src_ip', 'dest_ip', 'src_port', 'dest_port', 'proto', 'app_proto', 'flow_id',
  'alert', 'signature', 'signature_id', 'severity', 'category', 'action', 'metadata', 'http', 'anomaly', 'drop', 'host',
  'seconds', 'msg', 'rule', 'src_addr', 'dst_addr', 'src_ap', 'dst_ap', 'priority', 'class', 'b64_data', 'gid', 'sid',
  'rev', 'eventid', 'src_host', 'dst_host', 'logtype', 'session', 'username', 'password', 'input', 'dst_ip', 'sensor',
  'ts', 'note', 'id.orig_h', 'local_time', 'node_id', 'logdata', 'connection', 'protocol', '__proto__', 'constructor'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function randomText(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.6) s += String.fromCharCode(32 + Math.floor(r() * 95));
    else if (k < 0.8) s += pick(r, SPECIAL);
    else s += String.fromCharCode(Math.floor(r() * 0x10000));
  }
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (k < 0.2) return randomText(r, 40);
  if (k < 0.3) return pick(r, ['192.0.2.1', '2001:0db8:0000:0000:0000:0000:0000:0001', '::ffff:10.0.0.1', '999.1.1.1', '']);
  if (k < 0.4) return pick(r, ['2026-02-28T10:00:00.123456+0000', '02/28-10:00:00.1', '2026-02-28 10:00:00', 'x']);
  if (k < 0.55) return pick(r, [0, -1, 1, 2, 3, 65535, 65536, 1.5, 2 ** 53 + 1, 1e308, Number.MAX_SAFE_INTEGER]);
  if (k < 0.6) return pick(r, [null, true, false]);
  if (k < 0.8 && depth < 3) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(r() * 8);
    for (let i = 0; i < n; i++) o[pick(r, KEYS)] = randomValue(r, depth + 1);
    return o;
  }
  if (depth < 3) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return 'leaf';
}

function mutate(r: () => number, s: string): string {
  let out = s;
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n && out.length > 0; i++) {
    const at = Math.floor(r() * out.length);
    const k = r();
    if (k < 0.4) out = out.slice(0, at) + pick(r, SPECIAL) + out.slice(at + 1);
    else if (k < 0.7) out = out.slice(0, at) + pick(r, SPECIAL) + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 10));
  }
  return out;
}

function seedsOf(p: Parser): string[] {
  const dir = join(here, p.name, 'testdata');
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.log')).sort()) {
    for (const rec of frameAll(readFileSync(join(dir, f), 'utf8'), p.framing)) {
      if (rec.text.length <= 20_000) out.push(rec.text);
    }
  }
  return out;
}

/**
 * The contexts the parser's fixtures use (their `<case>.context.json`), plus the plain default:
 * formats that need options (a JSON field mapping) only produce events with them.
 */
function contextsOf(p: Parser, base: ParseContext): ParseContext[] {
  const out = [base];
  const dir = join(here, p.name, 'testdata');
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.context.json')).sort()) {
    const c = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    out.push({
      now: new Date(c.now ?? base.now), timezone: c.timezone ?? base.timezone, sensor: c.sensor ?? base.sensor,
      ...(c.site !== undefined ? { site: c.site } : {}), ...(c.options !== undefined ? { options: c.options } : {}),
    });
  }
  return out;
}

function* inputs(p: Parser, r: () => number): Generator<string> {
  const seeds = seedsOf(p);
  const seed = () => (seeds.length > 0 ? pick(r, seeds) : randomText(r, 200));
  for (let i = 0; i < ITERATIONS; i++) {
    const k = r();
    if (k < 0.25) { const s = seed(); yield s.slice(0, Math.floor(r() * s.length)); }
    else if (k < 0.55) yield mutate(r, seed());
    else if (k < 0.65) { const a = seed(), b = seed(); yield a.slice(0, Math.floor(r() * a.length)) + b.slice(Math.floor(r() * b.length)); }
    else if (k < 0.75) yield randomText(r, 400);
    else if (k < 0.8) yield Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256))).toString('latin1');
    else yield JSON.stringify(randomValue(r, 0)) ?? 'null';
  }
  for (let i = 0; i < HUGE; i++) {
    const s = seed();
    const fill = i === 0 ? 'A' : i === 1 ? '[**] {' : '\\u0000"';
    const cut = Math.floor(s.length / 2);
    yield s.slice(0, cut) + fill.repeat(Math.ceil(1_048_576 / fill.length)) + s.slice(cut);
  }
}

function checkResult(res: ParseResult, ctx: ParseContext): string | null {
  if (res === null || typeof res !== 'object') return 'result is not an object';
  const size = JSON.stringify(res).length;
  if (size > MAX_RESULT_CHARS) return `result has ${size} characters`;
  if (res.kind === 'skip') return typeof res.reason === 'string' ? null : 'skip without reason';
  if (res.kind === 'error') {
    if (!(res.code in ERRORS)) return `unknown error code ${String(res.code)}`;
    return typeof res.message === 'string' ? null : 'error without message';
  }
  if (res.kind !== 'events') return `unknown kind ${String((res as { kind: unknown }).kind)}`;
  if (!Array.isArray(res.events) || res.events.length === 0) return 'events result without events';
  for (const ev of res.events) {
    const v = validateIngest(structuredClone(ev), { sensor: ctx.sensor });
    if (!v.ok) return `event fails validation: ${v.code} ${v.message}`;
    if (!/Z$/.test(ev.time)) return `time not UTC: ${ev.time}`;
  }
  return null;
}

describe('parser fuzz', () => {
  const base: ParseContext = { now: new Date('2026-03-01T12:00:00Z'), timezone: 'UTC', sensor: 'fuzz', site: 'lab' };
  for (const p of PARSERS) {
    it(`${p.name}: ${ITERATIONS + HUGE} hostile records, no throw, valid bounded results`, () => {
      const r = rng(SEED ^ [...p.name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const failures: string[] = [];
      const kinds = { events: 0, skip: 0, error: 0 };
      let count = 0;
      // A fresh correlator per parser, fed every event, must stay bounded too.
      const corr = p.correlator?.();
      const contexts = contextsOf(p, base);
      for (const input of inputs(p, r)) {
        count++;
        const ctx = pick(r, contexts);
        let res: ParseResult;
        try {
          res = p.parse(input, ctx);
        } catch (e) {
          failures.push(`threw ${e instanceof Error ? e.message : String(e)} on ${JSON.stringify(input.slice(0, 200))}`);
          continue;
        }
        const problem = checkResult(res, ctx);
        if (problem) failures.push(`${problem} on ${JSON.stringify(input.slice(0, 200))}`);
        else kinds[res.kind]++;
        if (corr && res.kind === 'events') {
          try {
            for (const ev of res.events) corr.push(ev);
          } catch (e) {
            failures.push(`correlator threw ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        if (failures.length >= 5) break;
      }
      expect(failures).toEqual([]);
      expect(count).toBe(ITERATIONS + HUGE);
      // Errors must dominate for random input, but fixtures-derived records should still parse.
      expect(kinds.error).toBeGreaterThan(0);
      expect(kinds.events + kinds.skip, 'cut and mutated fixtures never parsed').toBeGreaterThan(0);
      if (gc) {
        gc();
        // Pure parsers keep nothing: what survives a GC is bounded regardless of the input volume.
        expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
      }
    });
  }
});
