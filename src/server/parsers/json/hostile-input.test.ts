/**
 * Robustness of the honeypot, host-log, firewall and generic parsers: every cut of every
 * fixture line and seeded random mutations must give a well-formed ParseResult (never a throw),
 * and every event must pass the ingest validator unchanged in time and addresses.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parserFor } from '../index.js';
import { frameAll } from '../../sources/framing.js';
import { validateIngest } from '../../../event/validate.js';
import { ERRORS } from '../../../event/errors.js';
import type { ParseContext, ParseResult } from '../types.js';

const here = dirname(fileURLToPath(import.meta.url));
const FORMATS = ['cowrie', 'sshd', 'iptables', 'fail2ban', 'dionaea', 'opencanary', 'cef', 'ecs', 'json'];

/** A small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = ['\u0000', '\n', '"', '\\', '=', '|', '[', ']', ' ', '{', '}', ':', '\u202e', '\ud800', '😀', '-1', '99999', '::'];

function mutate(line: string, r: () => number): string {
  const chars = [...line];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n && chars.length; k++) {
    const at = Math.floor(r() * chars.length);
    const op = r();
    if (op < 0.4) chars[at] = NASTY[Math.floor(r() * NASTY.length)];
    else if (op < 0.7) chars.splice(at, 1);
    else chars.splice(at, 0, NASTY[Math.floor(r() * NASTY.length)]);
  }
  return chars.join('');
}

function checkResult(r: ParseResult, ctx: ParseContext, what: string): void {
  expect(['events', 'skip', 'error'], what).toContain(r.kind);
  if (r.kind === 'error') {
    expect(Object.keys(ERRORS), what).toContain(r.code);
    expect(r.message.length, what).toBeLessThanOrEqual(500);
  }
  if (r.kind === 'skip') expect(typeof r.reason, what).toBe('string');
  if (r.kind !== 'events') return;
  for (const ev of r.events) {
    const v = validateIngest(structuredClone(ev), { sensor: ctx.sensor });
    expect(v.ok ? 'ok' : `${v.code} ${v.message}`, what).toBe('ok');
    if (v.ok) {
      expect(v.event.time, what).toBe(ev.time);
      expect(v.event.source.ip, what).toBe(ev.source.ip);
      expect(v.event.destination.ip, what).toBe(ev.destination.ip);
    }
  }
}

describe.each(FORMATS)('%s survives cut and mutated lines', (format) => {
  const parser = parserFor(format)!;
  const dir = join(here, '..', format, 'testdata');
  const ctxFile = join(dir, 'normal.context.json');
  const c = existsSync(ctxFile) ? JSON.parse(readFileSync(ctxFile, 'utf8')) : {};
  const ctx: ParseContext = { now: new Date(c.now ?? '2026-03-01T12:00:00Z'), timezone: c.timezone ?? 'UTC', sensor: 'fuzz', options: c.options };
  const lines = frameAll(readFileSync(join(dir, 'normal.log'), 'utf8'), parser.framing).map((r) => r.text);

  it('is registered and has lines to work on', () => {
    expect(parser?.name).toBe(format);
    expect(lines.length).toBeGreaterThan(3);
  });

  it('every prefix of every line', () => {
    let events = 0;
    for (const [i, line] of lines.entries()) {
      const step = 1 + Math.floor(line.length / 80);
      for (let end = 0; end < line.length; end += step) checkResult(parser.parse(line.slice(0, end), ctx), ctx, `line ${i} cut at ${end}`);
      const whole = parser.parse(line, ctx);
      checkResult(whole, ctx, `line ${i} whole`);
      if (whole.kind === 'events') events++;
    }
    // The uncut lines still read (the test would pass vacuously on a parser that rejects all).
    expect(events).toBeGreaterThan(lines.length / 2);
  });

  it('2000 seeded mutations', () => {
    const r = rng(format.length * 7919);
    const kinds = new Set<string>();
    for (let k = 0; k < 2000; k++) {
      const line = mutate(lines[k % lines.length], r);
      const res = parser.parse(line, ctx);
      checkResult(res, ctx, `mutation ${k}: ${JSON.stringify(line).slice(0, 200)}`);
      kinds.add(res.kind);
    }
    expect(kinds.has('error') || kinds.has('skip')).toBe(true);
  });
});
