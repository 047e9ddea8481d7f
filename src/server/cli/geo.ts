/**
 * `attackmap geo [--info] [--config FILE] [--data DIR] IP...`: the enrichment of each address
 * as one JSON line (country, city, lat/lon, accuracy radius, AS number and organisation,
 * geoReason/range), or an error line with a code for input that is not an address. `--info`
 * prints the databases with their build dates and licences first.
 *
 * Exit codes: 0 all addresses answered, 1 some input was not an address, 2 usage, configuration
 * or database error (also printed as a JSON line with its code).
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Overrides } from '../config/load.js';
import { CodedError } from '../../event/errors.js';
import { createEnricher } from '../enrich/index.js';

function line(out: NodeJS.WritableStream, value: unknown): void {
  out.write(JSON.stringify(value) + '\n');
}

/** Runs the command; `args` are the words after `geo`. Never throws. */
export async function geoCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  let values: { info?: boolean; config?: string; data?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { info: { type: 'boolean' }, config: { type: 'string' }, data: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    line(out, { error: 'USAGE', message: `${(err as Error).message}; usage: attackmap geo [--info] [--config FILE] [--data DIR] IP...` });
    return 2;
  }
  if (!values.info && positionals.length === 0) {
    line(out, { error: 'USAGE', message: 'usage: attackmap geo [--info] [--config FILE] [--data DIR] IP...' });
    return 2;
  }
  let enricher;
  try {
    const cli: Overrides = {};
    if (values.data) cli.server = { dataDir: values.data };
    const config = loadConfig({ file: values.config, cli });
    enricher = await createEnricher({
      geo: config.geo,
      sites: [],
      dataDir: config.server.dataDir,
      log: (level, msg, fields) => {
        if (level === 'warn' || level === 'error') process.stderr.write(`attackmap geo: ${msg} ${fields ? JSON.stringify(fields) : ''}\n`);
      },
    });
  } catch (err) {
    const code = err instanceof CodedError ? err.code : 'GEO_DB_CORRUPT';
    line(out, { error: code, message: (err as Error).message });
    return 2;
  }
  try {
    if (values.info) {
      const info = enricher.info();
      line(out, { databases: info.databases, asnTable: info.asnTable });
    }
    let bad = 0;
    for (const arg of positionals) {
      const r = enricher.lookup(arg);
      if ('error' in r) bad++;
      line(out, r);
    }
    return bad > 0 ? 1 : 0;
  } finally {
    enricher.close();
  }
}
