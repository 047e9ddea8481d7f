/**
 * The `attackmap` command: serve, parse, geo, formats. Exit codes: 0 ok, 1 failure (or, with
 * --strict, unreadable lines), 2 usage or configuration error (for parse, also a FILE that cannot
 * be opened or read: the other files are still parsed and their output kept).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StringDecoder } from 'node:string_decoder';
import { loadConfig, type Overrides } from './config/load.js';
import { CodedError, ERRORS } from '../event/errors.js';
import { PARSERS, parserFor } from './parsers/index.js';
import { sensorContext, type ParseContext, type Parser } from './parsers/types.js';
import { SOURCE_TYPES } from './sources/index.js';
import { Framer, type FramedRecord } from './sources/framing.js';
import { validateIngest } from '../event/validate.js';
import { isValidTimeZone } from '../event/time.js';
import { VERSION } from './paths.js';

const USAGE = `attackmap ${VERSION}: a live attack map

Usage:
  attackmap serve [--config FILE] [--host H] [--port N] [--data DIR] [--demo]
  attackmap parse --format NAME [FILE|-]... [--strict] [--timezone ZONE] [--sensor NAME] [--now ISO] [--options JSON]
  attackmap geo [--info] [--config FILE] [--data DIR] IP...
  attackmap formats
  attackmap help

Configuration: a YAML/JSON file (--config), ATTACKMAP_<SECTION>_<KEY> environment variables,
then flags; see docs/configuration.md.
`;

type Out = NodeJS.WritableStream;

function fail(err: Out, message: string): number {
  err.write(`attackmap: ${message}\n`);
  return 2;
}

async function serve(args: string[], out: Out, err: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
      data: { type: 'string' }, demo: { type: 'boolean' },
    },
    strict: true,
  });
  const cli: Overrides = { server: {}, demo: {} };
  if (values.host) cli.server.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(err, `--port: ${JSON.stringify(values.port)} is not a port number`);
    cli.server.port = port;
  }
  if (values.data) cli.server.dataDir = values.data;
  if (values.demo) cli.demo.enabled = true;
  const config = loadConfig({ file: values.config, cli });
  const { startServer } = await import('./main.js');
  const server = await startServer(config);
  out.write(`attackmap ${VERSION} serving ${server.url}\n`);
  if (!config.ingest.token) out.write('ingest: no token configured, so POST /api/events answers 401 (set ATTACKMAP_INGEST_TOKEN)\n');
  if (config.redis.url) out.write('redis.url: reserved for several nodes sharing one event log, not used by this version (the redis source type has its own url)\n');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      out.write(`attackmap: ${signal}, stopping\n`);
      server.close().then(resolve, (e) => {
        err.write(`attackmap: error while stopping: ${(e as Error).message}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/**
 * A file's bytes in 64 KiB chunks (larger ones decode more slowly), read synchronously: the command has nothing else to do
 * meanwhile, and a read stream would idle the thread on every chunk. The one buffer is reused:
 * each chunk is decoded before the next read.
 */
function* readChunks(file: string): Generator<Buffer> {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(64 * 1024);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

async function parse(args: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string' }, strict: { type: 'boolean' }, timezone: { type: 'string' },
      sensor: { type: 'string' }, site: { type: 'string' }, now: { type: 'string' }, options: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.format) return fail(err, 'parse needs --format NAME (see `attackmap formats`)');
  const parser = parserFor(values.format);
  if (!parser) return fail(err, `unknown format ${JSON.stringify(values.format)} (see \`attackmap formats\`)`);
  const timezone = values.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) return fail(err, `--timezone: unknown IANA zone ${JSON.stringify(timezone)}`);
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) return fail(err, `--now: not a time: ${JSON.stringify(values.now)}`);
  let options: Record<string, unknown> | undefined;
  if (values.options) {
    try {
      options = JSON.parse(values.options);
    } catch {
      return fail(err, '--options: not JSON');
    }
    const problem = parser.checkOptions?.(options ?? {});
    if (problem) return fail(err, `--options: ${problem}`);
  }
  const files = positionals.length > 0 ? positionals : ['-'];
  if (files.filter((f) => f === '-').length > 1) return fail(err, 'parse reads stdin (-) at most once');
  // --sensor names the sensor: it wins over names in the records; without it they win over "cli".
  const ctx: ParseContext = {
    now, timezone, ...sensorContext(values.sensor, 'cli'), site: values.site, options,
  };
  const total: ParseCounts = { events: 0, skipped: 0, failures: 0 };
  let unreadableFiles = 0;
  for (const file of files) {
    const counts = await parseFile(file, parser, ctx, out, err);
    if (!counts) {
      unreadableFiles += 1;
      continue;
    }
    total.events += counts.events;
    total.skipped += counts.skipped;
    total.failures += counts.failures;
  }
  if (files.length > 1) {
    const notRead = unreadableFiles > 0 ? ` (${unreadableFiles} could not be read)` : '';
    err.write(`total of ${files.length} files${notRead}: ${total.events} events, ${total.skipped} skipped, ${total.failures} unreadable\n`);
  }
  if (unreadableFiles > 0) return 2;
  return values.strict && total.failures > 0 ? 1 : 0;
}

