/** GET /healthz (readiness and a small status) and GET /api/info (what the page needs to know). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import type { EventLog } from '../store/types.js';
import type { Enricher } from '../enrich/types.js';
import type { Pipeline } from '../pipeline.js';
import type { Access } from './auth.js';
import type { RunningSources } from '../sources/run.js';
import { VERSION } from '../paths.js';
import { effectiveSites } from '../main.js';

export interface StatusDeps {
  config: Config;
  log: EventLog;
  enricher: Enricher;
  pipeline: Pipeline;
  access: Access;
  isReady: () => boolean;
  startedAt: number;
  sources: () => RunningSources | null;
}

/** What anonymous viewers of a public map see instead of a source's problem text. */
export const HIDDEN_PROBLEM = 'cannot read (details for analysts)';

export function registerStatusRoutes(app: FastifyInstance, deps: StatusDeps): void {
  // 503 only while the node cannot take events (starting, or the store cannot write); a source
  // with a problem makes it 200 'degraded', so a load balancer keeps a node that serves the map.
  app.get('/healthz', async (req, reply) => {
    const store = deps.log.health?.() ?? { writable: true };
    const ready = deps.isReady() && store.writable !== false;
    const c = deps.pipeline.counters;
    const geo = deps.enricher.info();
    // A public map does not tell anonymous viewers its file paths or feed errors: they learn
    // that a source has a problem, the analyst learns which.
    const hide = deps.config.access.mode === 'public' && !deps.access.isAnalyst(req);
    const sources = (deps.sources()?.stats() ?? []).map((s) => ({
      ...s,
      problem: hide && s.problem !== null ? HIDDEN_PROBLEM : s.problem,
      beyondRetention: c.beyondRetentionBySource.get(s.name) ?? 0,
    }));
    const troubled = sources.some((s) => s.problem !== null);
    return reply.code(ready ? 200 : 503).send({
      status: ready && !troubled ? 'ok' : deps.isReady() ? 'degraded' : 'starting',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      store: { ...store, lastId: deps.log.lastId() },
      events: { received: c.received, accepted: c.accepted, rejected: c.rejected, skipped: c.skipped, beyondRetention: c.beyondRetention },
      retention: { rawDays: deps.config.retention.rawDays },
      sources,
      geo: { databases: geo.databases.map((d) => ({ kind: d.kind, origin: d.origin, builtAt: d.builtAt })), unlocated: geo.unlocated },
    });
  });

  app.get('/api/info', async (req) => {
    const analyst = deps.access.isAnalyst(req);
    return {
      version: VERSION,
      accessMode: deps.config.access.mode,
      view: analyst ? 'analyst' : 'public',
      analyst,
      loginAvailable: Boolean(deps.config.access.analystToken),
      sites: effectiveSites(deps.config).map(({ name, lat, lon }) => ({ name, lat, lon })),
      geo: { databases: deps.enricher.info().databases },
      heartbeatMs: deps.config.stream.heartbeatMs,
      demo: deps.config.demo.enabled,
    };
  });
}
