/**
 * Starts the real attackmap server for the fan-out benchmark: a fresh data directory, the bench
 * ingest token, and stream limits raised so that every harness client (all from 127.0.0.1) fits.
 * Prints one JSON line {"url","pid"} when listening; stops on SIGTERM/SIGINT and removes its data.
 *
 *   node --import tsx bench/fanout/server.ts --port 5090 [--tick-ms 50] [--queue-bytes N]
 *       [--mem-log FILE] [--sqlite-cache-kib N]
 *
 * --mem-log appends one JSON line per second: process.memoryUsage() in MB (rss, heapTotal,
 * heapUsed, external, arrayBuffers), to see which part of the process grows.
 * --sqlite-cache-kib overrides every `PRAGMA cache_size` the server sets (KiB per connection),
 * to measure what the SQLite page caches cost without editing the store.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

const cacheKib = arg('sqlite-cache-kib', '');
if (cacheKib !== '') {
  // Bench-only: rewrite the store's cache_size pragmas before the store opens its connections.
  const proto = Database.prototype as unknown as { pragma: (src: string, opts?: unknown) => unknown };
  const orig = proto.pragma;
  proto.pragma = function (this: unknown, src: string, opts?: unknown) {
    return orig.call(this, /^\s*cache_size\s*=/i.test(src) ? `cache_size = -${Number(cacheKib)}` : src, opts);
  };
}
const { buildConfig } = await import('../../src/server/config/load.js');
const { startServer } = await import('../../src/server/main.js');

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

const memLog = arg('mem-log', '');
if (memLog) {
  const t0 = Date.now();
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(memLog, JSON.stringify({ s: Math.round((Date.now() - t0) / 1000), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) }) + '\n');
  }, 1000).unref();
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5000).unref();
  try { await server.close(); } finally { rmSync(dataDir, { recursive: true, force: true }); process.exit(0); }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
