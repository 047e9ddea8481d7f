/** GET /metrics: the Prometheus text exposition of the registry. */
import type { FastifyInstance } from 'fastify';
import { METRICS_CONTENT_TYPE, type Registry } from '../telemetry/metrics.js';

/** Registers GET /metrics (text format 0.0.4, not cached). */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store');
    return registry.render();
  });
}
