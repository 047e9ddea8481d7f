/**
 * The shared fixture test: every parser folder with a `testdata/` directory is run case by case.
 *
 *   parsers/<format>/testdata/<case>.log            input, framed with the parser's framing
 *   parsers/<format>/testdata/<case>.expected.json  the array of ParseResults, one per record
 *   parsers/<format>/testdata/<case>.context.json   optional {now, timezone, sensor, site, options}
 *
 * The folder name is the format name. Expected files are written by hand (or with
 * UPDATE_FIXTURES=1, then read and checked line by line before committing): this test never
 * generates what it compares against. Every emitted event must also pass validateIngest.
 * Rewrite only your own format's files:
 *   UPDATE_FIXTURES=1 npx vitest run src/server/parsers/fixtures.test.ts -t <format>
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARSERS, parserFor } from './index.js';
import type { ParseContext, ParseResult } from './types.js';
import { frameAll } from '../sources/framing.js';
import { validateIngest } from '../../event/validate.js';
import { ERRORS } from '../../event/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_FIXTURES === '1';

const DEFAULT_CONTEXT = { now: '2026-03-01T12:00:00Z', timezone: 'UTC', sensor: 'test-sensor' };

function loadContext(file: string): ParseContext {
  const raw = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const c = { ...DEFAULT_CONTEXT, ...raw };
  const ctx: ParseContext = { now: new Date(c.now), timezone: c.timezone, sensor: c.sensor };
  if (c.site !== undefined) ctx.site = c.site;
  if (c.options !== undefined) ctx.options = c.options;
  return ctx;
}

const folders = readdirSync(here).filter((d) => {
  const p = join(here, d, 'testdata');
  // A folder whose testdata/ holds no case yet is still being written: not a fixture folder.
  return existsSync(p) && statSync(p).isDirectory() && readdirSync(p).some((f) => f.endsWith('.log'));
}).sort();

describe('parser fixtures', () => {
  it('finds fixture folders, each named after a registered parser', () => {
    expect(folders.length).toBeGreaterThan(0);
    for (const f of folders) expect(parserFor(f)?.name, `no parser registered as "${f}"`).toBe(f);
  });

  it('every registered parser has fixtures', () => {
    for (const p of PARSERS) expect(folders, `parser ${p.name} has no testdata/`).toContain(p.name);
  });

  for (const folder of folders) {
    const dir = join(here, folder, 'testdata');
    const cases = readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)).sort();
    describe(folder, () => {
      for (const name of cases) {
        it(name, () => {
          const parser = parserFor(folder);
          expect(parser, `no parser registered as "${folder}"`).toBeDefined();
          if (!parser) return;
          const ctx = loadContext(join(dir, `${name}.context.json`));
          if (ctx.options && parser.checkOptions) expect(parser.checkOptions(ctx.options)).toBeNull();
          const input = readFileSync(join(dir, `${name}.log`), 'utf8');
          const records = frameAll(input, parser.framing);
          const results: ParseResult[] = records.map((r) => parser.parse(r.text, ctx));
          const expectedFile = join(dir, `${name}.expected.json`);
          if (update) writeFileSync(expectedFile, JSON.stringify(results, null, 2) + '\n');
          expect(existsSync(expectedFile), `${expectedFile} is missing`).toBe(true);
          const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
          // Round-trip through JSON: the expected file cannot hold undefined-valued keys.
          expect(JSON.parse(JSON.stringify(results))).toEqual(expected);
          for (const [i, r] of results.entries()) {
            expect(['events', 'skip', 'error']).toContain(r.kind);
            if (r.kind === 'error') expect(Object.keys(ERRORS), `record ${i}`).toContain(r.code);
            if (r.kind !== 'events') continue;
            expect(r.events.length).toBeGreaterThan(0);
            for (const ev of r.events) {
              const v = validateIngest(structuredClone(ev), { sensor: ctx.sensor, site: ctx.site });
              expect(v.ok ? 'ok' : `${v.code} ${v.message}`, `record ${i}`).toBe('ok');
              // Parsers emit canonical UTC time, so validation must not change it.
              expect(ev.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
              if (v.ok) {
                expect(v.event.time).toBe(ev.time);
                expect(v.event.source.ip).toBe(ev.source.ip);
                expect(v.event.destination.ip).toBe(ev.destination.ip);
              }
            }
          }
        });
      }
    });
  }
});
