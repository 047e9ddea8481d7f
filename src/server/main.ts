/**
 * The composition root: builds every stage from the configuration and wires them together.
 * Nothing else in the server constructs stages; tests and benchmarks start the same server.
 */
import { mkdirSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from './config/schema.js';
import { CodedError } from '../event/errors.js';
import { openSqliteLog } from './store/sqlite/index.js';
import { createEnricher } from './enrich/index.js';
import type { Site } from './enrich/types.js';
import { createLocalBus } from './bus/local.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { createRegistry, registerProcessMetrics } from './telemetry/metrics.js';
import { createCounters } from './telemetry/counters.js';
import { createHub } from './stream/hub.js';
import { registerStreamRoutes } from './http/stream.js';
import { registerHistoryRoutes } from './http/history.js';
import { registerTrendsRoutes } from './http/trends.js';
import { registerIngestRoutes } from './http/ingest.js';
import { registerMetricsRoute } from './http/metrics.js';
import { registerPageRoutes } from './http/page.js';
import { registerStatusRoutes } from './http/status.js';
import { createAccess } from './http/auth.js';
import { startSources, type RunningSources } from './sources/run.js';
import { DEMO_SITES } from './sources/demo/index.js';
import { registerPipelineMetrics } from './telemetry/pipeline-metrics.js';
import type { EventLog } from './store/types.js';

export interface StartOptions {
  /** The clock for parsers' year inference and status; default the system clock. */
  now?: () => Date;
  /** Fastify's request log; off by default (the server logs its own lines). */
  requestLog?: boolean;
  /** Where the server's own log lines go; default stderr as JSON lines. */
  logLine?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  log: EventLog;
  pipeline: Pipeline;
  config: Config;
  /** Stops sources, tells stream clients to reconnect, flushes the log. */
  close(): Promise<void>;
}

function stderrLog(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
}

/**
 * The sites events are placed at: the configured ones, plus, while the demo runs, the demo's
 * sites whose names are not taken (its sensors are placed there, so without them every demo
 * event would be unlocated).
 */
export function effectiveSites(config: Config): Site[] {
  if (!config.demo.enabled) return config.sites;
  const taken = new Set(config.sites.map((s) => s.name));
  return [...config.sites, ...DEMO_SITES.filter((s) => !taken.has(s.name))];
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const now = opts.now ?? (() => new Date());
  const logLine = opts.logLine ?? stderrLog;
  const startedAt = Date.now();
  let ready = false;

  try {
    mkdirSync(config.server.dataDir, { recursive: true });
  } catch (err) {
    throw new CodedError('STORE_OPEN_FAILED', `${config.server.dataDir}: ${(err as Error).message}`);
  }
  const log = openSqliteLog({
    dataDir: config.server.dataDir,
    rawRetentionDays: config.retention.rawDays,
    rollupRetentionDays: config.retention.rollupDays,
    deadLetterRows: config.retention.deadLetterRows,
  });
  const sites = effectiveSites(config);
  let enricher;
  try {
    enricher = await createEnricher({ geo: config.geo, sites, dataDir: config.server.dataDir, log: logLine });
    // Sources start only once the log's writer thread is up, so a flood waiting at start-up
    // does not queue behind the thread's boot.
    await log.whenReady();
  } catch (err) {
    await log.close();
    throw err;
  }

  const registry = createRegistry();
  registerProcessMetrics(registry);
  // Counts since this start: the total, its breakdowns and `since` describe the same span.
  const counters = createCounters();
  const bus = createLocalBus();
  const pipeline = createPipeline({ log, enricher, bus, now, rawDays: config.retention.rawDays, logLine });
  const hub = createHub({ log, metrics: registry, counters, config: { ...config.stream, ...config.access } });
  bus.subscribe((events) => {
    counters.update(events);
    hub.publish(events);
  });

  const tls = config.server.tlsCert && config.server.tlsKey;
  const app: FastifyInstance = tls
    ? (Fastify as any)({
        logger: opts.requestLog ?? false,
        http2: true,
        https: { allowHTTP1: true, cert: await readPem(config.server.tlsCert!), key: await readPem(config.server.tlsKey!) },
        trustProxy: config.server.trustProxy,
      })
    : Fastify({ logger: opts.requestLog ?? false, trustProxy: config.server.trustProxy });

  const access = createAccess(config.access, { secureCookies: Boolean(tls) });
  let sources: RunningSources | null = null;

  registerPageRoutes(app);
  access.register(app);
  registerIngestRoutes(app, { pipeline, ingest: config.ingest, now });
  registerStreamRoutes(app, { hub, access: config.access, isAnalyst: (req) => access.isAnalyst(req) });
  const redaction = { prefixV4: config.access.publicPrefixV4, prefixV6: config.access.publicPrefixV6 };
  // The public view, for history as for the stream: anyone not logged in (public mode), and any
  // screen that asks for it with view=public.
  const publicView = (req: FastifyRequest) =>
    access.isAnalyst(req) && (req.query as { view?: unknown }).view !== 'public' ? null : redaction;
  registerHistoryRoutes(app, { log, publicView });
  registerTrendsRoutes(app, { log, publicView });
  registerPipelineMetrics(registry, { pipeline, enricher, sources: () => sources });
  registerMetricsRoute(app, registry);
  registerStatusRoutes(app, {
    config, log, enricher, pipeline, access,
    isReady: () => ready,
    startedAt,
    sources: () => sources,
  });

  // A wall of screens reconnecting after a restart arrives at once: a deep accept queue keeps
  // those connects from being refused and retried.
  await app.listen({ host: config.server.host, port: config.server.port, backlog: 4096 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;

  sources = await startSources(config, sites, { pipeline, log, now, logLine });
  ready = true;
  logLine('info', 'attackmap listening', { url, dataDir: config.server.dataDir, sources: sources.names });

  let closing: Promise<void> | null = null;
  return {
    url, port, app, log, pipeline, config,
    close() {
      closing ??= (async () => {
        ready = false;
        await sources?.stop();
        await hub.close();
        await app.close();
        await log.close();
        enricher.close();
      })();
      return closing;
    },
  };
}

async function readPem(path: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path);
  } catch (err) {
    throw new CodedError('CONFIG_INVALID', `server.tlsCert/tlsKey: ${path}: ${(err as Error).message}`);
  }
}
