/**
 * Helpers for source tests that run the real server: a free loopback port, a polling wait, and
 * the server started from a config file object with its own temp data directory. Used by tests only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../config/load.js';
import { startServer, type RunningServer, type StartOptions } from '../main.js';

/** A TCP port on 127.0.0.1 that was free a moment ago (bound on port 0, then released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `cond` every `stepMs` (default 20 ms) until it is true; throws after `ms` (default 10 s). */
export async function waitUntil(cond: () => boolean, ms = 10_000, stepMs = 20): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface PipelineServer extends RunningServer {
  dataDir: string;
  /** Closes the server, then removes the data directory if this helper created it. */
  stop(): Promise<void>;
}

/**
 * The real server built from `file` (the config file's keys; server.port is 0 and server.dataDir
 * is `opts.dataDir` or a new temp directory), with its log lines dropped. `opts.now` sets its clock.
 */
export async function startPipeline(file: Record<string, unknown>, opts: { dataDir?: string; now?: StartOptions['now'] } = {}): Promise<PipelineServer> {
  const own = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'attackmap-pipe-'));
  let s: RunningServer;
  try {
    s = await startServer(buildConfig({ file: { ...file, server: { port: 0, dataDir } } }), { logLine: () => {}, now: opts.now });
  } catch (err) {
    if (own) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(s, {
    dataDir,
    async stop() {
      await s.close();
      if (own) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
