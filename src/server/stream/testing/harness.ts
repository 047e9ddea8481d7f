/**
 * Test harness for the stream: a real fastify server on 127.0.0.1:0 with the hub and the stream
 * route, over a real SQLite event log in a temp directory; SSE readers on real sockets.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { EventSource } from 'eventsource';
import { buildConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { openSqliteLog, type SqliteEventLog } from '../../store/sqlite/index.js';
import { tempDir } from '../../store/sqlite/testkit.js';
import type { AttackEvent, EnrichedEvent } from '../../../event/schema.js';
import { createRegistry, type Registry } from '../../telemetry/metrics.js';
import { createCounters, type LiveCounters } from '../../telemetry/counters.js';
import { createHub, type Hub, type HubDeps } from '../hub.js';
import { registerStreamRoutes } from '../../http/stream.js';
import { registerMetricsRoute } from '../../http/metrics.js';

export const ANALYST_TOKEN = 'analyst-secret-token';

export interface StreamServer {
  url: string;
  app: FastifyInstance;
  hub: Hub;
  log: SqliteEventLog;
  metrics: Registry;
  counters: LiveCounters;
  config: Config;
  /** Stores events in the log and publishes the stored ones, as the bus would. */
  publish(events: EnrichedEvent[]): Promise<AttackEvent[]>;
  close(): Promise<void>;
}

export async function startStreamServer(opts: {
  stream?: Partial<Config['stream']>;
  access?: Partial<Config['access']>;
  hub?: Partial<Pick<HubDeps, 'stallMs' | 'statsMs'>>;
  /** Events stored before the hub starts. */
  seed?: EnrichedEvent[];
  /** Serve cleartext HTTP/2 (h2c) instead of HTTP/1.1. */
  http2?: boolean;
} = {}): Promise<StreamServer> {
  const base = buildConfig({});
  const config: Config = { ...base, stream: { ...base.stream, ...opts.stream }, access: { ...base.access, ...opts.access } };
  const tmp = tempDir('attackmap-stream-');
  const log = openSqliteLog({ dataDir: tmp.dir, retentionIntervalMs: 0 });
  const counters = createCounters();
  if (opts.seed?.length) counters.update(await log.append(opts.seed));
  const metrics = createRegistry();
  const hub = createHub({ log, metrics, counters, config: { ...config.stream, ...config.access }, ...opts.hub });
  const app = (opts.http2 ? (Fastify as any)({ logger: false, http2: true }) : Fastify({ logger: false })) as FastifyInstance;
  registerStreamRoutes(app, {
    hub,
    access: config.access,
    isAnalyst: (req) => config.access.mode === 'open' || req.headers.authorization === `Bearer ${ANALYST_TOKEN}`,
  });
  registerMetricsRoute(app, metrics);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url, app, hub, log, metrics, counters, config,
    async publish(events) {
      const stored = await log.append(events);
      counters.update(stored);
      hub.publish(stored);
      return stored;
    },
    async close() {
      await hub.close();
      await app.close();
      await log.close();
      tmp.remove();
    },
  };
}

export interface Received { type: string; data: any; lastEventId: string }

/** An `eventsource` client that records every message; `until` waits for a condition. */
export function sseClient(url: string, headers: Record<string, string> = {}) {
  const messages: Received[] = [];
  const waiters = new Set<() => void>();
  const es = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
  });
  const record = (type: string) => (ev: MessageEvent) => {
    messages.push({ type, data: JSON.parse(ev.data), lastEventId: ev.lastEventId });
    for (const w of waiters) w();
  };
  for (const t of ['hello', 'attack', 'gap', 'stats']) es.addEventListener(t, record(t) as EventListener);
  return {
    es,
    messages,
    of(type: string) { return messages.filter((m) => m.type === type); },
    attackIds(): string[] { return messages.filter((m) => m.type === 'attack').flatMap((m) => m.data.events.map((e: AttackEvent) => e.id)); },
    until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
      if (cond()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out; got ${messages.map((m) => m.type).join(',')}`)); }, timeoutMs);
        const check = () => { if (cond()) { clearTimeout(timer); waiters.delete(check); resolve(); } };
        waiters.add(check);
      });
    },
    close() { es.close(); },
  };
}

/** A raw HTTP reader of the stream: status, headers and every byte as text. */
export function rawStream(url: string, headers: Record<string, string> = {}) {
  let text = '';
  let status = 0;
  let resHeaders: IncomingHttpHeaders = {};
  let ended = false;
  const waiters = new Set<() => void>();
  const notify = () => { for (const w of waiters) w(); };
  const req = httpRequest(url, { headers }, (res) => {
    status = res.statusCode ?? 0;
    resHeaders = res.headers;
    res.setEncoding('utf8');
    res.on('data', (d: string) => { text += d; notify(); });
    res.on('end', () => { ended = true; notify(); });
    res.on('error', () => { ended = true; notify(); });
    notify();
  });
  req.on('error', () => { ended = true; notify(); });
  req.end();
  return {
    get text() { return text; },
    get status() { return status; },
    get headers() { return resHeaders; },
    get ended() { return ended; },
    until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
      if (cond()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out; status ${status}, ${text.length} bytes`)); }, timeoutMs);
        const check = () => { if (cond()) { clearTimeout(timer); waiters.delete(check); resolve(); } };
        waiters.add(check);
      });
    },
    destroy() { req.destroy(); },
  };
}