interface ParseCounts { events: number; skipped: number; failures: number }

/**
 * Parses one FILE (or stdin for `-`) with its own framer, decoder and correlator, so a cut last
 * line of one file never joins the next. Events go to `out` as NDJSON, each unreadable record to
 * `err` as `FILE:LINE: CODE: message`, then the file's summary line. A file that cannot be read
 * is reported as `attackmap: FILE: message` and gives null; what it produced before is kept.
 */
async function parseFile(file: string, parser: Parser, ctx: ParseContext, out: Out, err: Out): Promise<ParseCounts | null> {
  const input = file === '-' ? process.stdin : readChunks(file);
  const correlator = parser.correlator?.();
  const framer = new Framer(parser.framing);
  const decoder = new StringDecoder('utf8');
  let events = 0;
  let failures = 0;
  let skipped = 0;
  const skipReasons = new Map<string, number>();
  let pending = '';

  const handle = (records: FramedRecord[]) => {
    for (const rec of records) {
      const report = (code: string, message: string) => {
        failures += 1;
        err.write(`${file}:${rec.line}: ${code}: ${message}\n`);
      };
      if (rec.truncated) {
        report('PARSE_TOO_LONG', 'record longer than the framing limit');
        continue;
      }
      const result = parser.parse(rec.text, ctx);
      if (result.kind === 'skip') {
        skipped += 1;
        countReason(skipReasons, result.reason);
        continue;
      }
      if (result.kind === 'error') {
        report(result.code, result.message);
        continue;
      }
      const produced = correlator ? result.events.flatMap((e) => correlator.push(e)) : result.events;
      for (const e of produced) {
        const v = validateIngest(e, { sensor: ctx.sensor, site: ctx.site });
        if (!v.ok) {
          report(v.code, v.message);
          continue;
        }
        events += 1;
        pending += JSON.stringify(v.event) + '\n';
      }
    }
  };
  const flush = async () => {
    if (pending.length > 0 && !out.write(pending)) await new Promise((r) => out.once('drain', r));
    pending = '';
  };

  try {
    for await (const chunk of input) {
      handle(framer.push(decoder.write(chunk as Buffer)));
      await flush();
    }
  } catch (e) {
    await flush();
    err.write(`attackmap: ${file}: ${(e as Error).message}\n`);
    return null;
  }
  handle(framer.push(decoder.end()));
  handle(framer.end());
  await flush();
  err.write(`${file}: ${events} events, ${skipped} skipped, ${failures} unreadable\n`);
  for (const [reason, n] of [...skipReasons].sort((a, b) => b[1] - a[1]).slice(0, 3)) err.write(`  ${n} skipped: ${reason}\n`);
  if (events === 0 && failures === 0 && skipped > 0) {
    err.write(`  no record gave an event: if these are not ${parser.name} records, \`attackmap formats\` lists the others\n`);
  }
  return { events, skipped, failures };
}

/** Most distinct skip reasons counted per file; the rest are counted together. */
const MAX_SKIP_REASONS = 50;

/** Counts a parser's skip reason (record text may be in it: control characters are replaced). */
function countReason(reasons: Map<string, number>, reason: string): void {
  let key = reason.slice(0, 120).replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
  if (!reasons.has(key) && reasons.size >= MAX_SKIP_REASONS) key = 'other reasons';
  reasons.set(key, (reasons.get(key) ?? 0) + 1);
}

function formats(out: Out): number {
  const width = Math.max(...PARSERS.map((p) => p.name.length), 6);
  out.write('Formats (parse --format, source format:, POST /api/events?format=):\n');
  for (const p of PARSERS) out.write(`  ${p.name.padEnd(width)}  ${p.description}\n`);
  out.write(`Source types (sources[].type): ${SOURCE_TYPES.map((s) => s.type).join(', ')}\n`);
  return 0;
}

/** Runs the CLI with `args` (without node and script); resolves to the exit code. */
export async function main(args: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'serve': return await serve(rest, out, err);
      case 'parse': return await parse(rest, out, err);
      case 'geo': {
        const { geoCommand } = await import('./cli/geo.js');
        return await geoCommand(rest, out);
      }
      case 'formats': return formats(out);
      case undefined: case 'help': case '--help': case '-h':
        out.write(USAGE);
        return command === undefined ? 2 : 0;
      case '--version': case 'version':
        out.write(`${VERSION}\n`);
        return 0;
      default:
        return fail(err, `unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof CodedError) {
      err.write(`attackmap: ${e.code}: ${e.message}\n  how to fix: ${ERRORS[e.code]}\n`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return fail(err, (e as Error).message);
    err.write(`attackmap: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
