/**
 * Starts the real attackmap server for the fan-out benchmark: a fresh data directory, the bench
 * ingest token, and stream limits raised so that every harness client (all from 127.0.0.1) fits.
 * Prints one JSON line {"url","pid"} when listening; stops on SIGTERM/SIGINT and removes its data.
 *
 *   node --import tsx bench/fanout/server.ts --port 5090 [--tick-ms 50] [--queue-bytes N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/server/config/load.js';
import { startServer } from '../../src/server/main.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

const dataDir = mkdtempSync(join(tmpdir(), 'attackmap-fanout-'));
const config = buildConfig({
  cli: {
    server: { host: '127.0.0.1', port: Number(arg('port', '5090')), dataDir },
    ingest: { token: arg('token', 'bench-token') },
    stream: {
      tickMs: Number(arg('tick-ms', '50')),
      clientQueueBytes: Number(arg('queue-bytes', String(1024 * 1024))),
      maxClients: 20_000,
      maxClientsPerAddress: 20_000,
    },
  },
});
const server = await startServer(config, { logLine: () => {} });
process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5000).unref();
  try { await server.close(); } finally { rmSync(dataDir, { recursive: true, force: true }); process.exit(0); }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
